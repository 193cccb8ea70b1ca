// What every session contender serves (GET /me answering {"user": …} from its session), the cookies it is
// timed with, and the answers it must give before it is timed.
import type { Running } from '../spec.js'

/** The one key every contender and minter shares: 32 fixed bytes, for the bench only. */
export const BENCH_KEY = Buffer.from('routechain-bench-key-not-secret!', 'utf8')

/** The contenders' names, which the report and the targets look rows up by. */
export const NAMES = {
  noSession: 'routechain, no session',
  encrypted: 'routechain + EncryptedCookieStorage',
  nacl: 'routechain + NaClCookieStorage',
  simple: 'routechain + SimpleCookieStorage',
  rawGcm: 'node:http + AES-256-GCM by hand',
  fastify: 'fastify + @fastify/secure-session',
  memory: 'routechain + MemoryStorage',
  redis: 'routechain + RedisStorage (node-redis)',
} as const

/** The two modes' names, as the rows' `route`. */
export const REPEATED_MODE = 'one repeated cookie'
export const distinctMode = (count: number): string => `a distinct cookie per request (${count.toLocaleString('en-US')} in turn)`

/** The cookie every contender reads its session from. */
export const COOKIE_NAME = 'session'

/** The user of the one repeated cookie. */
export const REPEATED_USER = 'alice'

/** How many distinct cookies the distinct mode cycles through: more than the cookie storages' caches hold (1,000). */
export const DISTINCT_COOKIES = 10_000

/** The users of the distinct cookies: one per request in turn. */
export const distinctUsers = (count: number): string[] => Array.from({ length: count }, (_, i) => `u${i}`)

/** Makes the Cookie header value (`session=…`) for a session holding `{ user }`, valid from now on. */
export type Minter = (user: string) => string

/** What a contender's server may need from outside the bench. */
export interface SessionServices {
  /** The bench's private redis-server (`redis://127.0.0.1:<port>`), for a contender that `needsRedis`. */
  readonly redisUrl?: string | undefined
}

/** The variable `serve.js` reads the Redis URL from when the bench starts a contender that needs it. */
export const REDIS_URL_ENV = 'ROUTECHAIN_BENCH_REDIS_URL'

/**
 * One server set up to answer GET /me from a session: an encrypted cookie, or an id in the cookie and the record
 * in a server-side storage (or, for the baseline, from a header).
 */
export interface SessionContender {
  readonly name: string
  /** True for the baseline that answers from the `x-user` header without any session. */
  readonly noSession?: boolean
  /** False for a storage anyone can forge (plain JSON): a tampered cookie is not checked to fail. */
  readonly verifies: boolean
  /** True when the server keeps its sessions in Redis: start() then needs `services.redisUrl`. */
  readonly needsRedis?: boolean
  start(port: number, services?: SessionServices): Promise<Running>
  /**
   * A minter for this contender's cookies, asked for once its server runs at `port`. Cookie storages mint in
   * the bench's own process with the shared key, for any user. Server-side storages have the running server
   * make one session for each of `users` beforehand (the records live there or in Redis, not in a cookie);
   * their minter then answers only for those users.
   */
  minter(port: number, users: readonly string[]): Promise<Minter>
}

/** The headers of one request for `user`: the same names and shape for every contender. */
export function requestHeaders(mint: Minter, user: string): Record<string, string> {
  return { cookie: mint(user), 'x-user': user }
}

/** GET /me's answer for a user. */
export const answerFor = (user: string): string => JSON.stringify({ user })

/** The answer when there is no (valid) session. */
export const UNAUTHENTICATED = 'unauthenticated'

/** Changes one letter or digit in the middle of a cookie's value, so an encrypted one no longer verifies. */
export function tamper(cookie: string): string {
  let at = COOKIE_NAME.length + 1 + Math.floor((cookie.length - COOKIE_NAME.length - 1) / 2)
  while (at < cookie.length && !/[A-Za-z0-9]/.test(cookie[at] as string)) at++
  if (at >= cookie.length) throw new Error(`nothing to tamper with in ${cookie}`)
  return cookie.slice(0, at) + (cookie[at] === 'A' ? 'B' : 'A') + cookie.slice(at + 1)
}
