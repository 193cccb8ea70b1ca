import { randomBytes } from 'node:crypto'
import { configError } from '../errors.js'

const HOW_TO = 'make one with `npx routechain keygen` or generateKey() (Python: Fernet.generate_key())'

/**
 * A new random 32-byte key as url-safe base64, the form Python's `Fernet.generate_key()` prints. It fits
 * EncryptedCookieStorage and NaClCookieStorage alike.
 * @example SESSION_KEY=$(npx routechain keygen)
 */
export function generateKey(): string {
  return randomBytes(32).toString('base64url') + '='
}

/** A key as users give it: 32 raw bytes, or the base64 (url-safe or standard) of 32 bytes. */
export type KeyInput = string | Uint8Array

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/

/** Reads a 32-byte key, or throws at start-up with a message that says how to make one (`howTo`). */
export function readKey(input: unknown, who: string, howTo: string = HOW_TO): Buffer {
  if (input instanceof Uint8Array) {
    if (input.length !== 32) configError(`${who}: a key must be 32 bytes, got ${input.length}; ${howTo}`)
    return Buffer.from(input)
  }
  if (typeof input !== 'string' || input === '') configError(`${who}: no key given${howTo === HOW_TO ? ' (is SESSION_KEY set?)' : ''}; ${howTo}`)
  const trimmed = input.trim()
  if (!BASE64.test(trimmed)) configError(`${who}: the key is not base64; ${howTo}`)
  const bytes = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64')
  if (bytes.length !== 32) configError(`${who}: the key decodes to ${bytes.length} bytes, not 32; ${howTo}`)
  return bytes
}

/** Reads one key or several (the first encrypts, all decrypt: rotation). */
export function readKeys(input: unknown, who: string): Buffer[] {
  const list = Array.isArray(input) ? input : [input]
  if (list.length === 0) configError(`${who}: give at least one key; ${HOW_TO}`)
  // in a list, name the entry: "key 2 of 2" says which of several (a trailing comma in an env list) is wrong
  return list.map((key, i) => readKey(key, list.length === 1 ? who : `${who} (key ${i + 1} of ${list.length})`))
}
