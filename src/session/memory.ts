import { configError } from '../errors.js'
import { mergeChanges, newSessionId, plausibleId } from './server-side.js'
import { decodePayload, encodePayload, SessionGoneError, type SaveOptions, type SessionStorage, type StoredSession } from './storage.js'

/** Options for {@link MemoryStorage}. */
export interface MemoryStorageOptions {
  /** The most sessions kept; past it the oldest unused go first, so a flood cannot exhaust memory. @default 10000 */
  maxEntries?: number
}

interface Entry {
  readonly text: string
  readonly expiresAt: number | undefined
  /** Read since eviction last passed it: it gets a second chance (the CLOCK approximation of LRU). */
  used: boolean
}

/**
 * Sessions in this process's memory, an id in the cookie: for development, tests and single-process apps.
 * Bounded: the oldest go first, except that a session read since eviction last passed it gets a second
 * chance (an approximation of least-recently-used). Each record expires with its session.
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

  /** Reads the session a cookie value stands for; `undefined` when it cannot be trusted or is unknown. */
  load(value: string): StoredSession | undefined {
    const entry = plausibleId(value) ? this.#live(value) : undefined
    if (entry === undefined) return undefined
    // hot path: marking beats moving the entry to the back of the map, which is slow when one key repeats
    entry.used = true
    const stored = decodePayload(entry.text)
    return stored === undefined ? undefined : { ...stored, version: entry.text }
  }

  /** Stores a session and returns its cookie value. */
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
    this.#makeRoom()
    const ttl = options?.ttl
    this.#entries.set(id, { text: encodePayload({ ...merged, version: undefined }), expiresAt: ttl === undefined ? undefined : Date.now() + ttl * 1000, used: false })
    return id
  }

  /** Forgets a session for good. */
  delete(value: string): void {
    this.#entries.delete(value)
  }

  // Evicts in insertion order, but a session read since eviction last came by goes to the back once more.
  #makeRoom(): void {
    while (this.#entries.size >= this.#max) {
      const oldest = this.#entries.entries().next().value
      if (oldest === undefined) return
      const [id, entry] = oldest
      this.#entries.delete(id)
      if (entry.used) {
        entry.used = false
        this.#entries.set(id, entry)
      }
    }
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
