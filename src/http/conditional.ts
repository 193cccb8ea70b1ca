import { createHash } from 'node:crypto'
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http'

// bodies up to this size are hashed in JavaScript (two FNV-1a passes: quick for small answers); larger ones by
// node's SHA-1, which is faster there
const SMALL = 16 * 1024

// base64url digits, and every pair of them by its 12-bit value: Number#toString(36) of a 32-bit hash costs more
// than hashing a small body, so the hash is written by table lookup instead
const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const PAIRS: readonly string[] = Array.from({ length: 4096 }, (_, i) => (DIGITS[i >> 6] as string) + (DIGITS[i & 63] as string))

/** Two FNV-1a hashes with different offsets in one pass: 64 bits in 11 base64url digits, for a body small enough to hash in JavaScript. */
function fnv64(body: string | Uint8Array): string {
  let a = 0x811c9dc5
  let b = 0x050c5d1f
  if (typeof body === 'string') {
    for (let i = 0; i < body.length; i++) {
      const c = body.charCodeAt(i)
      a = Math.imul(a ^ c, 0x01000193)
      b = Math.imul(b ^ c, 0x01000193)
    }
  } else {
    for (let i = 0; i < body.length; i++) {
      const c = body[i] as number
      a = Math.imul(a ^ c, 0x01000193)
      b = Math.imul(b ^ c, 0x01000193)
    }
  }
  return (PAIRS[a >>> 20] as string) + (PAIRS[(a >>> 8) & 4095] as string) + (PAIRS[((a & 255) << 4) | (b >>> 28)] as string)
    + (PAIRS[(b >>> 16) & 4095] as string) + (PAIRS[(b >>> 4) & 4095] as string) + (DIGITS[b & 15] as string)
}

/** A strong ETag for a body: its length and a 64-bit hash (SHA-1 for large bodies), quoted. */
export function strongEtag(body: string | Uint8Array): string {
  const length = typeof body === 'string' ? body.length : body.byteLength
  if (length > SMALL) return `"${length.toString(36)}-${createHash('sha1').update(body).digest('base64url')}"`
  return `"${length.toString(36)}-${fnv64(body)}"`
}

function matches(ifNoneMatch: string, etag: string): boolean {
  if (ifNoneMatch.trim() === '*') return true
  // weak comparison, as RFC 9110 has it for If-None-Match: W/ prefixes do not matter
  const bare = etag.startsWith('W/') ? etag.slice(2) : etag
  return ifNoneMatch.split(',').some((tag) => {
    const candidate = tag.trim()
    return (candidate.startsWith('W/') ? candidate.slice(2) : candidate) === bare
  })
}

/**
 * Conditional GET for a 200 answer to GET or HEAD whose body is in hand: sets a strong `ETag` (unless the reply
 * has one, or `etag` is off) and says whether the request's `If-None-Match`, or else its `If-Modified-Since`
 * against the reply's `Last-Modified`, makes it a 304.
 */
export function notModified(method: string, request: IncomingHttpHeaders, status: number, body: string | Uint8Array, headers: OutgoingHttpHeaders, etag: boolean): boolean {
  if (status !== 200 || (method !== 'GET' && method !== 'HEAD')) return false
  if (etag && headers.etag === undefined) headers.etag = strongEtag(body)
  const ifNoneMatch = request['if-none-match']
  if (ifNoneMatch !== undefined) return headers.etag !== undefined && matches(ifNoneMatch, String(headers.etag))
  const since = request['if-modified-since']
  const modified = headers['last-modified']
  if (since === undefined || modified === undefined) return false
  const sinceMs = Date.parse(since)
  const modifiedMs = Date.parse(String(modified))
  return Number.isFinite(sinceMs) && Number.isFinite(modifiedMs) && Math.floor(modifiedMs / 1000) <= Math.floor(sinceMs / 1000)
}

/** The headers a 304 keeps: those a 200 would have had, less the body's own. */
export function notModifiedHeaders(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const { 'content-length': _length, 'content-type': _type, ...rest } = headers
  return rest
}
