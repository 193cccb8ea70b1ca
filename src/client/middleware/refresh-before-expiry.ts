import { configError } from '../../errors.js'
import type { ClientMiddleware } from '../middleware.js'
import { singleFlight } from './single-flight.js'
import { checkFunction, withBearer } from './token-shared.js'

/**
 * A token and when it expires, as {@link RefreshBeforeExpiryOptions.getToken} gives it.
 *
 * @example
 * const current: ExpiringToken = { token: grant.access_token, expiresAt: Date.now() + grant.expires_in * 1000 }
 */
export interface ExpiringToken {
  /** The access token, sent as `authorization: Bearer <token>`. */
  token: string
  /** When it expires, in Unix milliseconds (as `Date.now()` counts). */
  expiresAt: number
}

/**
 * Options for {@link refreshTokenBeforeExpiry}.
 *
 * @example
 * const options: RefreshBeforeExpiryOptions = { getToken: () => store.current, refresh: () => store.renew(), skewSeconds: 60 }
 */
export interface RefreshBeforeExpiryOptions {
  /** The current token and its expiry; called for every request, and again after a refresh. */
  getToken: () => ExpiringToken | Promise<ExpiringToken>
  /**
   * Gets a new token and stores it where `getToken` finds it. Called at most once at a time, however many
   * requests find the token about to expire; what it returns is ignored.
   */
  refresh: () => unknown
  /** Refresh this many seconds before the token expires, so it does not expire on the way. @default 30 */
  skewSeconds?: number
}

/**
 * Sends `authorization: Bearer <token>` with every request, refreshing the token first when it expires
 * within `skewSeconds`. Concurrent requests that find it expiring share one refresh, then all read the new
 * token with `getToken()`; a request whose `getToken()` began before a refresh finished reads again rather
 * than refreshing once more, so a slow `getToken()` still makes one refresh per expiry. The token read after
 * a refresh is sent even if it, too, looks expired (no loop); when `refresh` throws, the requests waiting on
 * it reject with that error and nothing is sent.
 *
 * @example
 * const client = createClient({
 *   middlewares: [refreshTokenBeforeExpiry({
 *     getToken: () => ({ token: store.accessToken, expiresAt: store.expiresAt }),
 *     refresh: () => store.renew(),
 *     skewSeconds: 60,
 *   })],
 * })
 */
export function refreshTokenBeforeExpiry(options: RefreshBeforeExpiryOptions): ClientMiddleware {
  if (options === null || typeof options !== 'object') configError('refreshTokenBeforeExpiry() takes { getToken, refresh, skewSeconds? }')
  const getToken = checkFunction('refreshTokenBeforeExpiry', 'getToken', options.getToken)
  const refresh = checkFunction('refreshTokenBeforeExpiry', 'refresh', options.refresh)
  const skewSeconds = options.skewSeconds ?? 30
  if (typeof skewSeconds !== 'number' || !Number.isFinite(skewSeconds) || skewSeconds < 0) {
    configError(`refreshTokenBeforeExpiry() skewSeconds must be a number of seconds from 0 up, got ${String(skewSeconds)}`)
  }
  const skew = skewSeconds * 1000
  // how many refreshes have succeeded: a request whose read of the token began before one finished does not
  // refresh again on what it read, it reads again
  let generation = 0
  const refreshing = singleFlight(async () => {
    await refresh()
    generation++
  })

  const read = async (): Promise<ExpiringToken> => {
    const info = await getToken()
    if (info === null || typeof info !== 'object' || typeof info.expiresAt !== 'number' || Number.isNaN(info.expiresAt)) {
      throw new TypeError('refreshTokenBeforeExpiry(): getToken() must give { token, expiresAt }, expiresAt in Unix milliseconds')
    }
    return info
  }

  return async function refreshTokenBeforeExpiry(req, next) {
    const readIn = generation
    let info = await read()
    if (info.expiresAt - skew <= Date.now()) {
      // a refresh that finished while getToken() was answering makes what it answered stale, not expired
      if (generation === readIn) await refreshing()
      info = await read()
    }
    return next(withBearer(req, info.token))
  }
}
