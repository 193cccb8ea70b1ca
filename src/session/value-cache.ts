import { decodePayload, type StoredSession } from './storage.js'

/**
 * A bounded map from exact cookie values to what verifying them gave, oldest dropped first. A hit skips the
 * decryption; the caller still checks expiry, which lives in the payload.
 */
export class ValueCache {
  readonly #max: number
  readonly #entries = new Map<string, string>()

  constructor(max: number) {
    this.#max = max
  }

  get(value: string): string | undefined {
    return this.#max === 0 ? undefined : this.#entries.get(value)
  }

  set(value: string, plaintext: string): void {
    if (this.#max === 0) return
    if (this.#entries.size >= this.#max) {
      const oldest = this.#entries.keys().next().value
      if (oldest !== undefined) this.#entries.delete(oldest)
    }
    this.#entries.set(value, plaintext)
  }
}

/**
 * What a cookie storage's load returns for a value it just opened with key number `keyIndex`: the current key's
 * values are cached; an older key's are not, and come back marked `outdated` so the session is sealed again.
 */
export function cacheOrMarkOutdated(cache: ValueCache, value: string, plaintext: string, keyIndex: number): StoredSession | undefined {
  const stored = decodePayload(plaintext)
  if (stored === undefined) return undefined
  if (keyIndex === 0) {
    cache.set(value, plaintext)
    return stored
  }
  return { ...stored, outdated: true }
}
