// Computes a Digest response and writes the Authorization header that carries it (RFC 7616 §3.4).
import { createHash, randomBytes } from 'node:crypto'
import type { DigestOffer } from './digest-select.js'

/**
 * One use of a challenge: who asks, for what, and the counters of this use.
 *
 * @example
 * const use: DigestUse = { user: 'alice', password, method: 'GET', uri: '/a?b=1', nc: 2, cnonce: newCnonce() }
 */
export interface DigestUse {
  readonly user: string
  readonly password: string
  /** The request method, upper case. */
  readonly method: string
  /** The request target as sent: path and query. */
  readonly uri: string
  /** The nonce count, from 1: how many times this nonce has been used, this time included. */
  readonly nc: number
  /** The client nonce of this use. */
  readonly cnonce: string
}

/**
 * A quoted-string: `"` and `\` escaped as quoted-pairs. The caller makes sure there are no control characters.
 *
 * @example
 * quoteString('say "hi"') // '"say \\"hi\\""'
 */
export function quoteString(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`
}

/**
 * A fresh random client nonce: 16 random bytes in hex.
 *
 * @example
 * newCnonce() // '9f1c…' (32 hex digits)
 */
export function newCnonce(): string {
  return randomBytes(16).toString('hex')
}

/**
 * The `response` value: KD(H(A1), nonce:nc:cnonce:qop:H(A2)), or KD(H(A1), nonce:H(A2)) without qop (RFC 2069).
 *
 * @example
 * digestResponse(offer, { user: 'Mufasa', password: 'Circle of Life', method: 'GET', uri: '/dir/index.html', nc: 1, cnonce })
 */
export function digestResponse(offer: DigestOffer, use: DigestUse): string {
  const h = (text: string): string => createHash(offer.algorithm.hash).update(text, 'utf8').digest('hex')
  let ha1 = h(`${use.user}:${offer.realm}:${use.password}`)
  if (offer.algorithm.session) ha1 = h(`${ha1}:${offer.nonce}:${use.cnonce}`)
  const ha2 = h(`${use.method}:${use.uri}`)
  if (offer.qop === undefined) return h(`${ha1}:${offer.nonce}:${ha2}`)
  return h(`${ha1}:${offer.nonce}:${nonceCount(use.nc)}:${use.cnonce}:${offer.qop}:${ha2}`)
}

/**
 * A nonce count as sent: 8 hex digits.
 *
 * @example
 * nonceCount(26) // '0000001a'
 */
export function nonceCount(nc: number): string {
  return nc.toString(16).padStart(8, '0')
}

/**
 * The Authorization header answering `offer`: username, realm, nonce, uri, the algorithm as the server named
 * it, response, opaque when given, and with qop also qop, nc and cnonce.
 *
 * @example
 * const authorization = digestAuthorization(offer, { user, password, method: 'GET', uri: '/a?b=1', nc: 1, cnonce: newCnonce() })
 * // 'Digest username="u", realm="r", nonce="n", uri="/a?b=1", algorithm=SHA-256, response="…", qop=auth, nc=00000001, cnonce="…"'
 */
export function digestAuthorization(offer: DigestOffer, use: DigestUse): string {
  const fields = [
    `username=${quoteString(use.user)}`,
    `realm=${quoteString(offer.realm)}`,
    `nonce=${quoteString(offer.nonce)}`,
    `uri=${quoteString(use.uri)}`,
  ]
  if (offer.algorithmToken !== undefined) fields.push(`algorithm=${offer.algorithmToken}`)
  fields.push(`response=${quoteString(digestResponse(offer, use))}`)
  if (offer.opaque !== undefined) fields.push(`opaque=${quoteString(offer.opaque)}`)
  if (offer.qop !== undefined) fields.push(`qop=${offer.qop}`, `nc=${nonceCount(use.nc)}`, `cnonce=${quoteString(use.cnonce)}`)
  return `Digest ${fields.join(', ')}`
}
