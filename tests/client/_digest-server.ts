// The server side of HTTP Digest (RFC 7616) as a routechain app, for the digestAuth() tests. Written apart from
// the client's code: it issues challenges, keeps the nonces it issued, computes the response it expects from
// its own record of the challenge, checks that nc rises, and expires nonces on demand (stale=true).
import { createHash, randomBytes } from 'node:crypto'
import { createApp, json, reply, type App } from '../../src/index.js'
import { serve, type TestServer } from '../_helpers/http.js'

/** One protected area: a path prefix and its realm. */
export interface DigestArea {
  path: string
  realm: string
  /** Sent as `domain` in its challenges. */
  domain?: string
}

/** How the server challenges. */
export interface DigestServerOptions {
  /** user → password */
  users: Record<string, string>
  /** @default [{ path: '/private', realm: 'routechain test' }] */
  areas?: DigestArea[]
  /** The algorithms offered, one challenge each, in order; `null` offers one that names no algorithm. @default ['MD5'] */
  algorithms?: (string | null)[]
  /** Send `qop="auth"`; false is RFC 2069's form. @default true */
  qop?: boolean | string
  /** Several challenges in one header (true) or one header each (false). @default false */
  oneHeader?: boolean
  /** Challenges of other schemes put before the Digest ones, e.g. 'Basic realm="x"'. */
  before?: string[]
  /** Answer successes with Authentication-Info: nextnonce. @default false */
  nextNonce?: boolean
}

/** What the server saw of one request. */
export interface DigestSeen {
  method: string
  url: string
  authorization: string | undefined
  status: number
  /** Why a request with credentials was refused, or 'stale'. */
  refused: string | undefined
}

/** A running digest server. */
export interface DigestServer extends TestServer {
  /** Every request to a protected area, in order. */
  readonly seen: DigestSeen[]
  /** How many 401s it answered. */
  challenges(): number
  /** The nc values of the requests it let through, in order. */
  ncs(): string[]
  /** From now on every nonce issued so far is expired: right credentials on it get 401 stale=true. */
  expireNonces(): void
}

interface Issued {
  realm: string
  algorithm: string | null
  qop: boolean
  opaque: string
  lastNc: number
  expired: boolean
}

const HASHES: Record<string, string> = { 'MD5': 'md5', 'SHA-256': 'sha256', 'SHA-512-256': 'sha512-256' }

/** The Authorization header's fields, parsed on their own here: name=token or name="quoted \" string". */
export function authorizationFields(header: string): Record<string, string> {
  const fields: Record<string, string> = {}
  const body = header.replace(/^Digest\s+/i, '')
  const field = /\s*([a-z0-9-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*(?:,|$)/giy
  let m: RegExpExecArray | null
  while ((m = field.exec(body)) !== null && m[0] !== '') {
    const name = (m[1] as string).toLowerCase()
    fields[name] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] as string)
  }
  return fields
}

function quote(value: string): string {
  return `"${value.replace(/(["\\])/g, '\\$1')}"`
}

function expectedResponse(issued: Issued, nonce: string, f: Record<string, string>, user: string, password: string, method: string): string {
  const name = issued.algorithm ?? 'MD5'
  const session = name.endsWith('-sess')
  const hash = HASHES[session ? name.slice(0, -'-sess'.length) : name]
  if (hash === undefined) throw new Error(`the test server does not know ${name}`)
  const H = (s: string): string => createHash(hash).update(Buffer.from(s, 'utf8')).digest('hex')
  const secret = H([user, issued.realm, password].join(':'))
  const ha1 = session ? H([secret, nonce, f.cnonce].join(':')) : secret
  const ha2 = H([method, f.uri].join(':'))
  return issued.qop
    ? H([ha1, nonce, f.nc, f.cnonce, f.qop, ha2].join(':'))
    : H([ha1, nonce, ha2].join(':'))
}

