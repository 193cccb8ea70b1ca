// Request bodies: valid ones for each body reader, and broken ones: the wrong content type, invalid or very
// deep JSON, "__proto__" keys, odd forms, a Content-Length that lies, chunked encoding with bad chunks, and
// bodies over the limit.
import { utf8Bytes } from './mutate-line.js'
import type { Prng } from './prng.js'

/** What a body reader route expects. */
export type BodyKind = 'json' | 'form' | 'text' | 'buffer'

/** A body with the header lines that frame and describe it. */
export interface Body {
  /** Header lines to add: Content-Type, Content-Length or Transfer-Encoding. */
  readonly lines: string[]
  readonly bytes: Buffer
  /** False when the framing is a lie or broken, so the server may rightly wait for more. */
  readonly framed: boolean
  readonly how: string
}

/** The app's default body limit (1 MiB). */
export const BODY_LIMIT = 1024 * 1024

const CONTENT_TYPES: Record<BodyKind, string> = {
  json: 'application/json',
  form: 'application/x-www-form-urlencoded',
  text: 'text/plain; charset=utf-8',
  buffer: 'application/octet-stream',
}

const WORDS = ['a', 'b', 'user', 'id', 'name', 'x y', 'é', '日本', '"q"', '\\', '\u0000', '\ud83d\ude00', '__proto__', 'constructor']

function randomJson(rng: Prng, depth: number): unknown {
  const kind = depth <= 0 ? rng.int(4) : rng.int(6)
  switch (kind) {
    case 0: return rng.pick([0, -1, 1.5, 1e300, -0, 2 ** 53 + 1, 123456789])
    case 1: return rng.pick(WORDS) + rng.string('abc', rng.int(4))
    case 2: return rng.pick([true, false, null])
    case 3: return ''
    case 4: return Array.from({ length: rng.int(5) }, () => randomJson(rng, depth - 1))
    default: {
      const object: Record<string, unknown> = {}
      for (let i = rng.int(5); i > 0; i--) object[rng.pick(WORDS.filter((w) => w !== '__proto__'))] = randomJson(rng, depth - 1)
      return object
    }
  }
}

function randomForm(rng: Prng): string {
  const fields: string[] = []
  for (let i = rng.between(1, 6); i > 0; i--) {
    fields.push(`${encodeURIComponent(rng.pick(WORDS))}=${encodeURIComponent(String(randomJson(rng, 0)))}`)
  }
  return fields.join('&')
}

/** A valid body for a route of `kind`. */
export function validBody(rng: Prng, kind: BodyKind): Buffer {
  switch (kind) {
    case 'json': return Buffer.from(JSON.stringify(randomJson(rng, 3)), 'utf8')
    case 'form': return Buffer.from(randomForm(rng), 'latin1')
    case 'text': return Buffer.from(rng.pick(WORDS).repeat(rng.length(200)), 'utf8')
    case 'buffer': return rng.bytes(rng.length(2000))
  }
}

function lengthLine(length: number): string {
  return `Content-Length: ${length}`
}

/** A correctly framed body of `kind` with its Content-Type. */
export function framedBody(rng: Prng, kind: BodyKind, bytes: Buffer = validBody(rng, kind)): Body {
  return { lines: [`Content-Type: ${CONTENT_TYPES[kind]}`, lengthLine(bytes.length)], bytes, framed: true, how: 'valid' }
}

/** Encodes `bytes` with chunked transfer coding, in random chunk sizes, with extensions and trailers now and then. */
function chunked(rng: Prng, bytes: Buffer): Buffer {
  const parts: Buffer[] = []
  let at = 0
  while (at < bytes.length) {
    const size = Math.min(bytes.length - at, rng.between(1, 4096))
    const extension = rng.chance(0.1) ? ';ext=1' : ''
    parts.push(Buffer.from(`${size.toString(16)}${extension}\r\n`, 'latin1'), bytes.subarray(at, at + size), Buffer.from('\r\n'))
    at += size
  }
  parts.push(Buffer.from(rng.chance(0.1) ? '0\r\nX-Trailer: t\r\n\r\n' : '0\r\n\r\n', 'latin1'))
  return Buffer.concat(parts)
}

