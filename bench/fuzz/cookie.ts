// Session cookies for the fuzzer: garbage cookie headers, tampered versions of a genuine session token,
// and the check that decides whether a request that loaded a session carried a genuine token at all.
//
// A genuine token is a Fernet token as the target issued it. What makes a session load is the token's
// bytes (base64url-decoded) passing the HMAC, so a value that decodes to the same bytes as a genuine token
// (unpadded, spare low bits changed, quoted the way Python quotes cookies) is the genuine token written
// differently, not a tampered one. A session loaded from a request whose session cookies all decode to
// other bytes than every genuine token is a tampered cookie accepted.
import type { Prng } from './prng.js'

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const PRINTABLE = ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~'

/** One way of tampering with a token: takes the token (and the other genuine ones) and returns a new value. */
type Tamper = (rng: Prng, token: string, others: readonly string[]) => string

function decode(token: string): Buffer {
  return Buffer.from(token, 'base64url')
}

/** Encodes bytes back into a token, in one of the spellings a client might use. */
function encode(rng: Prng, bytes: Buffer): string {
  const padded = bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_')
  return rng.weighted([[6, padded], [2, padded.replace(/=+$/, '')], [1, bytes.toString('base64')]])
}

function atRandom(rng: Prng, text: string): number {
  return rng.int(text.length)
}

function withBytes(change: (rng: Prng, bytes: Buffer) => Buffer): Tamper {
  return (rng, token) => encode(rng, change(rng, Buffer.from(decode(token))))
}

const TAMPERS: readonly (readonly [number, string, Tamper])[] = [
  [6, 'replace-char', (rng, token) => {
    const at = atRandom(rng, token)
    let replacement = rng.pick([...BASE64URL])
    if (replacement === token[at]) replacement = replacement === 'A' ? 'B' : 'A'
    return token.slice(0, at) + replacement + token.slice(at + 1)
  }],
  [6, 'flip-bit', withBytes((rng, bytes) => {
    const at = rng.int(bytes.length)
    bytes[at] = (bytes[at] as number) ^ (1 << rng.int(8))
    return bytes
  })],
  [3, 'insert-char', (rng, token) => {
    const at = rng.int(token.length + 1)
    const inserted = rng.chance(0.7) ? rng.pick([...BASE64URL]) : rng.pick([...PRINTABLE, '\t', '\u00e9'])
    return token.slice(0, at) + inserted + token.slice(at)
  }],
  [4, 'delete-char', (rng, token) => {
    const at = atRandom(rng, token)
    return token.slice(0, at) + token.slice(at + 1)
  }],
  [4, 'truncate', (rng, token) => token.slice(0, rng.int(token.length))],
  [2, 'append', (rng, token) => token.replace(/=+$/, '') + rng.string(BASE64URL, rng.between(1, 24))],
  [2, 'append-block', withBytes((rng, bytes) => Buffer.concat([bytes, rng.bytes(16)]))],
  [2, 'drop-block', withBytes((rng, bytes) => {
    if (bytes.length < 16) return bytes.subarray(1)
    const at = rng.int(bytes.length - 15)
    return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 16)])
  })],
  [2, 'swap-chars', (rng, token) => {
    const a = atRandom(rng, token)
    const b = atRandom(rng, token)
    if (token[a] === token[b]) return token.slice(0, a) + (token[a] === 'x' ? 'y' : 'x') + token.slice(a + 1)
    const chars = [...token]
    chars[a] = token[b] as string
    chars[b] = token[a] as string
    return chars.join('')
  }],
  [2, 'change-case', (rng, token) => {
    const letters = [...token].map((c, i) => (/[a-zA-Z]/.test(c) ? i : -1)).filter((i) => i >= 0)
    if (letters.length === 0) return `${token}A`
    const at = rng.pick(letters)
    const c = token[at] as string
    return token.slice(0, at) + (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) + token.slice(at + 1)
  }],
  [2, 'splice', (rng, token, others) => {
    const other = others.find((o) => o !== token)
    if (other === undefined) return token.slice(1)
    const cut = rng.between(1, Math.min(token.length, other.length) - 1)
    return token.slice(0, cut) + other.slice(cut)
  }],
  [2, 'version-byte', withBytes((rng, bytes) => {
    bytes[0] = rng.pick([0x00, 0x7f, 0x81, 0xff, 0x80 ^ (1 + rng.int(127))])
    return bytes
  })],
  [2, 'timestamp', withBytes((rng, bytes) => {
    const at = rng.between(1, 8)
    bytes[at] = ((bytes[at] as number) + rng.between(1, 255)) & 0xff
    return bytes
  })],
  [2, 'mac', withBytes((rng, bytes) => {
    const macStart = Math.max(0, bytes.length - 32)
    return rng.chance(0.5) ? bytes.subarray(0, macStart) : Buffer.concat([bytes.subarray(0, macStart), Buffer.alloc(32)])
  })],
  [1, 'iv', withBytes((rng, bytes) => {
    const at = rng.between(9, 24)
    if (at < bytes.length) bytes[at] = (bytes[at] as number) ^ 0x01
    return bytes
  })],
  [1, 'percent-encode', (rng, token) => {
    const at = atRandom(rng, token)
    return `${token.slice(0, at)}%${(token.charCodeAt(at) || 61).toString(16).toUpperCase()}${token.slice(at + 1)}`
  }],
  [1, 'whitespace', (rng, token) => {
    const at = rng.int(token.length + 1)
    return token.slice(0, at) + rng.pick([' ', '\t', '  ']) + token.slice(at)
  }],
  [2, 're-base64', (rng, token) => encode(rng, decode(token))],
  [1, 'doubled', (_rng, token) => token + token],
  [1, 'empty', () => ''],
]

