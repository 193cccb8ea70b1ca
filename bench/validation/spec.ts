// What every validation contender serves (#14): POST /users with a 10-field JSON body, validated with the same
// rules in each framework's own way, answering the same JSON; and bodies each must refuse with 400.
import type { Contender } from '../spec.js'

/** The timed route's name in the report. */
export const VALIDATION_ROUTE = 'POST /users (10-field JSON body, validated)'

/** The body every timed request sends. */
export const BODY = {
  id: '3f0c2a6e-9b1d-4c55-8f7e-2d4b6a8c0e12',
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  age: 36,
  active: true,
  score: 97.5,
  tags: ['math', 'engines', 'poetry'],
  country: 'GB',
  createdAt: '1843-09-01T00:00:00Z',
  notes: 'Wrote the first published algorithm for a machine.',
} as const

/** The rules, in words; each contender writes them in its own schema language or by hand. */
export const RULES = {
  id: 'a string of exactly 36 characters',
  name: 'a string of 1 to 100 characters',
  email: 'a string of 3 to 254 characters matching ^[^@\\s]+@[^@\\s]+$',
  age: 'an integer from 0 to 150',
  active: 'a boolean',
  score: 'a number from 0 to 100',
  tags: 'at most 10 strings of 1 to 30 characters',
  country: "one of 'DE', 'FR', 'GB', 'JP', 'US'",
  createdAt: 'a string of 10 to 40 characters',
  notes: 'optional: a string of at most 1000 characters',
} as const

export const COUNTRIES = ['DE', 'FR', 'GB', 'JP', 'US'] as const
export const EMAIL = /^[^@\s]+@[^@\s]+$/

/** What every contender answers for a valid body: a few fields of what it validated. */
export function answerOf(user: { id: string; name: string; tags: readonly string[] }): { id: string; name: string; tags: number } {
  return { id: user.id, name: user.name, tags: user.tags.length }
}

export const ANSWER = JSON.stringify(answerOf(BODY))

/** Bodies every contender must refuse with 400, one broken rule each. */
export const INVALID: readonly { readonly what: string; readonly body: unknown }[] = [
  { what: 'age not an integer', body: { ...BODY, age: 36.5 } },
  { what: 'a tag too long', body: { ...BODY, tags: ['x'.repeat(31)] } },
  { what: 'an unknown country', body: { ...BODY, country: 'XX' } },
  { what: 'no email', body: { ...BODY, email: undefined } },
  { what: 'a string score', body: { ...BODY, score: 'high' } },
]

/** A validation contender: started like an HTTP contender, serving POST /users. */
export type ValidationContender = Contender
