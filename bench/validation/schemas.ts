// The bench's rules (spec.ts RULES) as zod 4, valibot 1 and JSON Schema (for Fastify's ajv).
import * as v from 'valibot'
import * as z from 'zod'
import { COUNTRIES, EMAIL } from './spec.js'

export const zodUser = z.object({
  id: z.string().length(36),
  name: z.string().min(1).max(100),
  email: z.string().min(3).max(254).regex(EMAIL),
  age: z.number().int().min(0).max(150),
  active: z.boolean(),
  score: z.number().min(0).max(100),
  tags: z.array(z.string().min(1).max(30)).max(10),
  country: z.enum(COUNTRIES),
  createdAt: z.string().min(10).max(40),
  notes: z.string().max(1000).optional(),
})

export const valibotUser = v.object({
  id: v.pipe(v.string(), v.length(36)),
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  email: v.pipe(v.string(), v.minLength(3), v.maxLength(254), v.regex(EMAIL)),
  age: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(150)),
  active: v.boolean(),
  score: v.pipe(v.number(), v.minValue(0), v.maxValue(100)),
  tags: v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(30))), v.maxLength(10)),
  country: v.picklist(COUNTRIES),
  createdAt: v.pipe(v.string(), v.minLength(10), v.maxLength(40)),
  notes: v.optional(v.pipe(v.string(), v.maxLength(1000))),
})

export const jsonSchemaUser = {
  type: 'object',
  required: ['id', 'name', 'email', 'age', 'active', 'score', 'tags', 'country', 'createdAt'],
  properties: {
    id: { type: 'string', minLength: 36, maxLength: 36 },
    name: { type: 'string', minLength: 1, maxLength: 100 },
    email: { type: 'string', minLength: 3, maxLength: 254, pattern: EMAIL.source },
    age: { type: 'integer', minimum: 0, maximum: 150 },
    active: { type: 'boolean' },
    score: { type: 'number', minimum: 0, maximum: 100 },
    tags: { type: 'array', maxItems: 10, items: { type: 'string', minLength: 1, maxLength: 30 } },
    country: { enum: [...COUNTRIES] },
    createdAt: { type: 'string', minLength: 10, maxLength: 40 },
    notes: { type: 'string', maxLength: 1000 },
  },
} as const
