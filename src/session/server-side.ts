import { pooledRandomBytes } from '../util/random-pool.js'
import { emptyData } from './session.js'
import type { StoredSession } from './storage.js'

/** A new session id: 128 random bits as 32 hex digits, the shape of Python's `uuid.uuid4().hex`. */
export function newSessionId(): string {
  return pooledRandomBytes(16).toString('hex')
}

const ID = /^[A-Za-z0-9_-]{16,128}$/

/** Whether a cookie value can be a session id at all; anything else is never looked up. */
export function plausibleId(value: string): boolean {
  return ID.test(value)
}

/**
 * Applies one request's changes to the record as it is now: the keys it set or deleted win, every other key
 * keeps what a concurrent request may have written meanwhile. `changed` undefined replaces the whole record.
 */
export function mergeChanges(current: StoredSession | undefined, next: StoredSession, changed: readonly string[] | undefined): StoredSession {
  if (current === undefined || changed === undefined) return next
  const data = emptyData() // no prototype: a '__proto__' key stays a key
  for (const key of Object.keys(current.data)) data[key] = current.data[key]
  for (const key of changed) {
    if (Object.hasOwn(next.data, key)) data[key] = next.data[key]
    else delete data[key]
  }
  return { ...next, data }
}
