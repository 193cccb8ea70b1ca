// Shared by the tests of the server-side storages over HTTP (server-storage.test.ts, memory.test.ts,
// redis.test.ts): an app with the routes they use, and requests held open between loading their session and
// changing it.
import * as assert from 'uvu/assert'
import { createApp, type App, type Logger, type SessionOptions, type SessionStorage } from '../../src/index.js'
import { deferred, within } from '../_helpers/async.js'
import type { TestResponse } from '../_helpers/http.js'
import { quiet, sessionOf, type Data } from './_support.js'

/** How long a held request may take to load its session, or any request to answer, before a test calls it hung. */
export const BOUND = 3000

/**
 * Requests held between loading their session and changing it: the route signals `loaded`, then waits for
 * `release`, so a test can make two requests load before either saves, or change the record meanwhile.
 */
export class Holds {
  readonly #held = new Map<string, { loaded: ReturnType<typeof deferred>; release: ReturnType<typeof deferred> }>()

  /** Holds the request named `name`; loaded resolves once it has its session. */
  hold(name: string): { loaded: Promise<void>; release(): void } {
    const entry = { loaded: deferred(), release: deferred() }
    this.#held.set(name, entry)
    return { loaded: within(entry.loaded.promise, BOUND, `request ${name} loading its session`), release: entry.release.resolve }
  }

  /** Called by the route: signals and waits, when the request is held. */
  async arrive(name: string): Promise<void> {
    const entry = this.#held.get(name)
    if (entry === undefined) return
    entry.loaded.resolve()
    await entry.release.promise
  }

  releaseAll(): void {
    for (const entry of this.#held.values()) entry.release.resolve()
  }
}

export interface AppSetup {
  session?: Omit<SessionOptions, 'storage'>
  holds?: Holds
  logger?: Logger
}

/**
 * An app on `storage` with the routes these tests use: GET /plain (no session), GET /whoami (isNew and data),
 * POST /set/:key/:value, POST /remember (user=alice, setMaxAge(60)), POST /logout (invalidate), POST /login
 * (regenerate, user=alice) and POST /hold/:name/:key/:value (held by `holds` between loading and setting).
 */
export function storageApp(storage: SessionStorage, { session = {}, holds = new Holds(), logger = quiet() }: AppSetup = {}): App {
  const app = createApp({ logger, session: { storage, ...session } })
  app.get('/plain', () => 'plain')
  app.get('/whoami', async (req) => {
    const s = await sessionOf(req)
    return { isNew: s.isNew, data: s.toJSON() }
  })
  app.post('/set/:key/:value', async (req) => {
    (await sessionOf(req)).set(req.params.key, req.params.value)
    return 'set'
  })
  app.post('/remember', async (req) => {
    const s = await sessionOf(req)
    s.set('user', 'alice')
    s.setMaxAge(60)
    return 'remembered'
  })
  app.post('/logout', async (req) => {
    (await sessionOf(req)).invalidate()
    return 'out'
  })
  app.post('/login', async (req) => {
    const s = await sessionOf(req)
    s.regenerate()
    s.set('user', 'alice')
    return 'in'
  })
  app.post('/hold/:name/:key/:value', async (req) => {
    const s = await sessionOf(req)
    await holds.arrive(req.params.name)
    s.set(req.params.key, req.params.value)
    return 'held'
  })
  return app
}

/** The /whoami answer; fails unless the status is 200. */
export function body(res: TestResponse): { isNew: boolean; data: Data } {
  assert.is(res.status, 200, res.body)
  return JSON.parse(res.body) as { isNew: boolean; data: Data }
}

/** Fails when a request has not answered within {@link BOUND}. */
export function fetchWithin(promise: Promise<TestResponse>, what: string): Promise<TestResponse> {
  return within(promise, BOUND, what)
}
