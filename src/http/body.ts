import { parse as parseQuery } from 'node:querystring'
import { HttpError } from './http-error.js'

/** Form fields from an urlencoded body; a repeated field becomes an array. No prototype: `__proto__` is just a key. */
export type FormFields = Record<string, string | string[] | undefined>

/** Options for a body reader. */
export interface BodyOptions {
  /** The largest body accepted, in bytes; larger gets 413. @default the route's or app's `bodyLimit` (1 MiB) */
  limit?: number
}

/** Options for the form reader. */
export interface FormOptions extends BodyOptions {
  /** The most fields a form may hold; more gets 413 rather than fields silently dropped. @default 1000 */
  maxFields?: number
}

/** The default most fields of a form, and keys of a query string. */
export const DEFAULT_MAX_FIELDS = 1000

/** Options for the JSON reader. */
export interface JsonOptions extends BodyOptions {
  /** The deepest nesting of arrays and objects accepted; deeper gets 400. @default 128 */
  maxDepth?: number
}

/** The default nesting limit for JSON bodies: deep enough for any real document, far from the stack's limit. */
export const DEFAULT_JSON_DEPTH = 128

/** The default body size limit: 1 MiB. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024

/** The 413 for a body past its limit; the connection is closed rather than read to the end. */
export function tooLarge(limit: number): HttpError {
  return new HttpError(413, `request body is larger than ${limit} bytes`, { headers: { connection: 'close' } })
}

const ESCAPED_LETTER = /\\u00[4-7][0-9a-f]/i

/**
 * Parses a JSON body. Invalid JSON, nesting deeper than `maxDepth`, and a `__proto__` or `constructor.prototype`
 * key (which would pollute prototypes once the value is merged into another object) get 400.
 */
export function parseJson(body: Buffer, maxDepth: number): unknown {
  // nesting deeper than maxDepth needs more than 2 * maxDepth bytes and more than maxDepth brackets, so most
  // bodies skip the byte-by-byte scan after a native count
  if (body.length > 2 * maxDepth && bracketsExceed(body, maxDepth) && nestsDeeper(body, maxDepth)) {
    throw new HttpError(400, `JSON body nests deeper than ${maxDepth} levels`)
  }
  const text = body.toString('utf8')
  // a key can only be __proto__ or constructor if the words appear, or a \u escape of a letter or _ hides them;
  // escapes of other characters (Python escapes all non-ASCII) leave the fast path
  const suspect = text.includes('__proto__') || text.includes('constructor') || ESCAPED_LETTER.test(text)
  try {
    return suspect ? JSON.parse(text, refusePrototypeKeys) : JSON.parse(text)
  } catch (error) {
    if (error instanceof HttpError) throw error
    throw new HttpError(400, 'invalid JSON in request body')
  }
}

function refusePrototypeKeys(key: string, value: unknown): unknown {
  if (key === '__proto__' || (key === 'constructor' && typeof value === 'object' && value !== null && 'prototype' in value)) {
    throw new HttpError(400, `JSON body has a forbidden "${key}" key`)
  }
  return value
}

/** Whether a text holds more than `max` opening brackets, `{` and `[` together (counted natively, stopping past `max`). */
function bracketsExceed(json: Buffer, max: number): boolean {
  let count = 0
  for (const bracket of [0x7b /* { */, 0x5b /* [ */]) {
    for (let at = json.indexOf(bracket); at !== -1; at = json.indexOf(bracket, at + 1)) if (++count > max) return true
  }
  return false
}

/** Whether a JSON text nests [ and { deeper than `maxDepth`, not counting brackets inside strings. */
function nestsDeeper(json: Buffer, maxDepth: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < json.length; i++) {
    const byte = json[i] as number
    if (inString) {
      if (byte === 0x5c /* backslash */) i++
      else if (byte === 0x22 /* " */) inString = false
    } else if (byte === 0x22) {
      inString = true
    } else if (byte === 0x5b /* [ */ || byte === 0x7b /* { */) {
      if (++depth > maxDepth) return true
    } else if (byte === 0x5d /* ] */ || byte === 0x7d /* } */) {
      depth--
    }
  }
  return false
}

/**
 * Parses an urlencoded form or query string into fields with no prototype. More than `max` fields throws
 * `tooMany(max)`: node's parser would keep the first thousand and drop the rest without a word.
 */
export function parseFields(source: string, max: number, tooMany: (max: number) => HttpError): FormFields {
  if (source === '') return parseQuery(source) as FormFields
  let fields = 1
  for (let at = source.indexOf('&'); at !== -1; at = source.indexOf('&', at + 1)) if (++fields > max) throw tooMany(max)
  return parseQuery(source, '&', '=', { maxKeys: 0 }) as FormFields
}

/** The 413 for a form with more fields than its reader takes. */
export function tooManyFields(max: number): HttpError {
  return new HttpError(413, `the form has more than ${max} fields`)
}

/** The 400 for a query string with more parameters than the app takes. */
export function tooManyQueryKeys(max: number): HttpError {
  return new HttpError(400, `the query string has more than ${max} parameters`)
}
