// Request-line mutations: odd methods, broken and valid percent-encoding, dot segments, overlong and
// unicode paths, control bytes, odd query strings, other request-target forms, odd HTTP versions.
//
// Strings here are "binary" strings: one character per byte (latin1), so raw bytes such as NUL or the
// UTF-8 of a non-ASCII character pass through unchanged when the request is serialised.
import type { Prng } from './prng.js'

/** One change to a part of the request, with a name for reports. */
export interface Mutation<T> {
  readonly value: T
  readonly how: string
}

/** The UTF-8 bytes of `text`, as a binary string. */
export function utf8Bytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1')
}

const KNOWN_METHODS = [
  'GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT', 'PROPFIND', 'PROPPATCH', 'MKCOL',
  'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'SEARCH', 'PURGE', 'LINK', 'UNLINK', 'REPORT', 'MKACTIVITY', 'CHECKOUT',
  'MERGE', 'M-SEARCH', 'NOTIFY', 'SUBSCRIBE', 'UNSUBSCRIBE', 'QUERY', 'SOURCE', 'BIND', 'REBIND', 'UNBIND', 'ACL',
  'MKCALENDAR',
]
const TOKEN_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&\'*+-.^_`|~'

/** A method that is unusual in some way: a rarer real one, the wrong case, made up, empty, huge. */
export function mutateMethod(rng: Prng, method: string): Mutation<string> {
  return rng.weighted<Mutation<string>>([
    [6, { value: rng.pick(KNOWN_METHODS), how: 'other-known' }],
    [2, { value: method.toLowerCase(), how: 'lower-case' }],
    [1, { value: method[0] + method.slice(1).toLowerCase(), how: 'mixed-case' }],
    [2, { value: rng.string(TOKEN_CHARS, rng.between(1, 12)), how: 'made-up' }],
    [1, { value: `${method}${method.slice(-1)}`, how: 'stutter' }],
    [1, { value: '', how: 'empty' }],
    [1, { value: 'G'.repeat(rng.pick([64, 1000, 20_000])), how: 'huge' }],
    [1, { value: `${method}\x00`, how: 'nul' }],
    [1, { value: utf8Bytes('GÉT'), how: 'non-ascii' }],
  ])
}

const PERCENT_BROKEN = ['%', '%G1', '%zz', '%4', '%%', '%u0041', '%-1', '% 41', '%2', '%%41']
const PERCENT_ODD = ['%00', '%2f', '%2F', '%5c', '%2e', '%2E%2e', '%c0%af', '%ed%a0%80', '%ff%fe', '%e2%82', '%f4%90%80%80', '%0d%0a', '%20', '%23', '%3f', '%25']
const DOT_SEGMENTS = ['/..', '/.', '/../..', '/%2e%2e', '/.%2e', '/%2E.', '//', '/./../', '/..;', '/...']
const UNICODE = ['é', '日本語', '😀', '\u202e', '\ufeff', '\u0000', 'Ä\u0308', 'ﬁ', '\u2028']
const CONTROL = ['\x00', '\x01', '\x7f', '\t', ' ', '\x0b', '\x1b', '\x08']
const QUERIES = [
  'a=%zz', 'a[b]=1', '__proto__=1', '__proto__[x]=y', 'constructor[prototype][x]=1', '&&&', '=', '==',
  'a=1&a=2&a=3', '%', 'a=%E0%A4%A', '+=+', 'n=1e309', 'n=-1', 'n=99999999999', 'n=0x10', 'hasOwnProperty=1',
  'toString=x', 'a', `k=${'v'.repeat(5000)}`,
]

function insertAt(rng: Prng, path: string, piece: string): string {
  const at = rng.int(path.length + 1)
  return path.slice(0, at) + piece + path.slice(at)
}

function percentEncodeOne(rng: Prng, path: string): string {
  const positions = [...path].map((c, i) => (c !== '/' && c !== '?' ? i : -1)).filter((i) => i >= 0)
  if (positions.length === 0) return `${path}%41`
  const at = rng.pick(positions)
  const code = path.charCodeAt(at)
  const hex = code.toString(16).padStart(2, '0')
  return `${path.slice(0, at)}%${rng.chance(0.5) ? hex.toUpperCase() : hex}${path.slice(at + 1)}`
}

function manyQueryKeys(rng: Prng): string {
  const count = rng.pick([100, 1000, 3000])
  return Array.from({ length: count }, (_, i) => `k${i % 50}=${i}`).join('&')
}