const INVALID_JSON = [
  '{', '[1,2', '{"a":1,}', "{'a':1}", 'NaN', '{"a":}', '\ufeff{"a":1}', '"\u0001"', '01', '-', '1e999999', '', '   ',
  '{"a":1}{"b":2}', '[1,]', 'undefined', '{"a" 1}', '"\\x41"', '"\\ud800"', 'nul', 'true false', '{"a":1}\u0000',
  '{"__proto__":', '[[[[', '"unterminated', '{"a":"\n"}',
]

const PROTO_JSON = [
  '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}', '[{"__proto__":{"polluted":1}}]',
  '{"__proto__":null}', '{"__proto__":[]}', '{"a":{"__proto__":{"toString":1}}}', '{"__proto__":{"__proto__":{"x":1}}}',
  '{"hasOwnProperty":1,"toString":2,"valueOf":3}',
]

const PROTO_FORMS = [
  '__proto__[polluted]=1', '__proto__=x&__proto__=y', 'constructor[prototype][polluted]=1', 'toString=1&hasOwnProperty=2',
  '__proto__.polluted=1', 'a[__proto__][b]=1',
]

const ODD_FORMS = ['%zz=%', '&&&', '=', 'a', 'a=1&a=2&a=3', '+=+&%2B=%2B', 'a=%E0%A4%A', `${'a=1&'.repeat(5000)}`, utf8Bytes('é=ü&日本=語'), '%00=%00']

const ODD_TYPES = [
  'application/json; charset=utf-16', 'APPLICATION/JSON', 'application/ld+json', 'application/json;;;', 'application/json, text/plain',
  '', ';', 'multipart/form-data; boundary=x', 'text/html', 'application/x-www-form-urlencoded; charset=latin1', 'json',
  '*/*', 'application/', '/json', ' application/json ', 'application/json\x00',
]

function deepJson(rng: Prng): string {
  const depth = rng.pick([100, 1000, 10_000, 100_000, 400_000])
  return rng.chance(0.5) ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)
}

/** A body meant for a route of `kind`, broken in one of many ways. `limit` is that route's body limit. */
export function brokenBody(rng: Prng, kind: BodyKind, limit: number): Body {
  const typed = (text: string, type = CONTENT_TYPES[kind]): Body => {
    const bytes = Buffer.from(text, 'latin1')
    return { lines: [`Content-Type: ${type}`, lengthLine(bytes.length)], bytes, framed: true, how: '' }
  }
  const named = (body: Body, how: string): Body => ({ ...body, how })
  const good = (): Buffer => validBody(rng, kind)
  const mutation = rng.weighted<string>([
    [3, 'wrong-type'], [3, 'odd-type'], [1, 'no-type'], [4, 'invalid-json'], [2, 'deep-json'], [3, 'proto-json'],
    [3, 'proto-form'], [3, 'odd-form'], [3, 'length-too-long'], [3, 'length-too-short'], [1, 'length-zero'],
    [3, 'chunked-ok'], [4, 'chunked-bad'], [2, 'over-limit'], [1, 'declared-over-limit'], [1, 'empty'],
    [1, 'unicode-text'],
  ])
  switch (mutation) {
    case 'wrong-type': {
      const others = (Object.keys(CONTENT_TYPES) as BodyKind[]).filter((k) => k !== kind)
      const bytes = good()
      return { lines: [`Content-Type: ${CONTENT_TYPES[rng.pick(others)]}`, lengthLine(bytes.length)], bytes, framed: true, how: mutation }
    }
    case 'odd-type': {
      const bytes = good()
      return { lines: [`Content-Type: ${rng.pick(ODD_TYPES)}`, lengthLine(bytes.length)], bytes, framed: true, how: mutation }
    }
    case 'no-type': {
      const bytes = good()
      return { lines: [lengthLine(bytes.length)], bytes, framed: true, how: mutation }
    }
    case 'invalid-json': return named(typed(utf8Bytes(rng.pick(INVALID_JSON)), 'application/json'), mutation)
    case 'deep-json': return named(typed(deepJson(rng), 'application/json'), mutation)
    case 'proto-json': return named(typed(rng.pick(PROTO_JSON), 'application/json'), mutation)
    case 'proto-form': return named(typed(rng.pick(PROTO_FORMS), CONTENT_TYPES.form), mutation)
    case 'odd-form': return named(typed(rng.pick(ODD_FORMS), CONTENT_TYPES.form), mutation)
    case 'length-too-long': {
      const bytes = good()
      return { lines: [`Content-Type: ${CONTENT_TYPES[kind]}`, lengthLine(bytes.length + rng.between(1, 1000))], bytes, framed: false, how: mutation }
    }
    case 'length-too-short': {
      const bytes = good()
      if (bytes.length === 0) return { lines: [`Content-Type: ${CONTENT_TYPES[kind]}`, lengthLine(0)], bytes: Buffer.from('GARBAGE'), framed: true, how: mutation }
      return { lines: [`Content-Type: ${CONTENT_TYPES[kind]}`, lengthLine(rng.int(bytes.length))], bytes, framed: true, how: mutation }
    }
    case 'length-zero': return { lines: [`Content-Type: ${CONTENT_TYPES[kind]}`, lengthLine(0)], bytes: good(), framed: true, how: mutation }
    case 'chunked-ok': return { lines: [`Content-Type: ${CONTENT_TYPES[kind]}`, 'Transfer-Encoding: chunked'], bytes: chunked(rng, good()), framed: true, how: mutation }
    case 'chunked-bad': return { lines: [`Content-Type: ${CONTENT_TYPES[kind]}`, 'Transfer-Encoding: chunked'], bytes: badChunks(rng, good()), framed: false, how: mutation }
    case 'over-limit': {
      const size = limit + rng.pick([1, 100, 64 * 1024])
      const bytes = Buffer.alloc(size, kind === 'json' ? ' ' : 'a')
      if (rng.chance(0.3)) return { lines: [`Content-Type: ${CONTENT_TYPES[kind]}`, 'Transfer-Encoding: chunked'], bytes: chunked(rng, bytes), framed: true, how: `${mutation}-chunked` }
      return { lines: [`Content-Type: ${CONTENT_TYPES[kind]}`, lengthLine(size)], bytes, framed: true, how: mutation }
    }
    case 'declared-over-limit': {
      const declared = rng.pick([limit + 1, 2 ** 31, 2 ** 53 - 1, 10 ** 15])
      return { lines: [`Content-Type: ${CONTENT_TYPES[kind]}`, lengthLine(declared)], bytes: Buffer.from('{}'), framed: false, how: mutation }
    }
    case 'empty': return { lines: [`Content-Type: ${CONTENT_TYPES[kind]}`], bytes: Buffer.alloc(0), framed: true, how: mutation }
    default: return named(typed(utf8Bytes('\ud83d\ude00 é \u202e \ufeff'), CONTENT_TYPES[kind]), 'unicode-text')
  }
}

