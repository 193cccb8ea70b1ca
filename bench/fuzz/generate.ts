// The request generator: request #i of a run is built from a generator seeded with the run's seed and i,
// so a run (or one request of it) can be replayed with --seed. Each request starts from a valid request to
// one of the target's routes, then gets the mutations of its category, sometimes one more of another.
import { SESSION_COOKIE } from './app.js'
import { BODY_LIMIT, brokenBody, framedBody, type BodyKind } from './bodies.js'
import { garbageCookieHeader, sessionCookieHeaders, tamperToken } from './cookie.js'
import { mutateHeaders } from './mutate-headers.js'
import { mutateMethod, mutatePath, mutateVersion } from './mutate-line.js'
import { Prng } from './prng.js'

/** The kinds of request the generator makes; every request belongs to one. */
export const CATEGORIES = ['valid', 'line', 'headers', 'cookies', 'session', 'body', 'bytes'] as const
/** One of {@link CATEGORIES}. */
export type Category = (typeof CATEGORIES)[number]

/** What the generator needs to know of the run. */
export interface GenerateContext {
  /** The run's seed, hashed (see `hashSeed`). */
  readonly seed: number
  /** Genuine session cookie values the target issued, to send and to tamper with. */
  readonly tokens: readonly string[]
}

/** One request, ready to send. */
export interface FuzzRequest {
  readonly index: number
  readonly category: Category
  /** The category and the mutations applied, e.g. "headers:oversized+path:dot-segments". */
  readonly label: string
  readonly bytes: Buffer
  /** The message is complete and unambiguously framed: the server owes it an answer (or a close). */
  readonly framed: boolean
  /** Sent as HEAD: the response has no body. */
  readonly head: boolean
  /** Half-close the connection once the bytes are written. */
  readonly halfClose: boolean
  /** Offsets at which the bytes are split over several writes. */
  readonly splits: readonly number[]
}

/** A valid request to one route, before mutation. */
interface Base {
  method: string
  path: string
  body?: BodyKind
  /** The route's body limit when it is not the app's. */
  limit?: number
  /** The route reads the session. */
  session?: boolean
  extra?: string[]
}

/** A request being built. Strings are binary (one character per byte). */
interface Draft {
  method: string
  target: string
  version: string
  lines: string[]
  body: Buffer
  framed: boolean
  lineEnd: string
  labels: string[]
  /** Bytes sent after the request (a second, pipelined request or garbage). */
  after: Buffer
}

const SEGMENT = 'abcdefghijklmnopqrstuvwxyz0123456789-_.~'

function segment(rng: Prng): string {
  return rng.string(SEGMENT, rng.between(1, 12))
}

function pickBase(rng: Prng, want?: 'body' | 'session'): Base {
  const bodyRoutes: (readonly [number, Base])[] = [
    [3, { method: 'POST', path: '/echo/json', body: 'json' }],
    [1, { method: rng.pick(['PUT', 'PATCH']), path: '/echo/json', body: 'json' }],
    [3, { method: 'POST', path: '/echo/form', body: 'form' }],
    [2, { method: 'POST', path: '/echo/text', body: 'text' }],
    [2, { method: 'POST', path: '/echo/buffer', body: 'buffer' }],
    [2, { method: 'POST', path: '/limited', body: 'text', limit: 64 }],
    [2, { method: 'POST', path: '/api/items', body: 'json', session: true }],
  ]
  const sessionRoutes: (readonly [number, Base])[] = [
    [3, { method: 'GET', path: '/session/check', session: true }],
    [3, { method: 'GET', path: '/api/whoami', session: true }],
    [2, { method: 'POST', path: '/session/visit', session: true }],
    [1, { method: 'POST', path: '/session/logout', session: true }],
  ]
  if (want === 'body') return rng.weighted(bodyRoutes)
  if (want === 'session') return rng.weighted(sessionRoutes)
  return rng.weighted<Base>([
    ...bodyRoutes,
    ...sessionRoutes,
    [3, { method: 'GET', path: '/' }],
    [3, { method: 'GET', path: `/users/${segment(rng)}` }],
    [2, { method: 'GET', path: `/users/${segment(rng)}/files/${segment(rng)}/${segment(rng)}` }],
    [2, { method: 'GET', path: `/range/${rng.int(100)}-${rng.int(100)}` }],
    [2, { method: 'GET', path: `/number/${rng.chance(0.8) ? rng.int(1e6) : segment(rng)}` }],
    [2, { method: 'GET', path: `/query?a=${segment(rng)}&b=${rng.int(10)}&a=2` }],
    [2, { method: 'GET', path: '/cookies', extra: [`Cookie: a=${segment(rng)}; b="${segment(rng)}"`] }],
    [2, { method: 'GET', path: `/stream?n=${rng.between(1, 40)}` }],
    [2, { method: 'GET', path: '/boom' }],
    [1, { method: 'GET', path: '/boom/async' }],
    [1, { method: 'POST', path: '/session/login' }],
    [2, { method: 'GET', path: `/api/users/${segment(rng)}/posts/${rng.int(1000)}`, session: true }],
    [1, { method: 'GET', path: '/api/admin/stats', extra: ['X-Admin: yes'], session: true }],
    [2, { method: 'GET', path: `/t/${segment(rng)}/docs/${segment(rng)}` }],
    [1, { method: 'GET', path: `/${segment(rng)}` }],
    [1, { method: 'OPTIONS', path: rng.pick(['*', '/users/1', '/echo/json']) }],
    [1, { method: 'HEAD', path: rng.pick(['/', '/stream', '/boom', '/users/1']) }],
    [1, { method: 'DELETE', path: '/' }],
  ])
}