/** Builds the digest app and its record; `serveDigest` serves it. */
export function digestApp(options: DigestServerOptions): { app: App; state: Omit<DigestServer, keyof TestServer> } {
  const areas = options.areas ?? [{ path: '/private', realm: 'routechain test' }]
  const algorithms = options.algorithms ?? ['MD5']
  const qop = options.qop ?? true
  const nonces = new Map<string, Issued>()
  const seen: DigestSeen[] = []
  const passed: string[] = []

  // a nextnonce keeps the opaque of the challenge it follows
  const issue = (realm: string, algorithm: string | null, opaque = randomBytes(6).toString('hex')): string => {
    const nonce = randomBytes(12).toString('base64')
    nonces.set(nonce, { realm, algorithm, qop: qop !== false, opaque, lastNc: 0, expired: false })
    return nonce
  }

  const challenge = (area: DigestArea, entry: DigestSeen, stale: boolean) => {
    const digests = algorithms.map((algorithm) => {
      const nonce = issue(area.realm, algorithm)
      const issued = nonces.get(nonce) as Issued
      const fields = [`realm=${quote(area.realm)}`]
      if (qop !== false) fields.push(`qop=${quote(qop === true ? 'auth' : qop)}`)
      if (algorithm !== null) fields.push(`algorithm=${algorithm}`)
      fields.push(`nonce=${quote(nonce)}`, `opaque=${quote(issued.opaque)}`)
      if (area.domain !== undefined) fields.push(`domain=${quote(area.domain)}`)
      if (stale) fields.push('stale=true')
      return `Digest ${fields.join(', ')}`
    })
    const all = [...(options.before ?? []), ...digests]
    entry.status = 401
    return reply('authenticate', { status: 401, headers: { 'www-authenticate': options.oneHeader === true ? all.join(', ') : all } })
  }

  const app = createApp({ logger: { error() {}, warn() {}, info() {}, debug() {} } })
  for (const area of areas) {
    const handler = async (req: Parameters<Parameters<App['get']>[1]>[0]) => {
      const authorization = req.headers.authorization
      const entry: DigestSeen = { method: req.method, url: req.url, authorization, status: 0, refused: undefined }
      seen.push(entry)
      const body = await req.text()
      if (authorization === undefined || !/^Digest\s/i.test(authorization)) return challenge(area, entry, false)
      const f = authorizationFields(authorization)
      const refuse = (why: string) => {
        entry.refused = why
        return challenge(area, entry, false)
      }
      const nonce = f.nonce ?? ''
      const issued = nonces.get(nonce)
      if (issued === undefined) return refuse('unknown nonce')
      if (f.realm !== area.realm || issued.realm !== area.realm) return refuse('realm')
      const user = f.username ?? ''
      const password = options.users[user]
      if (password === undefined) return refuse('unknown user')
      if (f.uri !== req.url) return refuse(`uri ${f.uri} is not ${req.url}`)
      if (f.opaque !== issued.opaque) return refuse('opaque')
      if ((f.algorithm ?? 'MD5').toUpperCase() !== (issued.algorithm ?? 'MD5').toUpperCase()) return refuse('algorithm')
      let nc = 0
      if (issued.qop) {
        if (f.qop !== 'auth') return refuse('qop')
        if (!/^[0-9a-f]{8}$/.test(f.nc ?? '')) return refuse('nc format')
        if ((f.cnonce ?? '') === '') return refuse('cnonce')
        nc = Number.parseInt(f.nc as string, 16)
        if (nc <= issued.lastNc) return refuse(`nc ${nc} after ${issued.lastNc}`)
      } else if (f.qop !== undefined || f.nc !== undefined || f.cnonce !== undefined) {
        return refuse('qop fields without qop')
      }
      if (f.response !== expectedResponse(issued, nonce, f, user, password, req.method)) return refuse('response')
      issued.lastNc = nc
      if (issued.expired) {
        entry.refused = 'stale'
        return challenge(area, entry, true)
      }
      entry.status = 200
      passed.push(f.nc ?? '')
      const headers: Record<string, string> = {}
      if (options.nextNonce === true) headers['authentication-info'] = `nextnonce=${quote(issue(area.realm, issued.algorithm, issued.opaque))}, qop=auth`
      return json({ user, method: req.method, url: req.url, algorithm: issued.algorithm, nc: f.nc, body }, { headers })
    }
    app.all(area.path, handler)
    app.all(`${area.path}/*`, handler)
  }
  // a redirect into the first area, for the 401 met after a redirect
  app.all('/to-private', () => reply(null, { status: 307, headers: { location: areas[0]?.path ?? '/' } }))

  const state = {
    seen,
    challenges: () => seen.filter((s) => s.status === 401).length,
    ncs: () => [...passed],
    expireNonces: () => { for (const issued of nonces.values()) issued.expired = true },
  }
  return { app, state }
}

/** Serves a digest app on 127.0.0.1, port 0. */
export async function serveDigest(options: DigestServerOptions): Promise<DigestServer> {
  const { app, state } = digestApp(options)
  const server = await serve(app)
  return Object.assign(server, state)
}