/** A tampered version of `token`: one to three tampers in a row. Returns the value and the tampers' names. */
export function tamperToken(rng: Prng, token: string, others: readonly string[]): { value: string; how: string } {
  let value = token
  const names: string[] = []
  const count = rng.weighted([[6, 1], [3, 2], [1, 3]])
  for (let i = 0; i < count; i++) {
    const [, name, tamper] = rng.weighted(TAMPERS.map((entry) => [entry[0], entry] as const))
    value = tamper(rng, value, others)
    names.push(name)
  }
  return { value, how: names.join('+') }
}

/** Quotes a cookie value the way Python's http.cookies would (backslash escapes, octal for the rest). */
function pythonQuote(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[;,]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`)}"`
}

/**
 * Cookie header values that carry `value` as the session cookie, arranged in one of several ways: alone,
 * among other cookies, quoted, with spaces, twice, or split over two Cookie headers.
 */
export function sessionCookieHeaders(rng: Prng, name: string, value: string, decoy: string): { headers: string[]; how: string } {
  const other = (): string => `${rng.pick(['theme', 'lang', 'csrf', 'a', '_ga'])}=${rng.string(BASE64URL, rng.between(0, 12))}`
  return rng.weighted<{ headers: string[]; how: string }>([
    [8, { headers: [`${name}=${value}`], how: 'alone' }],
    [3, { headers: [`${other()}; ${name}=${value}; ${other()}`], how: 'among-others' }],
    [2, { headers: [`${name}=${pythonQuote(value)}`], how: 'quoted' }],
    [1, { headers: [`${name}="${value}`], how: 'half-quoted' }],
    [1, { headers: [` ${name} = ${value} `], how: 'spaces' }],
    [1, { headers: [`${name}=${value}; ${name}=${decoy}`], how: 'twice-first' }],
    [1, { headers: [`${name}=${decoy}; ${name}=${value}`], how: 'twice-second' }],
    [1, { headers: [`${other()}`, `${name}=${value}`], how: 'two-headers' }],
    [1, { headers: [`${name}=${value}`, `${name}=${decoy}`], how: 'two-headers-twice' }],
    [1, { headers: [`${name}=${value};`], how: 'trailing-semicolon' }],
    [1, { headers: [`${name}=${value}, ${other()}`], how: 'comma' }],
  ])
}