/** Chunked coding broken in one way: bad sizes, missing line ends, sizes that lie, no last chunk. */
function badChunks(rng: Prng, bytes: Buffer): Buffer {
  const data = bytes.length === 0 ? Buffer.from('x') : bytes
  const size = data.length.toString(16)
  const text = (s: string): Buffer => Buffer.from(s, 'latin1')
  return rng.weighted<Buffer>([
    [1, Buffer.concat([text('zz\r\n'), data, text('\r\n0\r\n\r\n')])],
    [1, Buffer.concat([text(` ${size} \r\n`), data, text('\r\n0\r\n\r\n')])],
    [1, Buffer.concat([text(`${size}\r\n`), data, text('0\r\n\r\n')])],
    [1, Buffer.concat([text(`${(data.length + 5).toString(16)}\r\n`), data, text('\r\n0\r\n\r\n')])],
    [1, Buffer.concat([text(`${Math.max(0, data.length - 1).toString(16)}\r\n`), data, text('\r\n0\r\n\r\n')])],
    [1, Buffer.concat([text('ffffffffffffffffff\r\n'), data, text('\r\n0\r\n\r\n')])],
    [1, Buffer.concat([text('-1\r\n'), data, text('\r\n0\r\n\r\n')])],
    [1, Buffer.concat([text(`${size}\r\n`), data, text('\r\n')])],
    [1, Buffer.concat([text(`${size}\r\n`), data, text('\r\n0\r\n')])],
    [1, Buffer.concat([text(`${size}\n`), data, text('\n0\n\n')])],
    [1, Buffer.concat([text(`${size};${'e'.repeat(20_000)}\r\n`), data, text('\r\n0\r\n\r\n')])],
    [1, Buffer.concat([text(`${size}\r\n`), data, text('\r\n0\r\nBad Trailer\r\n\r\n')])],
    [1, Buffer.concat([text('0x10\r\n'), data, text('\r\n0\r\n\r\n')])],
  ])
}
