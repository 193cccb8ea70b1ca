import type { StandardSchemaV1 } from '@standard-schema/spec'
import { configError } from '../errors.js'

/** A JSON Schema (draft 2020-12, OpenAPI 3.1's dialect) as a plain object. */
export type JsonSchema = Record<string, unknown>

/** Which side of a schema a place in the document shows: what a client sends, or what the app answers. */
export type Side = 'input' | 'output'

interface Converter {
  readonly input: (options: { target: string }) => JsonSchema
  readonly output: (options: { target: string }) => JsonSchema
}

interface Entry {
  readonly json: JsonSchema
  uses: number
  name: string | undefined
}

/**
 * The schemas of one document: each Standard Schema converted once per side through its JSON Schema side
 * (`~standard.jsonSchema`), counted where used. A schema used more than once, or one with its own `$defs`,
 * becomes a `components.schemas` entry that every use refers to.
 */
export class SchemaRegistry {
  readonly #entries = new Map<StandardSchemaV1, Map<Side, Entry>>()
  readonly #taken = new Set<string>()

  /** Converts and counts one use; `where` names the place for the error when the schema cannot convert. */
  use(schema: StandardSchemaV1, side: Side, where: string): JsonSchema {
    const entry = this.#entry(schema, side, where)
    entry.uses++
    return entry.json
  }

  /** Converts without counting a use: for a schema spread into parameters rather than referred to. */
  read(schema: StandardSchemaV1, side: Side, where: string): JsonSchema {
    return this.#entry(schema, side, where).json
  }

  #entry(schema: StandardSchemaV1, side: Side, where: string): Entry {
    let sides = this.#entries.get(schema)
    if (sides === undefined) this.#entries.set(schema, (sides = new Map()))
    let entry = sides.get(side)
    if (entry === undefined) sides.set(side, (entry = { json: convert(schema, side, where), uses: 0, name: undefined }))
    return entry
  }

  /** Names the shared schemas; call once every use is counted, before {@link ref}. */
  seal(): void {
    for (const sides of this.#entries.values()) {
      for (const [side, entry] of sides) {
        if (entry.uses === 0 || (entry.uses < 2 && entry.json.$defs === undefined)) continue
        entry.name = this.#name(entry.json, side, sides.size > 1)
      }
    }
  }

  /** What a place in the document holds: a `$ref` to the shared schema, or the schema itself. */
  ref(schema: StandardSchemaV1, side: Side): JsonSchema {
    const entry = this.#entries.get(schema)?.get(side) as Entry
    return entry.name === undefined ? entry.json : { $ref: `#/components/schemas/${entry.name}` }
  }

  /** The `components.schemas` object, with each schema's own `$defs` references pointed into it. */
  components(): Record<string, JsonSchema> {
    const out: Record<string, JsonSchema> = {}
    for (const sides of this.#entries.values()) {
      for (const entry of sides.values()) {
        if (entry.name !== undefined) out[entry.name] = repointDefs(entry.json, `#/components/schemas/${entry.name}/$defs/`) as JsonSchema
      }
    }
    return out
  }

  #name(json: JsonSchema, side: Side, bothSides: boolean): string {
    const given = typeof json.title === 'string' ? json.title : typeof json.$id === 'string' ? json.$id : 'Schema'
    const base = (given.replace(/[^A-Za-z0-9._-]/g, '') || 'Schema') + (bothSides && side === 'output' ? 'Output' : '')
    let name = base
    for (let n = 2; this.#taken.has(name); n++) name = `${base}${n}`
    this.#taken.add(name)
    return name
  }
}

function convert(schema: StandardSchemaV1, side: Side, where: string): JsonSchema {
  const standard = schema['~standard'] as StandardSchemaV1['~standard'] & { jsonSchema?: Converter }
  const converter = standard.jsonSchema
  if (converter === undefined || typeof converter[side] !== 'function') {
    const hint = standard.vendor === 'valibot'
      ? 'wrap it with toStandardJsonSchema() from @valibot/to-json-schema'
      : 'use a schema library that implements Standard JSON Schema (zod 4.2 and later, arktype 2.1.28 and later, valibot through @valibot/to-json-schema)'
    configError(`openapi(): ${where} (${standard.vendor}) has no JSON Schema side (~standard.jsonSchema): ${hint}`)
  }
  let json: JsonSchema
  try {
    json = converter[side]({ target: 'draft-2020-12' })
  } catch (error) {
    configError(`openapi(): ${where} (${standard.vendor}) cannot be written as JSON Schema: ${(error as Error).message}`)
  }
  const { $schema: _dialect, ...rest } = json
  return rest
}

/** Points `#/$defs/…` references at the schema's place in the document. */
function repointDefs(value: unknown, base: string): unknown {
  if (Array.isArray(value)) return value.map((item) => repointDefs(item, base))
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    out[key] = key === '$ref' && typeof item === 'string' && item.startsWith('#/$defs/') ? base + item.slice('#/$defs/'.length) : repointDefs(item, base)
  }
  return out
}
