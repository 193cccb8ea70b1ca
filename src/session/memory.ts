import { configError } from '../errors.js'
import { mergeChanges, newSessionId, plausibleId } from './server-side.js'
import { decodePayload, encodePayload, SessionGoneError, type SaveOptions, type SessionStorage, type StoredSession } from './storage.js'

/** Options for {@link MemoryStorage}. */
export interface MemoryStorageOptions {
  /** The most sessions kept; past it the least recently used go first, so a flood cannot exhaust memory. @default 10000 */
  maxEntries?: number
}

interface Entry {
  readonly text: string
  readonly expiresAt: number | undefined
}

/**
 * Sessions in this process's memory, an id in the cookie: for development, tests and single-process apps.
 * Bounded (least recently used evicted first), each record expiring with its session.
 */
export class MemoryStorage implements SessionStorage {
  readonly #max: number
  readonly #entries = new Map<string, Entry>()

  constructor(options: MemoryStorageOptions = {}) {
    const { maxEntries = 10_000 } = options
    if (!Number.isInteger(maxEntries) || maxEntries < 1) configError(`MemoryStorage maxEntries must be a whole number from 1 up, got ${String(maxEntries)}`)
    this.#max = maxEntries
  }

  /** How many sessions are held now. */
  get size(): number {
    return this.#entries.size
  }

  load(value: string): StoredSession | undefined {
    const entry = plausibleId(value) ? this.#live(value) : undefined
    if (entry === undefined) return undefined
    this.#entries.delete(value) // re-inserted last: the map's order is the eviction order
    this.#entries.set(value, entry)
    const stored = decodePayload(entry.text)
    return stored === undefined ? undefined : { ...stored, version: entry.text }
  }

  save(session: StoredSession, current: string | undefined, options?: SaveOptions): string {
    let id = current
    let existing: StoredSession | undefined
    if (id !== undefined) {
      const entry = this.#live(id)
      // gone meanwhile (a logout or a revocation elsewhere): it stays gone
      if (entry === undefined) throw new SessionGoneError()
      existing = decodePayload(entry.text)
      this.#entries.delete(id)
    } else {
      id = newSessionId()
    }
    const merged = mergeChanges(existing, session, options?.changed)
    while (this.#entries.size >= this.#max) {
      const oldest = this.#entries.keys().next().value
      if (oldest === undefined) break
      this.#entries.delete(oldest)
    }
    const ttl = options?.ttl
    this.#entries.set(id, { text: encodePayload({ ...merged, version: undefined }), expiresAt: ttl === undefined ? undefined : Date.now() + ttl * 1000 })
    return id
  }

  delete(value: string): void {
    this.#entries.delete(value)
  }

  #live(id: string): Entry | undefined {
    const entry = this.#entries.get(id)
    if (entry?.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      this.#entries.delete(id)
      return undefined
    }
    return entry
  }
}
