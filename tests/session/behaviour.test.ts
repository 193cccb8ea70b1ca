// Sessions in an app, over real HTTP: loaded only when a step asks, the same object for the whole request,
// saved before the headers only when changed, and what goes wrong loudly (too large, not configured).
// invalidate(), regenerate() and newSession() are in identity.test.ts; lifetimes and cookies that do not
// load in lifetime.test.ts; the cookie itself in cookie.test.ts.
import { Readable } from 'node:stream'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  createApp,
  EncryptedCookieStorage,
  HttpError,
  NaClCookieStorage,
  redirect,
  Router,
  SimpleCookieStorage,
  type RouteRequest,
  type Session,
  type SessionOptions,
  type SessionStorage,
} from '../../src/index.js'
import { throwsConfig } from '../_helpers/assert.js'
import { recordingLogger, withServer } from '../_helpers/http.js'
import {
  Browser,
  cookieFor,
  cookieStorages,
  CountingStorage,
  dataOf,
  expectCleared,
  expectNoCookie,
  expectSaved,
  KEY,
  quiet,
  sessionOf,
  setCookies,
  withCookie,
  type Data,
} from './_support.js'

// ---------------------------------------------------------------------------------------------------------------
{
  const test = suite('req.session()')

  for (const st of cookieStorages) {
    test(`${st.name}: a route that never calls session() sets no cookie and never touches the storage`, async () => {
      const storage = new CountingStorage(st.make())
      const app = createApp({ logger: quiet(), session: { storage } })
      app.get('/plain', () => 'plain')
      await withServer(app, async (s) => {
        const fresh = await s.fetch('/plain')
        assert.is(fresh.status, 200)
        assert.equal(setCookies(fresh), [])
        const returning = await s.fetch('/plain', withCookie(await cookieFor(st.make(), { user: 'alice' })))
        assert.is(returning.status, 200)
        assert.equal(setCookies(returning), [])
        assert.is(storage.calls, 0, `the storage was called: ${JSON.stringify({ loads: storage.loads.length, saves: storage.saves.length })}`)
      })
    })

    test(`${st.name}: reading a session without changing it sets no cookie and saves nothing`, async () => {
      const storage = new CountingStorage(st.make())
      const app = createApp({ logger: quiet(), session: { storage } })
      app.get('/read', async (req) => {
        const session = await sessionOf(req)
        return { user: session.get('user'), has: session.has('user'), keys: session.keys(), all: session.toJSON(), isNew: session.isNew, created: session.createdAt > 0, maxAge: session.maxAge }
      })
      await withServer(app, async (s) => {
        const res = await s.fetch('/read', withCookie(await cookieFor(st.make(), { user: 'alice' })))
        assert.equal(JSON.parse(res.body), { user: 'alice', has: true, keys: ['user'], all: { user: 'alice' }, isNew: false, created: true, maxAge: 604800 })
        expectNoCookie(res)
        assert.is(storage.loads.length, 1)
        assert.is(storage.saves.length, 0)
        const fresh = await s.fetch('/read')
        assert.is(JSON.parse(fresh.body).isNew, true)
        expectNoCookie(fresh)
        assert.is(storage.saves.length, 0)
      })
    })
  }

  test('returns the same Session object for every call in one request, loading once, and a new one per request', async () => {
    const storage = new CountingStorage(new EncryptedCookieStorage(KEY))
    const seen: Session<Data>[] = []
    const app = createApp({ logger: quiet(), session: { storage } })
    app.use(async (req) => {
      seen.push(await sessionOf(req))
    })
    app.get('/', async (req) => {
      const [a, b] = await Promise.all([sessionOf(req), sessionOf(req)])
      const c = await sessionOf(req)
      return { same: a === b && b === c && c === seen[seen.length - 1] }
    })
    await withServer(app, async (s) => {
      const cookie = withCookie(await cookieFor(new EncryptedCookieStorage(KEY), { a: 1 }))
      assert.equal(JSON.parse((await s.fetch('/', cookie)).body), { same: true })
      assert.equal(JSON.parse((await s.fetch('/', cookie)).body), { same: true })
      assert.is(storage.loads.length, 2, 'the storage should load once per request')
      assert.is(seen.length, 2)
      assert.ok(seen[0] !== seen[1], 'two requests shared one Session object')
    })
  })

  test('without sessions configured: 500, and a log line that says how to configure them', async () => {
    const { lines, logger } = recordingLogger()
    const app = createApp({ logger })
    app.get('/', async (req) => (await sessionOf(req)).get('user') ?? 'nobody')
    await withServer(app, async (s) => {
      const res = await s.fetch('/')
      assert.is(res.status, 500)
      assert.equal(setCookies(res), [])
    })
    const line = lines.find((l) => l.startsWith('error'))
    assert.ok(line !== undefined, `nothing was logged: ${JSON.stringify(lines)}`)
    assert.match(line, /createApp\(\{ session: \{ storage:/)
    assert.match(line, /EncryptedCookieStorage/)
  })

  test('a storage whose load throws answers 503 and logs the cause', async () => {
    const { lines, logger } = recordingLogger()
    const storage: SessionStorage = {
      load() { throw new Error('the session server is down') },
      save() { return 'never' },
    }
    const app = createApp({ logger, session: { storage } })
    app.get('/', async (req) => (await sessionOf(req)).get('user') ?? 'nobody')
    await withServer(app, async (s) => {
      const res = await s.fetch('/', withCookie('some-id'))
      assert.is(res.status, 503)
      assert.equal(setCookies(res), [])
    })
    assert.ok(lines.some((l) => l.startsWith('error') && l.includes('the session server is down')), JSON.stringify(lines))
  })

  test.run()
}

// ---------------------------------------------------------------------------------------------------------------
{
  const test = suite('req.session() from use steps')

  for (const st of cookieStorages) {
    test(`${st.name}: an app-level use step writes the session and the route step reads it, now and next request`, async () => {
      const app = createApp({ logger: quiet(), session: { storage: st.make() } })
      app.use(async (req) => {
        const session = await sessionOf(req)
        session.set('visits', ((session.get('visits') as number | undefined) ?? 0) + 1)
      })
      app.get('/', async (req) => ({ visits: (await sessionOf(req)).get('visits') }))
      await withServer(app, async (s) => {
        const browser = new Browser(s)
        assert.equal(JSON.parse((await browser.fetch('/')).body), { visits: 1 })
        assert.ok(browser.value !== undefined, 'the first response set no cookie')
        assert.equal(JSON.parse((await browser.fetch('/')).body), { visits: 2 })
        assert.equal(JSON.parse((await browser.fetch('/')).body), { visits: 3 })
      })
    })

    test(`${st.name}: a mounted router's use step sees what the app's step wrote, and the route sees both`, async () => {
      const app = createApp({ logger: quiet(), session: { storage: st.make() } })
      const admin = new Router()
      admin.use(async (req) => {
        const session = await sessionOf(req)
        session.set('router', `${String(session.get('app'))}+router`)
      })
      admin.get('/page', async (req) => (await sessionOf(req)).toJSON())
      app.use(async (req) => {
        (await sessionOf(req)).set('app', 'app')
      })
      app.mount('/admin', admin)
      app.get('/other', async (req) => (await sessionOf(req)).toJSON())
      await withServer(app, async (s) => {
        const browser = new Browser(s)
        assert.equal(JSON.parse((await browser.fetch('/admin/page')).body), { app: 'app', router: 'app+router' })
        // another route: the router's step does not run, the saved value is loaded
        assert.equal(JSON.parse((await browser.fetch('/other')).body), { app: 'app', router: 'app+router' })
      })
    })
  }

  test('a session written by an app-level use step is saved on a 404 too', async () => {
    const storage = new EncryptedCookieStorage(KEY)
    const app = createApp({ logger: quiet(), session: { storage } })
    app.use(async (req) => {
      (await sessionOf(req)).set('lastMiss', true)
    })
    app.get('/', () => 'home')
    await withServer(app, async (s) => {
      const res = await s.fetch('/nowhere')
      assert.is(res.status, 404)
      assert.equal(await dataOf(storage, expectSaved(res)), { lastMiss: true })
    })
  })

  test.run()
}

// ---------------------------------------------------------------------------------------------------------------
{
  const test = suite('Session saving')

  type Outcome = 'saved' | 'cleared' | 'untouched'
  interface Operation {
    readonly what: string
    run(session: Session<Data>, req: RouteRequest): unknown
    readonly outcome: Outcome
    /** The data the new cookie holds, when saved. */
    readonly data?: Data
  }

  const START: Data = { a: 1, b: 2, list: [1, 2] }
  const OPERATIONS: readonly Operation[] = [
    { what: 'set()', run: (s) => s.set('c', 3), outcome: 'saved', data: { a: 1, b: 2, list: [1, 2], c: 3 } },
    { what: 'set() of the value it already has', run: (s) => s.set('a', 1), outcome: 'saved', data: START },
    { what: 'delete() of a key that is set', run: (s) => s.delete('a'), outcome: 'saved', data: { b: 2, list: [1, 2] } },
    { what: 'delete() of a key that is not set', run: (s) => s.delete('missing'), outcome: 'untouched' },
    { what: 'delete() of every key', run: (s) => { s.delete('a'); s.delete('b'); s.delete('list') }, outcome: 'cleared' },
    { what: 'clear()', run: (s) => s.clear(), outcome: 'cleared' },
    { what: 'changed() after changing a nested value in place', run: (s) => { (s.get('list') as number[]).push(3); s.changed() }, outcome: 'saved', data: { a: 1, b: 2, list: [1, 2, 3] } },
    { what: 'a nested value changed in place without changed()', run: (s) => { (s.get('list') as number[]).push(3) }, outcome: 'untouched' },
    { what: 'setMaxAge()', run: (s) => s.setMaxAge(3600), outcome: 'saved', data: START },
    { what: 'invalidate()', run: (s) => s.invalidate(), outcome: 'cleared' },
    { what: 'regenerate()', run: (s) => s.regenerate(), outcome: 'saved', data: START },
    { what: 'newSession() with nothing set after it', run: (_s, req) => req.newSession(), outcome: 'saved', data: {} },
    { what: 'get(), has(), keys(), toJSON() and the getters', run: (s) => [s.get('a'), s.has('a'), s.keys(), s.toJSON(), s.isNew, s.isChanged, s.createdAt, s.maxAge], outcome: 'untouched' },
  ]

  for (const st of cookieStorages) {
    for (const [index, op] of OPERATIONS.entries()) {
      test(`${st.name}: ${op.what} on a loaded session → ${op.outcome === 'untouched' ? 'no Set-Cookie' : `cookie ${op.outcome}`}`, async () => {
        const storage = st.make()
        const app = createApp({ logger: quiet(), session: { storage } })
        app.get('/', async (req) => {
          await op.run(await sessionOf(req), req)
          return 'done'
        })
        await withServer(app, async (s) => {
          const res = await s.fetch('/', withCookie(await cookieFor(storage, structuredClone(START))))
          assert.is(res.status, 200, `${index}: ${res.body}`)
          if (op.outcome === 'untouched') expectNoCookie(res)
          else if (op.outcome === 'cleared') expectCleared(res)
          else assert.equal(await dataOf(storage, expectSaved(res)), op.data)
        })
      })
    }
  }

  test('on a new session, changed() with no data sets no cookie, while newSession() is saved even empty', async () => {
    const storage = new EncryptedCookieStorage(KEY)
    const app = createApp({ logger: quiet(), session: { storage } })
    app.get('/changed', async (req) => { (await sessionOf(req)).changed(); return 'ok' })
    app.get('/new', async (req) => { await req.newSession(); return 'ok' })
    await withServer(app, async (s) => {
      expectNoCookie(await s.fetch('/changed'))
      // unlike aiohttp's new_session(), which saves nothing until it is mutated
      const value = expectSaved(await s.fetch('/new'))
      assert.equal(storage.load(value)?.data, {})
    })
  })

  for (const st of cookieStorages) {
    test(`${st.name}: saved before the headers of a streamed response`, async () => {
      const storage = st.make()
      const app = createApp({ logger: quiet(), session: { storage } })
      app.get('/node', async (req) => {
        (await sessionOf(req)).set('streamed', 'node')
        return Readable.from(['one ', 'two'])
      })
      app.get('/web', async (req) => {
        (await sessionOf(req)).set('streamed', 'web')
        return new ReadableStream({ start(controller) { controller.enqueue(new TextEncoder().encode('three')); controller.close() } })
      })
      await withServer(app, async (s) => {
        const node = await s.fetch('/node')
        assert.is(node.status, 200)
        assert.is(node.body, 'one two')
        assert.is(node.headers['transfer-encoding'], 'chunked')
        assert.equal(await dataOf(storage, expectSaved(node)), { streamed: 'node' })
        const web = await s.fetch('/web')
        assert.is(web.body, 'three')
        assert.equal(await dataOf(storage, expectSaved(web)), { streamed: 'web' })
      })
    })

    test(`${st.name}: saved with a thrown or a returned HttpError`, async () => {
      const storage = st.make()
      const app = createApp({ logger: quiet(), session: { storage } })
      app.post('/login', async (req) => {
        (await sessionOf(req)).set('failedLogins', 1)
        throw new HttpError(401, 'wrong password')
      })
      app.post('/admin', async (req) => {
        (await sessionOf(req)).set('denied', true)
        return new HttpError(403, 'not an admin')
      })
      await withServer(app, async (s) => {
        const thrown = await s.fetch('/login', { method: 'POST' })
        assert.is(thrown.status, 401)
        assert.is(thrown.body, 'wrong password')
        assert.equal(await dataOf(storage, expectSaved(thrown)), { failedLogins: 1 })
        const returned = await s.fetch('/admin', { method: 'POST' })
        assert.is(returned.status, 403)
        assert.equal(await dataOf(storage, expectSaved(returned)), { denied: true })
      })
    })

    test(`${st.name}: saved with a returned redirect()`, async () => {
      const storage = st.make()
      const app = createApp({ logger: quiet(), session: { storage } })
      app.post('/login', async (req) => {
        (await sessionOf(req)).set('user', 'alice')
        return redirect('/home')
      })
      await withServer(app, async (s) => {
        const res = await s.fetch('/login', { method: 'POST' })
        assert.is(res.status, 303)
        assert.is(res.headers.location, '/home')
        assert.equal(await dataOf(storage, expectSaved(res)), { user: 'alice' })
      })
    })
  }

  test('an onion step that changes the session after next() is saved too', async () => {
    const storage = new NaClCookieStorage(KEY)
    const app = createApp({ logger: quiet(), session: { storage } })
    app.use(async (req, next) => {
      const res = await next()
      ;(await sessionOf(req)).set('lastStatus', res.status)
      return res
    })
    app.get('/', () => 'home')
    await withServer(app, async (s) => {
      const res = await s.fetch('/')
      assert.is(res.body, 'home')
      assert.equal(await dataOf(storage, expectSaved(res)), { lastStatus: 200 })
    })
  })

  test("the session cookie goes out beside the route's own Set-Cookie headers", async () => {
    const storage = new EncryptedCookieStorage(KEY)
    const app = createApp({ logger: quiet(), session: { storage } })
    app.get('/one', async (req) => {
      (await sessionOf(req)).set('a', 1)
      return new Response('one', { headers: [['set-cookie', 'theme=dark; Path=/'], ['set-cookie', 'lang=en; Path=/']] })
    })
    await withServer(app, async (s) => {
      const res = await s.fetch('/one')
      const cookies = setCookies(res)
      assert.ok(cookies.includes('theme=dark; Path=/') && cookies.includes('lang=en; Path=/'), JSON.stringify(cookies))
      assert.equal(await dataOf(storage, expectSaved(res)), { a: 1 })
    })
  })

  test.run()
}

// ---------------------------------------------------------------------------------------------------------------
{
  const test = suite('Session#get')

  test('a key that is not set is undefined, also for names Object.prototype has (constructor, toString)', async () => {
    const app = createApp({ logger: quiet(), session: { storage: new EncryptedCookieStorage(KEY) } })
    app.get('/', async (req) => {
      const session = await sessionOf(req)
      return { constructor: typeof session.get('constructor'), toString: typeof session.get('toString'), has: session.has('constructor') }
    })
    await withServer(app, async (s) => {
      assert.equal(JSON.parse((await s.fetch('/')).body), { constructor: 'undefined', toString: 'undefined', has: false })
    })
  })

  test("'__proto__' is an ordinary key: set, read, saved and loaded, and no object's prototype changes", async () => {
    const storage = new EncryptedCookieStorage(KEY)
    const app = createApp({ logger: quiet(), session: { storage } })
    app.post('/set', async (req) => {
      const session = await sessionOf(req)
      session.set('__proto__', { admin: true })
      return { has: session.has('__proto__'), keys: session.keys(), admin: (session.get('__proto__') as { admin?: boolean } | undefined)?.admin ?? null }
    })
    app.get('/get', async (req) => {
      const session = await sessionOf(req)
      return { has: session.has('__proto__'), inherited: typeof session.get('admin') }
    })
    await withServer(app, async (s) => {
      const res = await s.fetch('/set', { method: 'POST' })
      assert.equal(JSON.parse(res.body), { has: true, keys: ['__proto__'], admin: true })
      const value = expectSaved(res)
      assert.equal(JSON.parse((await s.fetch('/get', withCookie(value))).body), { has: true, inherited: 'undefined' })
    })
    assert.is(({} as Record<string, unknown>).admin, undefined)
  })

  test.run()
}

// ---------------------------------------------------------------------------------------------------------------
{
  const test = suite('session cookie size')

  for (const st of cookieStorages) {
    test(`${st.name}: a cookie over 4096 bytes answers 500 and logs its size and the server-side way out, with no Set-Cookie`, async () => {
      const { lines, logger } = recordingLogger()
      const app = createApp({ logger, session: { storage: st.make() } })
      app.post('/big', async (req) => { (await sessionOf(req)).set('blob', 'x'.repeat(5000)); return 'saved?' })
      await withServer(app, async (s) => {
        const res = await s.fetch('/big', { method: 'POST' })
        assert.is(res.status, 500)
        assert.is.not(res.body, 'saved?')
        assert.equal(setCookies(res), [])
      })
      const line = lines.find((l) => l.startsWith('error') && /\d+ bytes/.test(l))
      assert.ok(line !== undefined, `no error line names the size: ${JSON.stringify(lines)}`)
      const size = Number(/(\d+) bytes/.exec(line)?.[1])
      assert.ok(size > 4096, `the logged size ${size} should be the cookie's, over 4096`)
      assert.match(line, /server-side storage/)
    })

    test(`${st.name}: a cookie over 4096 bytes on a streamed response: 500, and the stream is destroyed, not left open`, async () => {
      let stream: Readable | undefined
      const app = createApp({ logger: quiet(), session: { storage: st.make() } })
      app.get('/download', async (req) => {
        (await sessionOf(req)).set('blob', 'x'.repeat(5000))
        stream = new Readable({ read() {} }) // like a file stream: holds a resource until read or destroyed
        return stream
      })
      await withServer(app, async (s) => {
        const res = await s.fetch('/download')
        assert.is(res.status, 500)
        assert.equal(setCookies(res), [])
      })
      assert.ok(stream !== undefined)
      assert.ok(stream.destroyed, 'the stream the route returned was never destroyed')
    })

    test(`${st.name}: a session of a few kilobytes still fits`, async () => {
      const storage = st.make()
      const app = createApp({ logger: quiet(), session: { storage } })
      app.post('/big', async (req) => { (await sessionOf(req)).set('blob', 'x'.repeat(2500)); return 'saved' })
      await withServer(app, async (s) => {
        const res = await s.fetch('/big', { method: 'POST' })
        assert.is(res.status, 200)
        assert.equal(await dataOf(storage, expectSaved(res)), { blob: 'x'.repeat(2500) })
      })
    })
  }

  test.run()
}

// ---------------------------------------------------------------------------------------------------------------
{
  const test = suite('SimpleCookieStorage in production')

  /** Runs `fn` with NODE_ENV set to `value` (or unset), restoring it after. */
  function withNodeEnv(value: string | undefined, fn: () => void): void {
    const saved = process.env.NODE_ENV
    if (value === undefined) delete process.env.NODE_ENV
    else process.env.NODE_ENV = value
    try {
      fn()
    } finally {
      if (saved === undefined) delete process.env.NODE_ENV
      else process.env.NODE_ENV = saved
    }
  }

  test('warns through logger.warn at createApp under NODE_ENV=production', () => {
    const { lines, logger } = recordingLogger()
    withNodeEnv('production', () => createApp({ logger, session: { storage: new SimpleCookieStorage() } }))
    const warnings = lines.filter((l) => l.startsWith('warn'))
    assert.is(warnings.length, 1, JSON.stringify(lines))
    assert.match(warnings[0] ?? '', /SimpleCookieStorage/)
    assert.match(warnings[0] ?? '', /EncryptedCookieStorage|NaClCookieStorage/)
  })

  test('does not warn in development, or with NODE_ENV unset', () => {
    for (const env of ['development', 'test', undefined]) {
      const { lines, logger } = recordingLogger()
      withNodeEnv(env, () => createApp({ logger, session: { storage: new SimpleCookieStorage() } }))
      assert.equal(lines, [], `NODE_ENV=${String(env)}`)
    }
  })

  test('the encrypting storages do not warn in production', () => {
    for (const st of cookieStorages) {
      const { lines, logger } = recordingLogger()
      withNodeEnv('production', () => createApp({ logger, session: { storage: st.make() } }))
      assert.equal(lines, [], st.name)
    }
  })

  test.run()
}

// ---------------------------------------------------------------------------------------------------------------
{
  const test = suite('session trace lines')

  test("trace shows 'session: new', 'session: loaded', 'session: saved' and 'session: cookie cleared'", async () => {
    const lines: string[] = []
    const app = createApp({ logger: quiet(), trace: (line) => lines.push(line), session: { storage: new EncryptedCookieStorage(KEY) } })
    app.post('/login', async (req) => { (await sessionOf(req)).set('user', 'alice'); return 'in' })
    app.get('/me', async (req) => (await sessionOf(req)).get('user') ?? 'nobody')
    app.post('/logout', async (req) => { (await sessionOf(req)).invalidate(); return 'out' })
    await withServer(app, async (s) => {
      const browser = new Browser(s)
      const of = async (method: 'GET' | 'POST', path: string): Promise<string[]> => {
        lines.length = 0
        await browser.fetch(path, method)
        return lines.filter((l) => l.includes('session:'))
      }
      const login = await of('POST', '/login')
      assert.ok(login.some((l) => l.includes('session: new')), JSON.stringify(login))
      assert.ok(login.some((l) => l.includes('session: saved')), JSON.stringify(login))
      const me = await of('GET', '/me')
      assert.ok(me.some((l) => l.includes('session: loaded')), JSON.stringify(me))
      assert.not.ok(me.some((l) => l.includes('session: saved')), `nothing changed, nothing saved: ${JSON.stringify(me)}`)
      const logout = await of('POST', '/logout')
      assert.ok(logout.some((l) => l.includes('session: cookie cleared')), JSON.stringify(logout))
    })
  })

  test.run()
}

// ---------------------------------------------------------------------------------------------------------------
{
  const test = suite('createApp session options')
  const storage = new EncryptedCookieStorage(KEY)

  test('a missing or unusable storage throws ERR_ROUTECHAIN_CONFIG at createApp', () => {
    throwsConfig(() => createApp({ logger: quiet(), session: {} as SessionOptions }), /session\.storage/)
    throwsConfig(() => createApp({ logger: quiet(), session: { storage: { load: () => undefined } } as unknown as SessionOptions }), /session\.storage/)
    throwsConfig(() => createApp({ logger: quiet(), session: { storage: 'key' } as unknown as SessionOptions }), /session\.storage/)
    throwsConfig(() => createApp({ logger: quiet(), session: null as unknown as SessionOptions }), /storage/)
  })

  test('maxAge and idleTimeout must be whole seconds above 0', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, '7d']) {
      throwsConfig(() => createApp({ logger: quiet(), session: { storage, maxAge: bad as number } }), /maxAge must be a whole number of seconds/)
      throwsConfig(() => createApp({ logger: quiet(), session: { storage, idleTimeout: bad as number } }), /idleTimeout must be a whole number of seconds/)
    }
  })

  test('a bad cookie name, or sameSite none without secure, throws ERR_ROUTECHAIN_CONFIG at createApp', () => {
    throwsConfig(() => createApp({ logger: quiet(), session: { storage, cookie: { name: 'my session' } } }), /cookie name/)
    throwsConfig(() => createApp({ logger: quiet(), session: { storage, cookie: { sameSite: 'none', secure: false } } }), /secure: true/)
  })

  test('good options are accepted: maxAge null, an idle timeout, every cookie option', () => {
    createApp({ logger: quiet(), session: { storage, maxAge: null } })
    createApp({ logger: quiet(), session: { storage, maxAge: 60, idleTimeout: 30 } })
    createApp({ logger: quiet(), session: { storage, cookie: { name: 'sid', path: '/app', domain: 'example.test', secure: true, httpOnly: false, sameSite: 'none' } } })
  })

  test.run()
}
