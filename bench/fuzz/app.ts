// The app the fuzzer attacks: a bit of everything routechain does, each route small and predictable, so any
// 5xx that is not the deliberate one, or a session that loads from a tampered cookie, is routechain's doing.
//
//   GET  /                                  text
//   GET  /users/:id                         a param
//   GET  /users/:id/files/*                 a param and a wildcard
//   GET  /range/:from-:to                   two params in one segment
//   GET  /number/:n(^\d+$)                  a regex param
//   GET  /query                             parses the query string
//   GET  /cookies                           parses the Cookie header
//   GET  /stream?n=N                        a streamed (chunked) response of N chunks
//   GET  /boom, /boom/async                 throw a DeliberateError: their 500s are meant
//   POST|PUT|PATCH /echo/json               req.json()
//   POST /echo/form                         req.form()
//   POST /echo/text                         req.text()
//   POST /echo/buffer                       req.buffer()
//   POST /limited                           req.text() under a 64-byte bodyLimit
//   POST /session/login                     writes a new session { user, visits }
//   POST /session/visit                     changes the session the cookie holds (401 without one)
//   GET  /session/check                     { loaded, user }: did the cookie load an existing session?
//   POST /session/logout                    invalidates the session (the cookie is cleared)
//   (these session routes and /api/whoami say "loaded" or "fresh" in the x-fuzz-session header)
//   /api (mounted, with its own use steps: a gate and a session loader)
//     GET  /api/users/:userId/posts/:postId
//     POST /api/items                       req.json()
//     GET  /api/whoami                      { loaded, user }, from the session the router's use step loaded
//     /api/admin (mounted inside /api, its use step wants "x-admin: yes", else 401)
//       GET /api/admin/stats
//   /t/:tenant (mounted under a param prefix)
//     GET /t/:tenant/docs/:doc
import { Readable } from 'node:stream'
import { setImmediate as nextTurn } from 'node:timers/promises'
import {
  bodyLimit, createApp, defineStep, EncryptedCookieStorage, json, Router, text,
  type App, type FormFields, type Logger, type Reply, type Session,
} from '../../src/index.js'
import { DeliberateError } from './log-counter.js'

/** The session cookie's name. */
export const SESSION_COOKIE = 'session'

/** The header the target adds to the 500 of a DeliberateError, so the fuzzer can tell it from a real one. */
export const MEANT_HEADER = 'x-fuzz-meant'

/**
 * The header the session routes answer with: "loaded" when the request's cookie loaded an existing session,
 * "fresh" when it did not. The fuzzer checks every "loaded" against the cookies the request carried.
 */
export const SESSION_HEADER = 'x-fuzz-session'

/** What the target keeps in a session. */
export interface FuzzSession {
  user: string
  visits: number
}

/** What `/session/check` and `/api/whoami` answer. */
export interface SessionCheck {
  /** The cookie loaded an existing session (false: a fresh, empty one). */
  loaded: boolean
  user: string | null
}

/** What the target counts itself, beside what its logger sees. */
export interface TargetCounters {
  /** Requests that reached the app's chain (parser-level rejections never do). */
  requests: number
  /** Path characters, query fields and cookies the app read from them, all told. */
  parsedFields: number
}

/** Shape and size of a parsed JSON value, measured without recursion (the value may be very deep). */
interface JsonSummary {
  type: string
  depth: number
  nodes: number
  /** Some object in it has an own "__proto__" key. */
  protoKey: boolean
}

function summariseJson(value: unknown): JsonSummary {
  const summary: JsonSummary = { type: Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value, depth: 0, nodes: 0, protoKey: false }
  const stack: [unknown, number][] = [[value, 1]]
  while (stack.length > 0) {
    const [item, depth] = stack.pop() as [unknown, number]
    summary.nodes++
    if (depth > summary.depth) summary.depth = depth
    if (item === null || typeof item !== 'object') continue
    if (Object.prototype.hasOwnProperty.call(item, '__proto__')) summary.protoKey = true
    for (const child of Object.values(item)) stack.push([child, depth + 1])
  }
  return summary
}

function summariseForm(fields: FormFields): { fields: number; values: number } {
  let values = 0
  const names = Object.keys(fields)
  for (const name of names) {
    const value = fields[name]
    values += Array.isArray(value) ? value.length : 1
  }
  return { fields: names.length, values }
}

