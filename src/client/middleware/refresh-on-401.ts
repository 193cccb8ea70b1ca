import { configError } from '../../errors.js'
import type { ClientMiddleware } from '../middleware.js'
import { isReplayable } from '../request.js'
import { singleFlight } from './single-flight.js'
import { checkFunction, withBearer } from './token-shared.js'

/**
 * Options for {@link refreshTokenOn401}.
 *
 * @example
 * const options: RefreshOn401Options = { getToken: () => session.accessToken, refresh: () => session.renew() }
 */
export interface RefreshOn401Options {
  /** The current access token; called for every request, and again after a refresh. */
  getToken: () => string | Promise<string>
  /**
   * Gets a new token and stores it where `getToken` finds it. Called after a 401, at most once at a time
   * however many requests got a 401 together; what it returns is ignored.
   */
  refresh: () => unknown
}

/**
 * Sends `authorization: Bearer <token>` with every request and, when the server answers 401, refreshes the
 * token and sends the request once more with the new one.
 *
 * - One refresh for many 401s: requests that get a 401 while a refresh is under way wait for it, and a request
 *   whose 401 comes back after a refresh finished since it was sent (the generation moved on, or `getToken`
 *   now gives another token than the one it used) just retries with the new token.
 * - Once: a 401 to the retry is returned as it is. So is a 401 to a request whose body is a one-shot stream,
 *   which cannot be sent again.
 * - When `refresh` throws, every request waiting on it rejects with that error; the next 401 tries again.
 *
 * @example
 * const client = createClient({
 *   baseUrl: 'https://api.example.com',
 *   middlewares: [refreshTokenOn401({ getToken: () => store.accessToken, refresh: () => store.renew() })],
 * })
 */
export function refreshTokenOn401(options: RefreshOn401Options): ClientMiddleware {
  if (options === null || typeof options !== 'object') configError('refreshTokenOn401() takes { getToken, refresh }')
  const getToken = checkFunction('refreshTokenOn401', 'getToken', options.getToken)
  const refresh = checkFunction('refreshTokenOn401', 'refresh', options.refresh)
  // how many refreshes have succeeded: a request that sees it moved on since it was sent does not refresh again
  let generation = 0
  const refreshing = singleFlight(async () => {
    await refresh()
    generation++
  })

  return async function refreshTokenOn401(req, next) {
    const sentIn = generation
    const used = await getToken()
    const res = await next(withBearer(req, used))
    if (res.status !== 401 || !isReplayable(req.body)) return res
    await res.discard()
    let pending = refreshing.current
    if (pending === undefined && generation === sentIn) {
      const current = await getToken()
      // checked again after the await: a refresh may have started or finished meanwhile
      if (current === used && generation === sentIn) pending = refreshing()
    }
    if (pending !== undefined) await pending
    return next(withBearer(req, await getToken()))
  }
}