/** A request target derived from `path`: broken or odd in one of many ways. */
export function mutatePath(rng: Prng, path: string): Mutation<string> {
  const kind = rng.weighted<string>([
    [4, 'percent-valid'], [4, 'percent-broken'], [4, 'percent-odd'], [4, 'dot-segments'], [2, 'overlong'],
    [3, 'unicode'], [3, 'control'], [4, 'query'], [1, 'many-query-keys'], [1, 'fragment'], [2, 'absolute-form'],
    [1, 'asterisk'], [1, 'empty'], [1, 'no-leading-slash'], [1, 'backslashes'], [1, 'upper-case'],
    [1, 'trailing-slash'], [1, 'matrix'], [2, 'param-junk'], [1, 'raw-high-bytes'],
  ])
  switch (kind) {
    case 'percent-valid': return { value: percentEncodeOne(rng, path), how: kind }
    case 'percent-broken': return { value: insertAt(rng, path, rng.pick(PERCENT_BROKEN)), how: kind }
    case 'percent-odd': return { value: insertAt(rng, path, rng.pick(PERCENT_ODD)), how: kind }
    case 'dot-segments': return { value: rng.chance(0.3) ? `/..${path}` : insertAt(rng, path, rng.pick(DOT_SEGMENTS)), how: kind }
    case 'overlong': {
      const size = rng.pick([101, 200, 1000, 8000, 20_000, 70_000])
      return { value: rng.chance(0.5) ? `${path}/${'a'.repeat(size)}` : `/users/${'x'.repeat(size)}`, how: kind }
    }
    case 'unicode': return { value: insertAt(rng, path, utf8Bytes(rng.pick(UNICODE))), how: kind }
    case 'control': return { value: insertAt(rng, path, rng.pick(CONTROL)), how: kind }
    case 'query': return { value: `${path}${path.includes('?') ? '&' : '?'}${rng.pick(QUERIES)}`, how: kind }
    case 'many-query-keys': return { value: `${path}?${manyQueryKeys(rng)}`, how: kind }
    case 'fragment': return { value: `${path}#${rng.pick(['', 'frag', '/../x', '%zz'])}`, how: kind }
    case 'absolute-form': return { value: `${rng.pick(['http://127.0.0.1', 'http://x', 'https://a:b@h:99999', '//host', 'HTTP://X:0', 'ftp://z'])}${path}`, how: kind }
    case 'asterisk': return { value: '*', how: kind }
    case 'empty': return { value: '', how: kind }
    case 'no-leading-slash': return { value: path.replace(/^\/+/, ''), how: kind }
    case 'backslashes': return { value: path.replace(/\//g, '\\'), how: kind }
    case 'upper-case': return { value: path.toUpperCase(), how: kind }
    case 'trailing-slash': return { value: `${path}/`, how: kind }
    case 'matrix': return { value: `${path};jsessionid=${rng.string(TOKEN_CHARS, 8)}`, how: kind }
    case 'param-junk': {
      const segments = path.split('/')
      const at = rng.between(1, Math.max(1, segments.length - 1))
      segments[at] = rng.string(`${TOKEN_CHARS}:@,;=()[]{}"<>`, rng.between(0, 40))
      return { value: segments.join('/'), how: kind }
    }
    default: {
      let bytes = ''
      for (let i = 0, n = rng.between(1, 8); i < n; i++) bytes += String.fromCharCode(rng.between(0x80, 0xff))
      return { value: insertAt(rng, path, bytes), how: 'raw-high-bytes' }
    }
  }
}

/** An HTTP version other than HTTP/1.1, and whether a well-behaved server still frames the request as usual. */
export function mutateVersion(rng: Prng): Mutation<string> & { framed: boolean } {
  return rng.weighted<Mutation<string> & { framed: boolean }>([
    [5, { value: 'HTTP/1.0', how: 'http/1.0', framed: true }],
    [1, { value: 'HTTP/1.2', how: 'http/1.2', framed: false }],
    [1, { value: 'HTTP/2.0', how: 'http/2.0', framed: false }],
    [1, { value: 'HTTP/0.9', how: 'http/0.9', framed: false }],
    [1, { value: 'HTTP/1', how: 'http/1', framed: false }],
    [1, { value: 'http/1.1', how: 'lower-case', framed: false }],
    [1, { value: 'HTTP/1.1 extra', how: 'extra-token', framed: false }],
    [1, { value: '', how: 'missing', framed: false }],
    [1, { value: 'HTTP/11.1', how: 'two-digit', framed: false }],
    [1, { value: 'HTX/1.1', how: 'not-http', framed: false }],
  ])
}
