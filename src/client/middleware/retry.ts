import { configError } from '../../errors.js'
import { ConnectionError, RequestAbortedError, RequestTimeoutError } from '../errors.js'
import type { ClientMiddleware } from '../middleware.js'
import { checkCount, checkMs, isReplayable, type ClientRequest } from '../request.js'
import type { ClientResponse } from '../response.js'

// the most attempts retry() takes: enough for any sensible policy, and well under what `next` allows
const MAX_ATTEMPTS = 10

/**
 * Options for {@link retry}.
 *
 * @example
 * const options: RetryOptions = { attempts: 5, statuses: [429, 503], maxRetryAfter: 30_000 }
 */
export interface RetryOptions {
  /** How many times a request is sent at most, the first time included: 1 (no retry) to 10. @default 3 */
  attempts?: number
  /** The statuses that are retried. @default [408, 425, 429, 500, 502, 503, 504] */
  statuses?: readonly number[]
  /**
   * The methods that are retried, idempotent ones by default: a POST or PATCH may have taken effect even when
   * it failed. @default ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']
   */
  methods?: readonly string[]
  /**
   * The wait before retry n (from 0): a random time between 0 and min(max, base * 2^n) ms ("full jitter").
   * @default { base: 100, max: 10_000 }
   */
  backoff?: { base?: number; max?: number }
  /**
   * The longest `Retry-After` waited for, in ms. A response asking for longer is returned, not retried.
   * @default 60_000
   */
  maxRetryAfter?: number
  /** Retry when the server could not be reached (ConnectionError) or did not answer in time (RequestTimeoutError). @default true */
  retryOnErrors?: boolean
  /** The random number source for the jitter, in [0, 1). @default Math.random */
  random?: () => number
}

const DEFAULT_STATUSES = [408, 425, 429, 500, 502, 503, 504]
const DEFAULT_METHODS = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']

function listOf<T>(name: string, value: unknown, check: (item: unknown) => item is T, what: string): readonly T[] {
  if (!Array.isArray(value) || !value.every(check)) configError(`retry() ${name} must be a list of ${what}, got ${String(value)}`)
  return value as readonly T[]
}

const isStatus = (item: unknown): item is number => typeof item === 'number' && Number.isInteger(item) && item >= 100 && item <= 599
const isMethod = (item: unknown): item is string => typeof item === 'string' && /^[A-Za-z]+$/.test(item)

// The wait a `Retry-After` header asks for, in ms: delta-seconds (`120`) or an HTTP-date (a date past is 0);
// `undefined` when there is no header, or it is neither.
function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  // an HTTP-date names its weekday and month; anything without letters is not one (Date.parse takes '1' as a year)
  if (!/[a-z]/i.test(text)) return undefined
  const at = Date.parse(text)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

// Waits `ms`, unless the request's signal aborts first: then rejects at once with RequestAbortedError.
function pause(ms: number, req: ClientRequest): Promise<void> {
  const { signal } = req
  if (signal?.aborted === true) return Promise.reject(new RequestAbortedError(req, signal.reason))
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(new RequestAbortedError(req, signal?.reason))
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/**
 * Sends a request again when it failed in a way that may pass: a status of `statuses` (429, 503, …), or, with
 * `retryOnErrors`, a ConnectionError or RequestTimeoutError. Other errors (RequestAbortedError,
 * ClientClosedError, BlockedAddressError, TooManyRedirectsError, …) are thrown at once.
 *
 * - `attempts` counts the first one. When they are spent, the last response is returned (or its error thrown).
 * - Only `methods` are retried (idempotent ones by default), and only requests whose body can be sent again:
 *   text, bytes, or a body function (called anew each attempt). A one-shot stream body is never retried.
 * - Between attempts it waits with exponential backoff and full jitter, or for as long as a `Retry-After`
 *   header on the response asks (delta-seconds or an HTTP-date). A `Retry-After` above `maxRetryAfter` is not
 *   waited for: that response is returned.
 * - Aborting the request's `signal` during a wait rejects at once with RequestAbortedError.
 * - The responses it retries past are discarded, so their connections are reused.
 *
 * Put it outside middlewares that should run on every attempt (auth, logging per attempt), inside those that
 * should run once per call.
 *
 * @example
 * const client = createClient({
 *   baseUrl: 'https://api.example.com',
 *   middlewares: [retry({ attempts: 4, backoff: { base: 200, max: 5_000 } })],
 * })
 */
export function retry(options: RetryOptions = {}): ClientMiddleware {
  if (options === null || typeof options !== 'object') configError('retry() takes an options object, or nothing')
  const attempts = checkCount('retry() attempts', options.attempts ?? 3, 1, MAX_ATTEMPTS)
  const statuses = new Set(listOf('statuses', options.statuses ?? DEFAULT_STATUSES, isStatus, 'status codes from 100 to 599'))
  const methods = new Set(listOf('methods', options.methods ?? DEFAULT_METHODS, isMethod, 'method names').map((m) => m.toUpperCase()))
  const backoff = options.backoff ?? {}
  if (backoff === null || typeof backoff !== 'object') configError('retry() backoff must be { base?, max? }, in ms')
  const base = checkMs('retry() backoff.base', backoff.base ?? 100, 0)
  const max = checkMs('retry() backoff.max', backoff.max ?? 10_000, 0)
  const maxRetryAfter = checkMs('retry() maxRetryAfter', options.maxRetryAfter ?? 60_000, 0)
  const retryOnErrors = options.retryOnErrors ?? true
  if (typeof retryOnErrors !== 'boolean') configError(`retry() retryOnErrors must be true or false, got ${String(retryOnErrors)}`)
  const random = options.random ?? Math.random
  if (typeof random !== 'function') configError('retry() random must be a function giving a number in [0, 1)')

  // full jitter: anywhere from 0 to the capped exponential, so clients that failed together spread out
  const backoffMs = (retryIndex: number): number => random() * Math.min(max, base * 2 ** retryIndex)
  const retriable = (error: unknown): boolean => retryOnErrors && (error instanceof ConnectionError || error instanceof RequestTimeoutError)

  return async function retry(req, next) {
    const canRetry = attempts > 1 && methods.has(req.method) && isReplayable(req.body)
    for (let attempt = 1; ; attempt++) {
      const last = !canRetry || attempt >= attempts
      let res: ClientResponse
      try {
        res = await next(req)
      } catch (error) {
        if (last || !retriable(error)) throw error
        await pause(backoffMs(attempt - 1), req)
        continue
      }
      if (last || !statuses.has(res.status)) return res
      const asked = retryAfterMs(res.header('retry-after'))
      if (asked !== undefined && asked > maxRetryAfter) return res
      await res.discard()
      await pause(asked ?? backoffMs(attempt - 1), req)
    }
  }
}