function firstOf(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

function checkOf(session: Session<FuzzSession>): Reply {
  const check: SessionCheck = { loaded: !session.isNew, user: session.get('user') ?? null }
  return json(check, { headers: { [SESSION_HEADER]: check.loaded ? 'loaded' : 'fresh' } })
}

/** Fails the request with a real (unexpected) 500 if anything managed to pollute Object.prototype. */
function assertPrototypeClean(): void {
  for (const key in {}) throw new Error(`Object.prototype was polluted with "${key}"`)
}

/**
 * Builds the fuzz target: sessions in encrypted cookies under `key`, and every route above. The app's
 * onion step parses every request's path, query and cookies, marks the 500s of a DeliberateError with
 * {@link MEANT_HEADER}, and fails with a real 500 should Object.prototype ever be polluted.
 */
export function buildTargetApp(key: string, logger: Logger): { app: App; counters: TargetCounters } {
  const counters: TargetCounters = { requests: 0, parsedFields: 0 }
  let logins = 0
  const app = createApp({ logger, session: { storage: new EncryptedCookieStorage(key), cookie: { name: SESSION_COOKIE } } })

  app.use(async function markDeliberate(req, next) {
    counters.requests++
    // every request's path, query string and cookies are parsed, whatever it reaches (404 and 405 too)
    counters.parsedFields += req.path.length + Object.keys(req.query).length + Object.keys(req.cookies).length
    const reply = await next()
    if (reply.error instanceof DeliberateError) reply.header(MEANT_HEADER, '1')
    assertPrototypeClean()
    return reply
  })

  app.get('/', () => 'fuzz target')
  app.get('/users/:id', (req) => ({ id: req.params.id }))
  app.get('/users/:id/files/*', (req) => ({ id: req.params.id, rest: req.params['*'] }))
  app.get('/range/:from-:to', (req) => ({ from: req.params.from, to: req.params.to }))
  app.get('/number/:n(^\\d+$)', (req) => ({ n: Number(req.params.n) }))
  app.get('/query', (req) => ({ keys: Object.keys(req.query).length }))
  app.get('/cookies', (req) => ({ cookies: Object.keys(req.cookies).length }))
  app.get('/stream', (req) => {
    const asked = Number(firstOf(req.query.n) ?? 4)
    const count = Number.isInteger(asked) ? Math.min(Math.max(asked, 1), 32) : 4
    async function* chunks(): AsyncGenerator<string> {
      for (let i = 0; i < count; i++) {
        yield `chunk ${i}\n`
        await nextTurn()
      }
    }
    return Readable.from(chunks())
  })
  app.get('/boom', function boom() {
    throw new DeliberateError()
  })
  app.get('/boom/async', async function boomAsync() {
    await nextTurn()
    throw new DeliberateError()
  })

  app.route(['POST', 'PUT', 'PATCH'], '/echo/json', async (req) => summariseJson(await req.json()))
  app.post('/echo/form', async (req) => summariseForm(await req.form()))
  app.post('/echo/text', async (req) => ({ length: (await req.text()).length }))
  app.post('/echo/buffer', async (req) => {
    const bytes = await req.buffer()
    return { bytes: bytes.length, first: bytes[0] ?? null }
  })
  app.post('/limited', bodyLimit(64), async (req) => ({ length: (await req.text()).length }))

  app.post('/session/login', async (req) => {
    const session = await req.session<FuzzSession>()
    session.regenerate()
    const user = `user-${++logins}`
    session.set('user', user)
    session.set('visits', 0)
    return { user }
  })
  app.post('/session/visit', async (req) => {
    const session = await req.session<FuzzSession>()
    if (session.isNew) return text('no session', { status: 401, headers: { [SESSION_HEADER]: 'fresh' } })
    session.set('visits', (session.get('visits') ?? 0) + 1)
    return json({ visits: session.get('visits') }, { headers: { [SESSION_HEADER]: 'loaded' } })
  })
  app.get('/session/check', async (req) => checkOf(await req.session<FuzzSession>()))
  app.post('/session/logout', async (req) => {
    const session = await req.session<FuzzSession>()
    const loaded = !session.isNew
    session.invalidate()
    return json({ loggedOut: loaded }, { headers: { [SESSION_HEADER]: loaded ? 'loaded' : 'fresh' } })
  })

  const loadSession = defineStep<{ fuzzSession: Session<FuzzSession> }>(async function loadSession(req) {
    req.fuzzSession = await req.session<FuzzSession>()
  })
  const api = new Router() // mounted as it is; its routes go on the typed result of use()
  const apiRoutes = api
    .use(function apiGate(req) {
      if (req.headers['x-api-refuse'] !== undefined) return text('refused by the api gate', { status: 403 })
      return undefined
    })
    .use(loadSession)
  apiRoutes.get('/users/:userId/posts/:postId', (req) => ({ user: req.params.userId, post: req.params.postId }))
  apiRoutes.post('/items', async (req) => summariseJson(await req.json()))
  apiRoutes.get('/whoami', (req) => checkOf(req.fuzzSession))
  const admin = new Router().use(function requireAdmin(req) {
    if (req.headers['x-admin'] !== 'yes') return text('admins only', { status: 401 })
    return undefined
  })
  admin.get('/stats', () => ({ ok: true }))
  api.mount('/admin', admin)
  app.mount('/api', api)

  app.mount('/t/:tenant', (tenant) => tenant.get('/docs/:doc', (req) => ({ tenant: req.params.tenant, doc: req.params.doc })))

  return { app, counters }
}
