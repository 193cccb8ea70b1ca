import { configError, RoutechainError } from '../errors.js'
import { redisCommand, type RedisClientLike, type RedisCommand } from '../util/redis-command.js'
import { mergeChanges, newSessionId, plausibleId } from './server-side.js'
import { decodePayload, encodePayload, SessionGoneError, type SaveOptions, type SessionStorage, type StorageContext, type StoredSession } from './storage.js'

export type { RedisClientLike } from '../util/redis-command.js'

/** Options for {@link RedisStorage}. */
export interface RedisStorageOptions {
  /**
   * The key prefix. @default `<cookie name>_` of the app the storage serves, as aiohttp_session's RedisStorage
   * (`session_` when used outside an app). Set it when one storage serves apps with different cookie names.
   */
  prefix?: string
  /** How long a Redis command may take before the request gets a 503 instead of hanging, in ms. @default 1000 */
  commandTimeout?: number
  /**
   * How many replicas must hold each write (a new session, a change, a logout) before the response goes out:
   * Redis's `WAIT`, sent to the master holding the session. Set it to the number of replicas each master has:
   * a failover promotes the replica that looked most up to date, which may not be one that acknowledged, so
   * only waiting for all of them means no acknowledged login is lost. Fewer acknowledgements within
   * `replicaTimeout` is a 503 (the write stays on the master), as is every write to a master left with fewer
   * replicas after a failover, until one joins it. @default 0, no waiting
   */
  replicas?: number
  /** How long `WAIT` waits for the `replicas`, in ms, on top of `commandTimeout`. @default 1000 */
  replicaTimeout?: number
}

// Compare-and-set on the exact stored text: the write goes through only if nobody changed the record since
// it was read. On a conflict the storage merges this request's keys into the record as it is now and tries again.
const COMPARE_AND_SET = `local current = redis.call('GET', KEYS[1])
if current == false or current ~= ARGV[1] then return 0 end
if ARGV[3] == '0' then redis.call('SET', KEYS[1], ARGV[2]) else redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) end
return 1`

const ATTEMPTS = 5

/**
 * Sessions in Redis, a random 128-bit id in the cookie, compatible with aiohttp_session's RedisStorage: key
 * `<cookie name>_<id>`, the same JSON payload, a TTL from the session's lifetime. Processes and machines
 * sharing one Redis share sessions, a Python aiohttp service included. It sends only GET, SET, DEL and EVAL (and WAIT, given `replicas`).
 *
 * @example
 * const redis = createClient({ url: process.env.REDIS_URL }); await redis.connect()
 * createApp({ session: { storage: new RedisStorage(redis) } })
 */
export class RedisStorage implements SessionStorage {
  readonly #command: RedisCommand
  readonly #replicated: (key: string) => Promise<void>
  #prefix: string | undefined

  constructor(client: RedisClientLike, options: RedisStorageOptions = {}) {
    const { commandTimeout = 1000, prefix, replicas = 0, replicaTimeout = 1000 } = options
    this.#command = redisCommand(client, commandTimeout, 'RedisStorage')
    this.#replicated = replicas === 0 ? noWait : waitFor(client, replicas, replicaTimeout, commandTimeout)
    this.#prefix = prefix
  }

  /** Learns the app's cookie name (for the key prefix) and how to warn. */
  attach(context: StorageContext): void {
    this.#prefix ??= `${context.cookieName}_`
  }

  /** Reads the session a cookie value stands for; `undefined` when it cannot be trusted or is unknown. */
  async load(value: string): Promise<StoredSession | undefined> {
    if (!plausibleId(value)) return undefined
    const text = await this.#command(['GET', this.#key(value)])
    if (typeof text !== 'string') return undefined
    const stored = decodePayload(text)
    return stored === undefined ? undefined : { ...stored, version: text }
  }

  /** Stores a session and returns its cookie value. */
  async save(session: StoredSession, current: string | undefined, options?: SaveOptions): Promise<string> {
    const ttl = String(options?.ttl ?? 0)
    if (current === undefined) {
      const id = newSessionId()
      const args = ['SET', this.#key(id), encodePayload({ ...session, version: undefined }), 'NX']
      const written = await this.#command(ttl === '0' ? args : [...args, 'EX', ttl])
      // NX refuses an id already in use: with 128 random bits that is a broken random source, not bad luck
      if (written === null) throw new RoutechainError('ERR_ROUTECHAIN_SESSION_ID', 'a new session id was already in use in Redis')
      await this.#replicated(this.#key(id))
      return id
    }
    const key = this.#key(current)
    let expected = session.version
    let next: StoredSession = session
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (expected !== undefined) {
        const written = await this.#command(['EVAL', COMPARE_AND_SET, '1', key, expected, encodePayload({ ...next, version: undefined }), ttl])
        if (Number(written) === 1) {
          await this.#replicated(key)
          return current
        }
      }
      const now = await this.#command(['GET', key])
      // gone meanwhile (a logout or a revocation elsewhere; aiohttp_session logs out by writing {}): it stays gone
      const live = typeof now === 'string' ? decodePayload(now) : undefined
      if (live === undefined) throw new SessionGoneError()
      next = mergeChanges(live, session, options?.changed)
      expected = now as string
    }
    throw new RoutechainError('ERR_ROUTECHAIN_SESSION_CONFLICT', `the session changed under ${ATTEMPTS} attempts to save it; try again`)
  }

  /** Forgets a session for good. */
  async delete(value: string): Promise<void> {
    if (!plausibleId(value)) return
    await this.#command(['DEL', this.#key(value)])
    await this.#replicated(this.#key(value))
  }

  #key(id: string): string {
    return `${this.#prefix ?? 'session_'}${id}`
  }
}

async function noWait(): Promise<void> {}

/** `WAIT` on the master holding a key until `replicas` hold its writes; fewer within `timeout` ms throws. */
function waitFor(client: RedisClientLike, replicas: number, timeout: number, commandTimeout: number): (key: string) => Promise<void> {
  if (!Number.isInteger(replicas) || replicas < 0) configError(`RedisStorage replicas must be a whole number from 0 up, got ${String(replicas)}`)
  if (!Number.isInteger(timeout) || timeout < 1) configError(`RedisStorage replicaTimeout must be a whole number of ms from 1 up, got ${String(timeout)}`)
  const command = redisCommand(client, commandTimeout + timeout, 'RedisStorage')
  const args = ['WAIT', String(replicas), String(timeout)]
  return async (key) => {
    const acknowledged = Number(await command(args, key))
    if (acknowledged < replicas) {
      throw new RoutechainError('ERR_ROUTECHAIN_SESSION_REPLICAS', `${acknowledged} of ${replicas} Redis replicas acknowledged the session write within ${timeout} ms`)
    }
  }
}