function genuineCookieLine(rng: Prng, context: GenerateContext): string[] {
  return context.tokens.length === 0 ? [] : [`Cookie: ${SESSION_COOKIE}=${rng.pick(context.tokens)}`]
}

function draftOf(rng: Prng, context: GenerateContext, base: Base, brokenBodyWanted: boolean): Draft {
  const draft: Draft = {
    method: base.method, target: base.path, version: 'HTTP/1.1', lines: ['Host: 127.0.0.1'], body: Buffer.alloc(0),
    framed: true, lineEnd: '\r\n', labels: [], after: Buffer.alloc(0),
  }
  if (rng.chance(0.4)) draft.lines.push('Connection: close')
  draft.lines.push(...(base.extra ?? []))
  if (base.session === true && rng.chance(0.6)) draft.lines.push(...genuineCookieLine(rng, context))
  if (base.body !== undefined) {
    const body = brokenBodyWanted ? brokenBody(rng, base.body, base.limit ?? BODY_LIMIT) : framedBody(rng, base.body)
    draft.lines.push(...body.lines)
    draft.body = body.bytes
    draft.framed = body.framed
    if (brokenBodyWanted) draft.labels.push(`body:${body.how}`)
  }
  return draft
}

function mutateLine(rng: Prng, draft: Draft): void {
  const part = rng.weighted<'method' | 'path' | 'version' | 'all'>([[3, 'method'], [6, 'path'], [2, 'version'], [1, 'all']])
  if (part === 'method' || part === 'all') {
    const m = mutateMethod(rng, draft.method)
    draft.method = m.value
    draft.labels.push(`method:${m.how}`)
  }
  if (part === 'path' || part === 'all') {
    const m = mutatePath(rng, draft.target)
    draft.target = m.value
    draft.labels.push(`path:${m.how}`)
  }
  if (part === 'version' || part === 'all') {
    const m = mutateVersion(rng)
    draft.version = m.value
    draft.framed &&= m.framed
    draft.labels.push(`version:${m.how}`)
  }
}

function mutateHeaderLines(rng: Prng, draft: Draft): void {
  const m = mutateHeaders(rng, draft.lines, draft.body.length > 0)
  draft.lines = m.value
  draft.framed &&= m.framed
  draft.labels.push(`headers:${m.how}`)
}

function addGarbageCookies(rng: Prng, context: GenerateContext, draft: Draft): void {
  const count = rng.weighted([[6, 1], [2, 2], [1, 3]])
  const hows: string[] = []
  for (let i = 0; i < count; i++) {
    const garbage = garbageCookieHeader(rng, SESSION_COOKIE)
    draft.lines.push(`Cookie: ${garbage.header}`)
    hows.push(garbage.how)
  }
  if (rng.chance(0.2)) {
    draft.lines.push(...genuineCookieLine(rng, context))
    hows.push('plus-genuine')
  }
  draft.labels.push(`cookies:${hows.join(',')}`)
}

function addSessionProbe(rng: Prng, context: GenerateContext, draft: Draft): void {
  draft.lines = draft.lines.filter((line) => !line.toLowerCase().startsWith('cookie:'))
  const genuine = context.tokens.length === 0 ? undefined : rng.pick(context.tokens)
  if (genuine === undefined) {
    addGarbageCookies(rng, context, draft)
    return
  }
  const control = rng.chance(0.12)
  const { value, how } = control ? { value: genuine, how: 'genuine' } : tamperToken(rng, genuine, context.tokens)
  const decoy = tamperToken(rng, genuine, context.tokens).value
  const arranged = sessionCookieHeaders(rng, SESSION_COOKIE, value, decoy)
  draft.lines.push(...arranged.headers.map((header) => `Cookie: ${header}`))
  draft.labels.push(`session:${how}@${arranged.how}`)
}

function serialise(draft: Draft): Buffer {
  const requestLine = draft.version === '' ? `${draft.method} ${draft.target}` : `${draft.method} ${draft.target} ${draft.version}`
  const head = [requestLine, ...draft.lines].join(draft.lineEnd) + draft.lineEnd + draft.lineEnd
  return Buffer.concat([Buffer.from(head, 'latin1'), draft.body, draft.after])
}

