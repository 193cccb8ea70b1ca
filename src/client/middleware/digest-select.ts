// Picks, among the challenges of a 401, the Digest challenge this client can answer (RFC 7616 §3.3).
import type { AuthChallenge } from './digest-challenge.js'

/**
 * How one Digest algorithm hashes, and how much it is preferred.
 *
 * @example
 * selectDigest(challenges)?.algorithm // { name: 'SHA-256-sess', hash: 'sha256', session: true, strength: 2 }
 */
export interface DigestAlgorithm {
  /** The name as RFC 7616 spells it: `MD5`, `SHA-256-sess`. */
  readonly name: string
  /** The node:crypto hash. */
  readonly hash: 'md5' | 'sha256' | 'sha512-256'
  /** A `-sess` variant: A1 is hashed again with the nonce and the cnonce. */
  readonly session: boolean
  /** Higher is stronger; among challenges offered, the strongest is answered. */
  readonly strength: number
}

const ALGORITHMS: ReadonlyMap<string, DigestAlgorithm> = new Map([
  ['MD5', { name: 'MD5', hash: 'md5', session: false, strength: 1 }],
  ['MD5-SESS', { name: 'MD5-sess', hash: 'md5', session: true, strength: 1 }],
  ['SHA-256', { name: 'SHA-256', hash: 'sha256', session: false, strength: 2 }],
  ['SHA-256-SESS', { name: 'SHA-256-sess', hash: 'sha256', session: true, strength: 2 }],
  ['SHA-512-256', { name: 'SHA-512-256', hash: 'sha512-256', session: false, strength: 3 }],
  ['SHA-512-256-SESS', { name: 'SHA-512-256-sess', hash: 'sha512-256', session: true, strength: 3 }],
])

/**
 * A Digest challenge this client can answer, its values as the server sent them.
 *
 * @example
 * const offer = selectDigest(parseChallenges('Digest realm="api", nonce="n1", qop="auth", algorithm=SHA-256'))
 * // { realm: 'api', nonce: 'n1', qop: 'auth', algorithmToken: 'SHA-256', stale: false, … }
 */
export interface DigestOffer {
  readonly realm: string
  readonly nonce: string
  /** Echoed back unchanged when given. */
  readonly opaque: string | undefined
  readonly algorithm: DigestAlgorithm
  /** The `algorithm` token as the server spelled it, echoed back; `undefined` when it named none (MD5 then). */
  readonly algorithmToken: string | undefined
  /** `auth` when the server offered it; `undefined` for an RFC 2069 challenge without qop. */
  readonly qop: 'auth' | undefined
  /** `stale=true`: the nonce expired, the credentials were right. */
  readonly stale: boolean
  /** The URIs of the protection space (`domain`), space-separated as sent; `undefined` for the whole origin. */
  readonly domain: string | undefined
}

// what may go back inside a quoted-string: no control characters other than tab
const ECHOABLE = /^[^\x00-\x08\x0a-\x1f\x7f]*$/

/**
 * Whether a value a server sent can be echoed back inside a quoted-string: it holds no control character
 * other than tab (no CR, LF or NUL to split the header with).
 *
 * @example
 * isEchoable('n1') // true
 * isEchoable('n1\r\nx-evil: 1') // false
 */
export function isEchoable(value: string): boolean {
  return ECHOABLE.test(value)
}

/** The offer a Digest challenge makes, or `undefined` when it cannot be answered. */
function offerOf(challenge: AuthChallenge): DigestOffer | undefined {
  if (challenge.scheme !== 'digest') return undefined
  const { realm, nonce, opaque, algorithm: token, qop: qops, stale, domain } = challenge.params
  if (realm === undefined || nonce === undefined || nonce === '') return undefined
  if (![realm, nonce, opaque ?? '', token ?? ''].every(isEchoable)) return undefined
  const algorithm = ALGORITHMS.get((token ?? 'MD5').toUpperCase())
  if (algorithm === undefined) return undefined
  let qop: 'auth' | undefined
  if (qops !== undefined) {
    // auth-int (a hash of the body) is not offered by this client: a challenge allowing only it is skipped
    if (!qops.split(',').some((q) => q.trim().toLowerCase() === 'auth')) return undefined
    qop = 'auth'
  } else if (algorithm.session) {
    // -sess hashes the cnonce, which RFC 2069's form (no qop) does not send
    return undefined
  }
  return {
    realm, nonce, opaque, algorithm, algorithmToken: token, qop,
    stale: stale?.toLowerCase() === 'true',
    domain: domain === undefined || domain.trim() === '' ? undefined : domain,
  }
}

/**
 * The Digest challenge to answer among those of a 401: the strongest algorithm offered (SHA-512-256 over
 * SHA-256 over MD5), the server's order between equals. Skipped are other schemes, challenges without realm
 * or nonce, unknown algorithms, a qop list without `auth`, and values that could not be echoed safely.
 *
 * @example
 * selectDigest(parseChallenges(res.headers['www-authenticate']))?.algorithm.name // 'SHA-256'
 */
export function selectDigest(challenges: readonly AuthChallenge[]): DigestOffer | undefined {
  let best: DigestOffer | undefined
  for (const challenge of challenges) {
    const offer = offerOf(challenge)
    if (offer !== undefined && (best === undefined || offer.algorithm.strength > best.algorithm.strength)) best = offer
  }
  return best
}
