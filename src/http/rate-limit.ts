import type { OutgoingHttpHeaders } from 'node:http'
import type { Next, Step } from '../core/step.js'
import { configError } from '../errors.js'
import { redisCommand, type RedisClientLike, type RedisCommand } from '../util/redis-command.js'
import { HttpError } from './http-error.js'
import { withHeaders, type Reply } from './reply.js'
import type { RouteRequest } from './route-request.js'

/** One key's count in its current window, and the milliseconds until that window ends. */
export interface RateCount {
  readonly count: number
  readonly resetMs: number
}

/** Where request counts live: counts one more request for `key` in a window of `windowMs`. */
export interface RateStore {
  increment(key: string, windowMs: number): RateCount | Promise<RateCount>
}

/** Counts in this process's memory: for one process. Several processes need a shared store, {@link RedisRateStore}. */
export class MemoryRateStore implements RateStore {
  readonly #windows = new Map<string, { count: number; endsAt: number }>()
  #sweepAt = 0

  /** Counts one more request for `key`. */
  increment(key: string, windowMs: number): RateCount {
    const now = Date.now()
    if (now >= this.#sweepAt) this.#sweep(now, windowMs)
    let window = this.#windows.get(key)
    if (window === undefined || window.endsAt <= now) this.#windows.set(key, (window = { count: 0, endsAt: now + windowMs }))
    window.count++
    return { count: window.count, resetMs: window.endsAt - now }
  }

  // ended windows are dropped once per window length, so memory follows the keys seen lately
  #sweep(now: number, windowMs: number): void {
    for (const [key, window] of this.#windows) if (window.endsAt <= now) this.#windows.delete(key)
    this.#sweepAt = now + windowMs
  }
}

// one round trip: count, start the window's expiry on the first request, and read what is left of it
const INCREMENT = `local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return { count, ttl }`

/** Options for {@link RedisRateStore}. */
export interface RedisRateStoreOptions {
  /** The key prefix. @default 'routechain_rate_' */
  prefix?: string
  /** How long a Redis command may take before the request gets a 503, in ms. @default 1000 */
  commandTimeout?: number
}

/**
 * Counts in Redis, shared by every process on it: node-redis or ioredis, as for `RedisStorage`. One `EVAL`
 * per request, each window a key that expires with it.
 */
export class RedisRateStore implements RateStore {
  readonly #command: RedisCommand
  readonly #prefix: string

  constructor(client: RedisClientLike, options: RedisRateStoreOptions = {}) {
    const { prefix = 'routechain_rate_', commandTimeout = 1000 } = options
    this.#command = redisCommand(client, commandTimeout, 'RedisRateStore')
    this.#prefix = prefix
  }

  /** Counts one more request for `key`. */
  async increment(key: string, windowMs: number): Promise<RateCount> {
    const answer = await this.#command(['EVAL', INCREMENT, '1', this.#prefix + key, String(windowMs)]) as [number, number]
    return { count: Number(answer[0]), resetMs: Number(answer[1]) }
  }
}

/** Options for {@link rateLimit}. */
export interface RateLimitOptions {
  /** Requests allowed per key and window. */
  limit: number
  /** The window, in milliseconds. */
  windowMs: number
  /** Whose requests count together. @default the client's address, `req.ip` (set `trustProxy` behind a proxy) */
  key?: (req: RouteRequest) => string | Promise<string>
  /** Where counts live. @default a MemoryRateStore of this step's own */
  store?: RateStore
  /** The policy's name in the headers. @default 'default' */
  name?: string
}

/**
 * Limits requests per key (the client's address by default) to `limit` per `windowMs`, a fixed window: past
 * it, 429 with `Retry-After`. Every answer carries the IETF draft's `RateLimit-Policy` (`"name";q=limit;w=seconds`)
 * and `RateLimit` (`"name";r=remaining;t=seconds to reset`) headers. A store that fails answers 503.
 *
 * @example app.post('/login', rateLimit({ limit: 5, windowMs: 60_000 }), logIn)
 */
export function rateLimit(options: RateLimitOptions): Step {
  if (options === null || typeof options !== 'object') configError('rateLimit() takes { limit, windowMs, key?, store?, name? }')
  const { limit, windowMs, key = (req: RouteRequest) => req.ip, store = new MemoryRateStore(), name = 'default' } = options
  if (!Number.isInteger(limit) || limit < 1) configError(`rateLimit({ limit }) takes a whole number from 1 up, got ${String(limit)}`)
  if (!Number.isInteger(windowMs) || windowMs < 1) configError(`rateLimit({ windowMs }) takes whole milliseconds from 1 up, got ${String(windowMs)}`)
  if (typeof key !== 'function') configError('rateLimit({ key }) takes a function (req) => string')
  if (typeof store?.increment !== 'function') configError('rateLimit({ store }) takes a store with increment(key, windowMs): MemoryRateStore, RedisRateStore or your own')
  if (!/^[a-z][a-z0-9_.*-]*$/i.test(name)) configError(`rateLimit({ name }) must be a token (letters, digits, _ . * -), got ${JSON.stringify(name)}`)
  const policy = `"${name}";q=${limit};w=${Math.ceil(windowMs / 1000)}`

  return async function rateLimit(req: RouteRequest, next: Next): Promise<Reply> {
    let counted: RateCount
    try {
      counted = await store.increment(await key(req), windowMs)
    } catch (error) {
      throw new HttpError(503, 'rate limiting is unavailable right now; try again shortly', { cause: error, expose: true, headers: { 'retry-after': '1' } })
    }
    const reset = Math.max(1, Math.ceil(counted.resetMs / 1000))
    const headers: OutgoingHttpHeaders = { 'ratelimit-policy': policy, ratelimit: `"${name}";r=${Math.max(0, limit - counted.count)};t=${reset}` }
    if (counted.count > limit) throw new HttpError(429, 'too many requests; try again later', { headers: { ...headers, 'retry-after': String(reset) } })
    const reply = await next()
    return withHeaders(reply, { ...reply.headers, ...headers })
  }
}
