// The Digest protection spaces one digestAuth() has met: per origin and realm, the last challenge and how many
// times its nonce was used, so later requests authenticate up front (RFC 7616 §3.6).
import { isEchoable, type DigestOffer } from './digest-select.js'
import { newCnonce } from './digest-response.js'

/**
 * One protection space: an origin and realm, with the challenge it last issued.
 *
 * @example
 * const space = spaces.remember(new URL('http://127.0.0.1:8080/private'), offer)
 * space.origin // 'http://127.0.0.1:8080'; space.nc // 0 until used
 */
export interface DigestSpace {
  readonly origin: string
  readonly realm: string
  /** The challenge being answered; its nonce changes with `nextnonce`. */
  offer: DigestOffer
  /** How many times the nonce has been used so far. */
  nc: number
  /** The path prefixes `domain` gave on this origin; `undefined` for the whole origin. */
  readonly paths: readonly string[] | undefined
  /** For a -sess algorithm, the cnonce A1 was hashed with, kept for the nonce's life. */
  sessionCnonce: string | undefined
  /** When it was last used, to pick among spaces and to drop the oldest. */
  used: number
}

/**
 * What one use of a space sends: the nonce count and the client nonce.
 *
 * @example
 * const { nc, cnonce } = spaces.use(space) // nc 1 on a fresh nonce
 */
export interface DigestCounters {
  readonly nc: number
  readonly cnonce: string
}

// the largest nonce count 8 hex digits hold; past it the space needs a new nonce, by a new challenge
const MAX_NC = 0xffffffff
// spaces kept per middleware, the least recently used dropped first
const MAX_SPACES = 256

/** The same-origin path prefixes of a `domain` list; `undefined` when it names none on this origin. */
function pathsOf(domain: string | undefined, url: URL): string[] | undefined {
  if (domain === undefined) return undefined
  const paths: string[] = []
  for (const uri of domain.split(/\s+/)) {
    if (uri === '') continue
    try {
      const resolved = new URL(uri, url)
      if (resolved.origin === url.origin) paths.push(resolved.pathname)
    } catch {
      // a URI that does not parse names nothing
    }
  }
  return paths.length > 0 ? paths : undefined
}

/**
 * The protection spaces of one digestAuth(): at most 256, the least recently used dropped first.
 *
 * @example
 * const spaces = new DigestSpaces()
 * const space = spaces.remember(url, offer)
 * const { nc, cnonce } = spaces.use(space) // nc 1, then 2, …
 * spaces.find(new URL('/other', url)) === space // a later request to the origin finds it
 */
export class DigestSpaces {
  readonly #spaces = new Map<string, DigestSpace>()
  #clock = 0

  /**
   * The space a request to `url` most likely belongs to: one whose `domain` covers the path, else one
   * covering the whole origin; the most recently used of them.
   */
  find(url: URL): DigestSpace | undefined {
    let best: DigestSpace | undefined
    let bestRank = 0
    for (const space of this.#spaces.values()) {
      if (space.origin !== url.origin) continue
      const rank = space.paths === undefined ? 1 : space.paths.some((path) => url.pathname.startsWith(path)) ? 2 : 0
      if (rank > bestRank || (rank === bestRank && rank > 0 && best !== undefined && space.used > best.used)) {
        best = space
        bestRank = rank
      }
    }
    return best
  }

  /** Records a challenge met at `url`, replacing what its origin and realm had: a new nonce counts from 1. */
  remember(url: URL, offer: DigestOffer): DigestSpace {
    const key = `${url.origin} ${offer.realm}`
    this.#spaces.delete(key)
    const space: DigestSpace = {
      origin: url.origin, realm: offer.realm, offer, nc: 0, paths: pathsOf(offer.domain, url),
      sessionCnonce: undefined, used: ++this.#clock,
    }
    this.#spaces.set(key, space)
    if (this.#spaces.size > MAX_SPACES) {
      let oldest: [string, DigestSpace] | undefined
      for (const entry of this.#spaces) if (oldest === undefined || entry[1].used < oldest[1].used) oldest = entry
      if (oldest !== undefined) this.#spaces.delete(oldest[0])
    }
    return space
  }

  /** Counts one use of the space's nonce: the next nc, and the cnonce to send with it. */
  use(space: DigestSpace): DigestCounters {
    space.used = ++this.#clock
    space.nc = Math.min(space.nc + 1, MAX_NC)
    if (space.nc === MAX_NC) this.forget(space) // used up: the next request meets a new challenge
    if (!space.offer.algorithm.session) return { nc: space.nc, cnonce: newCnonce() }
    space.sessionCnonce ??= newCnonce()
    return { nc: space.nc, cnonce: space.sessionCnonce }
  }

  /** Takes the `nextnonce` a server announced: the next use sends it, counting from 1 again. */
  renew(space: DigestSpace, nonce: string): void {
    // a nonce with control characters could not be echoed in a quoted-string
    if (nonce === '' || nonce === space.offer.nonce || !isEchoable(nonce)) return
    space.offer = { ...space.offer, nonce }
    space.nc = 0
    space.sessionCnonce = undefined
  }

  /** Drops a space, e.g. after its credentials were refused; a space replaced meanwhile stays. */
  forget(space: DigestSpace): void {
    const key = `${space.origin} ${space.realm}`
    if (this.#spaces.get(key) === space) this.#spaces.delete(key)
  }
}
