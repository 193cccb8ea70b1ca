import { DEFAULT_BODY_LIMIT } from './body.js'
import { checkByteLimit, configError } from '../errors.js'
import { defaultLogger, guardLogger, type Logger } from '../util/logger.js'
import type { RoutingOptions } from '../core/route-table.js'
import { resolveTrustProxy, type TrustProxy, type TrustsHop } from './proxy.js'
import type { ErrorFormat } from './problem.js'
import type { WebSocketOptions } from '../websocket/options.js'
import type { SessionOptions } from '../session/phase.js'

/** Options for {@link createApp}. Every one is optional. */
export interface AppOptions extends RoutingOptions {
  /** Where errors, warnings and traces go; debug lines go only to a logger given here. @default console, without debug lines */
  logger?: Logger
  /**
   * Print each step of every request as it is entered and left. `true` writes to `logger.info`; a function
   * receives each line. Also turned on by the environment variable `ROUTECHAIN_TRACE=1`. @default false
   */
  trace?: boolean | ((line: string) => void)
  /** The largest request body the readers accept, in bytes (413 beyond it). @default 1048576 (1 MiB) */
  bodyLimit?: number
  /**
   * Sessions, part of the app: any step can `await req.session()`. Unset: no sessions.
   * @example session: { storage: new EncryptedCookieStorage(process.env.SESSION_KEY), maxAge: 7 * 24 * 3600 }
   */
  session?: SessionOptions
  /**
   * Proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed, for `req.ip`, `req.protocol`,
   * `req.secure` and `Secure` session cookies: `true` when the app sits behind one proxy, a number for that
   * many in a row, or the proxies' addresses and subnets. Only hops the trusted proxies added count, so a
   * client cannot choose its `req.ip`. @default false
   * @example trustProxy: ['127.0.0.1', '10.0.0.0/8']
   */
  trustProxy?: TrustProxy
  /**
   * How long a client may take to send the request headers before it gets 408 and is disconnected, in ms;
   * a slow trickle of headers (slowloris) cannot hold a connection longer. Applies to `app.listen()`.
   * @default 10000
   */
  headersTimeout?: number
  /**
   * How long a client may take to send the whole request, body included, in ms (408 after); routes that take
   * large uploads with a `bodyLimit()` step may need more. Applies to `app.listen()`. @default 30000
   */
  requestTimeout?: number
  /** How long an idle keep-alive connection stays open between requests, in ms. Applies to `app.listen()`. @default 5000 */
  keepAliveTimeout?: number
  /**
   * How routechain words the errors it answers itself (404, 405, 400 for a malformed URL, 413, 415, 500, an
   * `HttpError`): `'text'`, or `'problem+json'` (RFC 9457 problem documents) for JSON APIs. Validation errors
   * are problem documents either way. @default 'text'
   */
  errors?: ErrorFormat
  /**
   * Limits and defaults for WebSocket routes (`router.ws()`): `maxPayload`, `allowedOrigins`, `maxConnections`,
   * `perMessageDeflate`, `heartbeat`.
   */
  websocket?: WebSocketOptions
  /**
   * A strong `ETag` on 200 answers to GET and HEAD whose body is text, JSON or bytes, and 304 for a matching
   * `If-None-Match` (or `If-Modified-Since` against a `Last-Modified` the reply sets). @default true
   */
  etag?: boolean
  /** The most query parameters a request may carry; more gets 400 rather than parameters dropped. @default 1000 */
  maxQueryKeys?: number
}

/** How the servers `app.listen()` starts treat slow clients, in ms. */
export interface ServerTimeouts {
  readonly headersTimeout: number
  readonly requestTimeout: number
  readonly keepAliveTimeout: number
}

/** App options after checking, with defaults filled in. */
export interface ResolvedOptions {
  readonly logger: Logger
  readonly trace: ((line: string) => void) | undefined
  readonly bodyLimit: number
  readonly routing: RoutingOptions
  readonly trustProxy: TrustsHop | undefined
  readonly timeouts: ServerTimeouts
  readonly errors: ErrorFormat
  readonly etag: boolean
  readonly maxQueryKeys: number
}

const BOOLEAN_OPTIONS = ['ignoreTrailingSlash', 'ignoreDuplicateSlashes', 'caseSensitive'] as const
const TIMEOUTS = { headersTimeout: 10_000, requestTimeout: 30_000, keepAliveTimeout: 5_000 } as const
const KNOWN = new Set<string>(['logger', 'trace', 'bodyLimit', 'session', 'trustProxy', 'errors', 'websocket', 'etag', 'maxQueryKeys', ...Object.keys(TIMEOUTS), 'maxParamLength', ...BOOLEAN_OPTIONS])

/** Checks the app options at start-up: unknown keys and wrong types throw with a message that says what to do. */
export function resolveOptions(options: AppOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') configError('createApp() takes an options object, or nothing')
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) {
      const hint = key === 'port' || key === 'host' ? ': pass it to app.listen({ port, host })' : `; the options are ${[...KNOWN].join(', ')}`
      configError(`createApp() has no option "${key}"${hint}`)
    }
  }
  const logger = guardLogger(options.logger ?? defaultLogger)
  const routing: RoutingOptions = {}
  for (const key of BOOLEAN_OPTIONS) {
    const value = options[key]
    if (value === undefined) continue
    if (typeof value !== 'boolean') configError(`${key} must be true or false, got ${String(value)}`)
    routing[key] = value
  }
  if (options.maxParamLength !== undefined) {
    const value = options.maxParamLength
    if (!Number.isInteger(value) || value < 1) configError(`maxParamLength must be a whole number of characters from 1 up, got ${String(value)}`)
    routing.maxParamLength = value
  }
  const errors = options.errors ?? 'text'
  if (errors !== 'text' && errors !== 'problem+json') configError(`errors takes 'text' or 'problem+json', got ${String(errors)}`)
  const trace = options.trace ?? process.env.ROUTECHAIN_TRACE === '1'
  if (typeof trace !== 'boolean' && typeof trace !== 'function') configError('trace takes true, false, or a function that receives each line')
  return {
    logger,
    trace: trace === false ? undefined : trace === true ? (line) => logger.info(line) : trace,
    bodyLimit: checkByteLimit('bodyLimit', options.bodyLimit ?? DEFAULT_BODY_LIMIT),
    routing,
    trustProxy: resolveTrustProxy(options.trustProxy),
    timeouts: resolveTimeouts(options),
    errors,
    etag: checkFlag('etag', options.etag, true),
    maxQueryKeys: checkCount('maxQueryKeys', options.maxQueryKeys ?? 1000),
  }
}

function checkCount(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) configError(`${name} must be a whole number from 1 up, got ${String(value)}`)
  return value
}

function checkFlag(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') configError(`${name} must be true or false, got ${String(value)}`)
  return value
}

function resolveTimeouts(options: AppOptions): ServerTimeouts {
  const timeouts: { -readonly [K in keyof ServerTimeouts]: number } = { ...TIMEOUTS }
  for (const key of Object.keys(TIMEOUTS) as (keyof ServerTimeouts)[]) {
    const value = options[key]
    if (value === undefined) continue
    if (!Number.isInteger(value) || value < 1) configError(`${key} must be a whole number of milliseconds from 1 up, got ${String(value)}`)
    timeouts[key] = value
  }
  if (timeouts.headersTimeout > timeouts.requestTimeout) {
    configError(`headersTimeout (${timeouts.headersTimeout} ms) must not be longer than requestTimeout (${timeouts.requestTimeout} ms)`)
  }
  return timeouts
}
