// The secrets example's authentication: one bearer token, compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto'
import { text, type Reply, type RouteRequest } from '../../src/index.js'

const sha256 = (value: string): Buffer => createHash('sha256').update(value).digest()

/**
 * A step that lets a request on only with `Authorization: Bearer <token>`, and answers 401 otherwise. The
 * tokens are compared as SHA-256 digests with `timingSafeEqual`, so the time taken says nothing about how
 * much of a guess was right.
 *
 * @example app.get('/secrets', requireToken(process.env.SECRETS_TOKEN), listSecrets)
 */
export function requireToken(token: string): (req: RouteRequest) => Reply | undefined {
  if (typeof token !== 'string' || token.trim() === '') throw new TypeError('requireToken() needs a non-empty token')
  const expected = sha256(token)
  return function requireToken(req) {
    const given = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '')?.[1]
    if (given !== undefined && timingSafeEqual(sha256(given), expected)) return undefined
    return text('unauthenticated: send Authorization: Bearer <SECRETS_TOKEN>', {
      status: 401,
      headers: { 'www-authenticate': 'Bearer realm="secrets"' },
    })
  }
}
