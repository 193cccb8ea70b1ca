import { configError } from '../../errors.js'
import type { ClientMiddleware } from '../middleware.js'
import { isReplayable, type ClientRequest } from '../request.js'
import { parseAuthParams, parseChallenges } from './digest-challenge.js'
import { digestAuthorization } from './digest-response.js'
import { selectDigest } from './digest-select.js'
import { DigestSpaces, type DigestSpace } from './digest-spaces.js'

// what a user name may hold: printable ASCII, which a quoted-string carries (`"` and `\` escaped)
const SAFE_USER = /^[\x20-\x7e]+$/

/** The request with an Authorization header answering the space's challenge, counting one use of its nonce. */
function authorized(req: ClientRequest, spaces: DigestSpaces, space: DigestSpace, user: string, password: string): ClientRequest {
  const { nc, cnonce } = spaces.use(space)
  const uri = req.url.pathname + req.url.search
  const authorization = digestAuthorization(space.offer, { user, password, method: req.method, uri, nc, cnonce })
  return { ...req, headers: { ...req.headers, authorization } }
}

/**
 * HTTP Digest authentication (RFC 7616, and RFC 2069's form without qop). On a 401 with a `WWW-Authenticate:
 * Digest` challenge it answers with the user name and a hash of the password, and sends the request once more.
 *
 * - Algorithms: MD5, MD5-sess, SHA-256, SHA-256-sess, SHA-512-256(-sess); offered several, it takes the
 *   strongest. `qop=auth` (a fresh random cnonce, `nc` counting the uses of the nonce in 8 hex digits), or no
 *   qop at all. `opaque` is echoed; `uri` is the request's path and query.
 * - Up front: the challenge is remembered per origin and realm (and `domain`, when given), so later requests to
 *   the origin carry Authorization with the next `nc` and meet no 401. A `nextnonce` in Authentication-Info
 *   is taken.
 * - `stale=true` (the nonce expired, the credentials were right): it takes the new nonce and sends once more.
 * - Credentials refused (a 401 to the answer): that 401 is returned, and the space forgotten; never a loop.
 * - Returned as they are: a 401 whose request has a one-shot stream body (the challenge is still remembered, so
 *   the next request goes up front), and a 401 reached through a redirect (the `uri` answered would not be the
 *   one challenged). A request that already carries an Authorization header is left alone.
 * - Not done: `userhash`, `auth-int` (a challenge offering only it is not answered), `username*` for a user
 *   name beyond printable ASCII (refused when the middleware is made), verifying `rspauth`, and 407 from proxies.
 *
 * Each call makes its own memory of challenges; share one middleware to share it.
 *
 * @example
 * const client = createClient({ baseUrl: 'http://printer.local', middlewares: [digestAuth('admin', secret)] })
 * const res = await client.get('/status') // 401, then 200; the next request goes straight through
 */
export function digestAuth(user: string, password: string): ClientMiddleware {
  if (typeof user !== 'string' || user === '') configError('digestAuth() takes a user name: a string that is not empty')
  if (!SAFE_USER.test(user)) {
    configError(`digestAuth(): the user name ${JSON.stringify(user)} holds characters a quoted-string cannot carry safely (control characters, line breaks, non-ASCII)`)
  }
  if (typeof password !== 'string') configError('digestAuth() takes a password: a string')
  const spaces = new DigestSpaces()

  return async function digestAuth(req, next) {
    if (req.headers.authorization !== undefined) return next()
    let sent = spaces.find(req.url)
    let res = await next(sent === undefined ? req : authorized(req, spaces, sent, user, password))
    let answered = false // a challenge met by this request has been answered
    let staleAnswered = false
    for (;;) {
      if (res.status !== 401) {
        const nextnonce = sent === undefined ? undefined : parseAuthParams(res.headers['authentication-info']).nextnonce
        if (sent !== undefined && nextnonce !== undefined) spaces.renew(sent, nextnonce)
        return res
      }
      const offer = selectDigest(parseChallenges(res.headers['www-authenticate']))
      if (offer === undefined) return res
      const stale = sent !== undefined && offer.stale
      if (sent !== undefined && !stale && answered) {
        // the answer itself was refused: wrong credentials
        spaces.forget(sent)
        return res
      }
      if (stale && staleAnswered) return res
      // a 401 from where a redirect led: this request's uri would not match it
      if (res.url.href !== req.url.href) return res
      const space = spaces.remember(req.url, offer)
      if (!isReplayable(req.body)) return res
      await res.discard()
      answered = true
      if (stale) staleAnswered = true
      sent = space
      res = await next(authorized(req, spaces, space, user, password))
    }
  }
}
