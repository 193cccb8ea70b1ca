import { configError, RoutechainError } from '../errors.js'
import { redisCommand, type RedisClientLike, type RedisCommand } from '../util/redis-command.js'
import { newSessionId } from './server-side.js'
import type { SaveOptions, SessionStorage, StorageContext, StoredSession } from './storage.js'

/**
 * Where revoked session ids are kept for cookie storages (`createApp({ session: { revocations } })`). A
 * cookie storage cannot forget a cookie: a copy keeps loading until it expires. With a revocation list each
 * session carries a random id, logout (`invalidate()`) and `regenerate()` put it here for as long as a copy
 * could still load, and a cookie whose id is here no longer loads. Write your own over any shared store.
 */
export interface RevocationList {
  /** Records `id` as revoked for `seconds`, after which no cookie carrying it could load anyway. */
  revoke(id: string, seconds: number): void | Promise<void>
  /** Whether `id` is revoked. */
  isRevoked(id: string): boolean | Promise<boolean>
}

/** Options for {@link MemoryRevocations}. */
export interface MemoryRevocationsOptions {
  /**
   * The most ids held at once. Past it, revoking answers 503 rather than forget an id that must stay
   * revoked; expired ids are swept first. @default 100000
   */
  maxEntries?: number
}

/**
 * Revoked ids in this process's memory, each until its time runs out: for a single process, development
 * and tests. Several processes need a shared list, such as {@link RedisRevocations}.
 */
export class MemoryRevocations implements RevocationList {
  readonly #max: number
  readonly #until = new Map<string, number>()

  constructor(options: MemoryRevocationsOptions = {}) {
    const { maxEntries = 100_000 } = options
    if (!Number.isInteger(maxEntries) || maxEntries < 1) configError(`MemoryRevocations maxEntries must be a whole number from 1 up, got ${String(maxEntries)}`)
    this.#max = maxEntries
  }

  /** How many ids are held now, expired ones not yet swept included. */
  get size(): number {
    return this.#until.size
  }

  /** Records `id` as revoked for `seconds`. */
  revoke(id: string, seconds: number): void {
    if (!this.#until.has(id) && this.#until.size >= this.#max) this.#sweep()
    if (!this.#until.has(id) && this.#until.size >= this.#max) {
      throw new RoutechainError('ERR_ROUTECHAIN_REVOCATIONS_FULL', `MemoryRevocations holds ${this.#max} unexpired ids: raise maxEntries or use RedisRevocations`)
    }
    this.#until.set(id, Date.now() + seconds * 1000)
  }

  /** Whether `id` is revoked. */
  isRevoked(id: string): boolean {
    const until = this.#until.get(id)
    if (until === undefined) return false
    if (until > Date.now()) return true
    this.#until.delete(id)
    return false
  }

  #sweep(): void {
    const now = Date.now()
    for (const [id, until] of this.#until) if (until <= now) this.#until.delete(id)
  }
}

/** Options for {@link RedisRevocations}. */
export interface RedisRevocationsOptions {
  /** The key prefix; each revoked id is one key with a TTL. @default 'routechain_revoked_' */
  prefix?: string
  /** How long a Redis command may take before the request gets a 503 instead of hanging, in ms. @default 1000 */
  commandTimeout?: number
}

/**
 * Revoked ids in Redis, one key per id that expires with it, shared by every process on that Redis. It sends
 * only SET and EXISTS.
 *
 * @example
 * createApp({ session: { storage: new EncryptedCookieStorage(key), revocations: new RedisRevocations(redis), idleTimeout: 3600 } })
 */
export class RedisRevocations implements RevocationList {
  readonly #command: RedisCommand
  readonly #prefix: string

  constructor(client: RedisClientLike, options: RedisRevocationsOptions = {}) {
    const { prefix = 'routechain_revoked_', commandTimeout = 1000 } = options
    this.#command = redisCommand(client, commandTimeout, 'RedisRevocations')
    this.#prefix = prefix
  }

  /** Records `id` as revoked for `seconds`. */
  async revoke(id: string, seconds: number): Promise<void> {
    await this.#command(['SET', this.#prefix + id, '1', 'EX', String(Math.max(1, Math.ceil(seconds)))])
  }

  /** Whether `id` is revoked. */
  async isRevoked(id: string): Promise<boolean> {
    return Number(await this.#command(['EXISTS', this.#prefix + id])) === 1
  }
}

/** Checks the `revocations` option at start-up. */
export function checkRevocations(list: unknown, storage: SessionStorage): RevocationList {
  const candidate = list as Partial<RevocationList> | null
  if (candidate === null || typeof candidate !== 'object' || typeof candidate.revoke !== 'function' || typeof candidate.isRevoked !== 'function') {
    configError('session.revocations takes a revocation list: new RedisRevocations(redis), new MemoryRevocations(), or an object with revoke(id, seconds) and isRevoked(id)')
  }
  if (typeof storage.delete === 'function') {
    configError('session.revocations is for cookie storages: a server-side storage (MemoryStorage, RedisStorage) revokes a session by deleting its record already')
  }
  return candidate as RevocationList
}

/**
 * A cookie storage whose sessions carry a revocation id. The id rides through the request as the session's
 * `version` (handed back on save unless the session takes a new identity), so every cookie one session is
 * saved to carries the same id, and revoking it stops them all.
 */
export class RevocableStorage implements SessionStorage {
  readonly #inner: SessionStorage
  readonly #list: RevocationList
  readonly #lifeLeft: (stored: StoredSession) => number

  /** `lifeLeft` tells how many seconds a cookie holding that session could still load. */
  constructor(inner: SessionStorage, list: RevocationList, lifeLeft: (stored: StoredSession) => number) {
    this.#inner = inner
    this.#list = list
    this.#lifeLeft = lifeLeft
  }

  /** Passed on to the cookie storage. */
  attach(context: StorageContext): void {
    this.#inner.attach?.(context)
  }

  /** Loads as the cookie storage does, then refuses a session whose id is revoked. */
  load(value: string): StoredSession | undefined | Promise<StoredSession | undefined> {
    const loaded = this.#inner.load(value)
    return loaded instanceof Promise ? loaded.then((stored) => this.#unlessRevoked(stored)) : this.#unlessRevoked(loaded)
  }

  /** Saves with the session's id, or a new one for a new identity or a cookie made before revocations. */
  save(session: StoredSession, current: string | undefined, options?: SaveOptions): string | Promise<string> {
    const revocationId = current !== undefined && session.version !== undefined ? session.version : newSessionId()
    return this.#inner.save({ ...session, version: undefined, revocationId }, current, options)
  }

  /** Revokes the id of the session a cookie value holds, for as long as that cookie could still load. */
  async delete(value: string): Promise<void> {
    const stored = await this.#inner.load(value)
    if (stored?.revocationId === undefined) return
    const seconds = this.#lifeLeft(stored)
    if (seconds > 0) await this.#list.revoke(stored.revocationId, seconds)
  }

  #unlessRevoked(stored: StoredSession | undefined): StoredSession | undefined | Promise<StoredSession | undefined> {
    // a cookie from before revocations were on, or saved by aiohttp_session, has no id: it loads, and gets
    // one the next time it is saved
    const id = stored?.revocationId
    if (stored === undefined || id === undefined) return stored
    const revoked = this.#list.isRevoked(id)
    const kept = { ...stored, version: id }
    return revoked instanceof Promise ? revoked.then((yes) => (yes ? undefined : kept)) : revoked ? undefined : kept
  }
}
