// Shared by the aiohttp_session interop tests (interop.test.ts, redis-interop.test.ts): the routechain side,
// with the same routes as tests/_helpers/aiohttp_app.py, and the data both sides exchange.
import * as assert from 'uvu/assert'
import { createApp, json, type App, type RouteRequest, type Session, type SessionStorage } from '../../src/index.js'
import { recordingLogger, serve, type TestServer } from '../_helpers/http.js'

/** aiohttp_session's default cookie name, used on both sides. */
export const COOKIE = 'AIOHTTP_SESSION'

export const ALICE = { user: 'alice', n: 1, unicode: 'héllo ✓' }
// what cookie quoting and JSON escaping must both survive: , ; " \ / = spaces, a control, Latin-1, BMP and astral
export const TRICKY = { tricky: 'a;b,c "q" \\back\\ /sl=ash\t é ✓ 😀', nested: { list: [1, 'two', null, true], empty: {} } }

/** `/set?data=…` for an object of values. */
export function setPath(data: Record<string, unknown>): string {
  return `/set?data=${encodeURIComponent(JSON.stringify(data))}`
}

/** The first value of a query parameter. */
export function field(req: RouteRequest, name: string): string | undefined {
  const value = req.query[name]
  return Array.isArray(value) ? value[0] : value
}

export type Data = Record<string, unknown>

/** The session, typed explicitly (an app-wide SessionData augmentation elsewhere cannot change it). */
export function open(req: RouteRequest): Promise<Session<Data>> {
  return req.session<Data>()
}

/** The answer of every route: the session after the request, as the Python app answers too. */
export function describe(session: Session<Data>) {
  return json({ new: session.isNew, created: session.createdAt, data: session.toJSON() })
}

export interface RoutechainServer extends TestServer {
  /** What routechain logged: an `error` line here means a request failed. */
  readonly logLines: string[]
}

/**
 * Serves routechain with `storage` under the cookie name {@link COOKIE} and the Python app's routes (/get, /set,
 * /del, /invalidate); `more` adds routes of a test's own before it listens; `maxAge` is the session option.
 */
export async function startRoutechain(storage: SessionStorage, more?: (app: App) => void, maxAge?: number | null): Promise<RoutechainServer> {
  const { lines, logger } = recordingLogger()
  const app = createApp({ logger, session: { storage, cookie: { name: COOKIE }, ...(maxAge === undefined ? {} : { maxAge }) } })
  app.get('/get', async (req) => describe(await open(req)))
  app.get('/set', async (req) => {
    const session = await open(req)
    const data = field(req, 'data')
    const key = field(req, 'key')
    if (data !== undefined) {
      for (const [k, v] of Object.entries(JSON.parse(data) as Data)) session.set(k, v)
    } else if (key !== undefined && field(req, 'json') !== undefined) {
      session.set(key, JSON.parse(field(req, 'json') as string))
    } else if (key !== undefined && field(req, 'value') !== undefined) {
      session.set(key, field(req, 'value'))
    } else {
      return json({ error: 'give key and value, key and json, or data' }, { status: 400 })
    }
    return describe(session)
  })
  app.get('/del', async (req) => {
    const session = await open(req)
    session.delete(field(req, 'key') ?? '')
    return describe(session)
  })
  app.get('/invalidate', async (req) => {
    const session = await open(req)
    session.invalidate()
    return describe(session)
  })
  more?.(app)
  const server = await serve(app)
  return Object.assign(server, { logLines: lines })
}

export function noErrors(rc: RoutechainServer): void {
  assert.equal(rc.logLines.filter((line) => line.startsWith('error')), [], 'routechain logged errors')
}