const TLS_HELLO = Buffer.from('160301002e0100002a0303' + '00'.repeat(32) + '0000020035010000', 'hex')

/** Mutations of the serialised bytes: they change framing, so only some leave the request framed. */
function mutateBytes(rng: Prng, context: GenerateContext, draft: Draft): { bytes: Buffer; framed: boolean; how: string } {
  const kind = rng.weighted<string>([
    [3, 'bare-lf'], [3, 'flip-bytes'], [3, 'truncate'], [2, 'garbage'], [3, 'pipelined'], [1, 'tls-hello'],
    [1, 'http2-preface'], [2, 'leading-blank-lines'], [1, 'nul-in-head'], [1, 'only-request-line'],
  ])
  switch (kind) {
    case 'bare-lf': return { bytes: serialise({ ...draft, lineEnd: '\n' }), framed: false, how: kind }
    case 'flip-bytes': {
      const bytes = Buffer.from(serialise(draft))
      const headLength = Math.max(1, bytes.indexOf('\r\n\r\n'))
      for (let i = rng.between(1, 5); i > 0; i--) {
        const at = rng.int(headLength)
        bytes[at] = (bytes[at] as number) ^ (1 << rng.int(8))
      }
      return { bytes, framed: false, how: kind }
    }
    case 'truncate': {
      const bytes = serialise(draft)
      return { bytes: bytes.subarray(0, rng.int(bytes.length)), framed: false, how: kind }
    }
    case 'garbage': return { bytes: rng.bytes(rng.between(1, 2000)), framed: false, how: kind }
    case 'pipelined': {
      // a second request after the first: the first is answered as usual, whatever the second does
      const second = draftOf(rng, context, pickBase(rng), rng.chance(0.5))
      if (rng.chance(0.5)) mutateLine(rng, second)
      const tail = rng.chance(0.3) ? rng.bytes(rng.between(1, 200)) : serialise(second)
      return { bytes: serialise({ ...draft, after: tail }), framed: draft.framed, how: kind }
    }
    case 'tls-hello': return { bytes: TLS_HELLO, framed: false, how: kind }
    case 'http2-preface': return { bytes: Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), framed: false, how: kind }
    case 'leading-blank-lines': return { bytes: Buffer.concat([Buffer.from('\r\n'.repeat(rng.between(1, 3))), serialise(draft)]), framed: false, how: kind }
    case 'nul-in-head': {
      const bytes = serialise(draft)
      const at = rng.int(Math.max(1, bytes.indexOf('\r\n\r\n')))
      return { bytes: Buffer.concat([bytes.subarray(0, at), Buffer.from([0]), bytes.subarray(at)]), framed: false, how: kind }
    }
    default: return { bytes: Buffer.from(`${draft.method} ${draft.target} HTTP/1.1\r\n`, 'latin1'), framed: false, how: 'only-request-line' }
  }
}

function applyCategory(rng: Prng, context: GenerateContext, draft: Draft, category: Category): void {
  switch (category) {
    case 'line': return mutateLine(rng, draft)
    case 'headers': return mutateHeaderLines(rng, draft)
    case 'cookies': return addGarbageCookies(rng, context, draft)
    case 'session': return addSessionProbe(rng, context, draft)
    default: return undefined // valid and body need nothing more; bytes are mutated after serialising
  }
}

/** Builds request number `index` of the run described by `context`. The same inputs give the same bytes. */
export function generateRequest(context: GenerateContext, index: number): FuzzRequest {
  const rng = Prng.forRequest(context.seed, index)
  const category = rng.weighted<Category>([[20, 'valid'], [14, 'line'], [16, 'headers'], [10, 'cookies'], [16, 'session'], [16, 'body'], [8, 'bytes']])
  const base = pickBase(rng, category === 'body' ? 'body' : category === 'session' ? 'session' : undefined)
  const draft = draftOf(rng, context, base, category === 'body')
  applyCategory(rng, context, draft, category)
  // now and then, a second mutation from another category on top
  if (category !== 'valid' && category !== 'bytes' && rng.chance(0.15)) {
    applyCategory(rng, context, draft, rng.pick(['line', 'headers', 'cookies', 'session'] as const))
  }
  let bytes: Buffer
  let framed = draft.framed
  if (category === 'bytes') {
    const mutated = mutateBytes(rng, context, draft)
    bytes = mutated.bytes
    framed = mutated.framed
    draft.labels.push(`bytes:${mutated.how}`)
  } else {
    bytes = serialise(draft)
  }
  const splits = rng.chance(0.2) ? Array.from({ length: rng.between(1, 3) }, () => rng.int(bytes.length)).sort((a, b) => a - b) : []
  return {
    index,
    category,
    label: [category, ...draft.labels].join(' '),
    bytes,
    framed,
    head: draft.method === 'HEAD',
    halfClose: framed ? rng.chance(0.03) : rng.chance(0.6),
    splits,
  }
}