/** A random Cookie header value that has nothing to do with a genuine session. */
export function garbageCookieHeader(rng: Prng, name: string): { header: string; how: string } {
  const junk = (n: number): string => rng.string(PRINTABLE, n)
  return rng.weighted<{ header: string; how: string }>([
    [3, { header: junk(rng.length(200)), how: 'printable' }],
    [3, { header: `${name}=${rng.string(BASE64URL, rng.pick([0, 10, 100, 140, 184, 248]))}`, how: 'random-token' }],
    [2, { header: `${name}="${junk(rng.length(40))}"`, how: 'quoted-junk' }],
    [1, { header: `${name}="\\"\\\\\\101\\073"`, how: 'escapes' }],
    [1, { header: `${name}=""`, how: 'empty-quoted' }],
    [1, { header: `${name}=`, how: 'empty' }],
    [1, { header: `${name}`, how: 'no-equals' }],
    [1, { header: `=${junk(8)}`, how: 'no-name' }],
    [1, { header: ';;;; ;=;=', how: 'separators' }],
    [1, { header: `${name}=${'A'.repeat(rng.pick([4000, 5000, 9000]))}`, how: 'long' }],
    [1, { header: Array.from({ length: rng.between(20, 400) }, (_, i) => `c${i}=${i}`).join('; '), how: 'many' }],
    [1, { header: `${name}=%E0%A4%A; ${name}=%zz`, how: 'bad-percent' }],
    [1, { header: `${name}=\u00e9\u00ff\u0080`, how: 'high-bytes' }],
  ])
}

/** Undoes quoting the way a lenient server might: strips quotes and backslash escapes (octal too). */
function unquoteLoosely(value: string): string {
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) return value
  return value.slice(1, -1).replace(/\\([0-3][0-7]{2}|.)/g, (_, escaped: string) =>
    escaped.length === 3 ? String.fromCharCode(Number.parseInt(escaped, 8)) : escaped)
}

/** The values of every cookie named `name` (compared case-insensitively, spaces trimmed) in these headers. */
function cookieValues(cookieHeaders: readonly string[], name: string): string[] {
  const values: string[] = []
  const wanted = name.toLowerCase()
  for (const header of cookieHeaders) {
    for (const pair of header.split(';')) {
      const eq = pair.indexOf('=')
      if (eq !== -1 && pair.slice(0, eq).trim().toLowerCase() === wanted) values.push(pair.slice(eq + 1))
    }
  }
  return values
}

/** The values of every Cookie header line (any case) in a raw request, read leniently from its bytes. */
export function cookieHeadersIn(request: Buffer): string[] {
  const headers: string[] = []
  for (const line of request.toString('latin1').split(/\r\n|\n|\r/)) {
    const colon = line.indexOf(':')
    if (colon !== -1 && line.slice(0, colon).trim().toLowerCase() === 'cookie') headers.push(line.slice(colon + 1))
  }
  return headers
}

/**
 * Whether any cookie named `name` in these Cookie header values is a genuine token, possibly written
 * differently (same bytes once base64-decoded). Deliberately lenient: every reading that could give a
 * genuine token counts, so that only a session loaded from nothing genuine is called a tampered acceptance.
 */
export function carriesGenuineToken(cookieHeaders: readonly string[], name: string, genuine: readonly string[]): boolean {
  if (genuine.length === 0) return false
  const genuineBytes = genuine.map(decode)
  for (const raw of cookieValues(cookieHeaders, name)) {
    for (const candidate of new Set([raw, raw.trim(), unquoteLoosely(raw.trim())])) {
      const bytes = decode(candidate)
      if (genuineBytes.some((g) => g.equals(bytes))) return true
    }
  }
  return false
}
