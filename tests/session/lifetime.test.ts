// Session lifetimes over real HTTP, enforced from inside the payload (maxAge from `created`, idleTimeout from
// `accessed`, a session's own maxAge), and cookies that do not load: a fresh session, never a 500.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createApp, generateKey, type SessionOptions, type SessionStorage, type StoredSession } from '../../src/index.js'
import { recordingLogger, withServer } from '../_helpers/http.js'
import {
  Browser,
  cookieStorages,
  expectCleared,
  expectNoCookie,
  expectSaved,
  expectSessionCookie,
  maxAgeOf,
  nowSeconds,
  sessionOf,
  withCookie,
  type Data,
} from './_support.js'

/** An app whose GET / tells what session it got, and whose POST / changes it. */
function lifetimeApp(options: SessionOptions, logger = recordingLogger().logger): ReturnType<typeof createApp> {
  const app = createApp({ logger, session: options })
  app.get('/', async (req) => {
    const session = await sessionOf(req)
    return { isNew: session.isNew, data: session.toJSON(), maxAge: session.maxAge ?? null }
  })
  app.post('/', async (req) => {
    (await sessionOf(req)).set('touched', true)
    return 'touched'
  })
  return app
}

interface Seen { isNew: boolean; data: Data; maxAge: number | null }

async function loadOf(storage: SessionStorage, value: string): Promise<StoredSession> {
  const loaded = await storage.load(value)
  assert.ok(loaded !== undefined, `the cookie value did not load: ${value}`)
  return loaded
}

// ---------------------------------------------------------------------------------------------------------------
{
  const test = suite('session maxAge')

  for (const st of cookieStorages) {
    test(`${st.name}: a cookie older than maxAge by its payload starts a fresh session, and the stale cookie is cleared`, async () => {
      const storage = st.make()
      const { lines, logger } = recordingLogger()
      await withServer(lifetimeApp({ storage, maxAge: 500 }, logger), async (s) => {
        const stale = await storage.save({ created: nowSeconds() - 1000, data: { a: 1 } }, undefined)
        const res = await s.fetch('/', withCookie(stale))
        assert.is(res.status, 200)
        assert.equal((JSON.parse(res.body) as Seen).data, {})
        assert.is((JSON.parse(res.body) as Seen).isNew, true)
        expectCleared(res)
      })
      assert.ok(lines.some((l) => l.startsWith('debug') && /expired/.test(l)), JSON.stringify(lines))
    })

    test(`${st.name}: a cookie younger than maxAge loads, and sets no cookie when untouched`, async () => {
      const storage = st.make()
      await withServer(lifetimeApp({ storage, maxAge: 500 }), async (s) => {
        const res = await s.fetch('/', withCookie(await storage.save({ created: nowSeconds() - 100, data: { a: 1 } }, undefined)))
        assert.equal(JSON.parse(res.body), { isNew: false, data: { a: 1 }, maxAge: 500 })
        expectNoCookie(res)
      })
    })
  }

  test("saving does not extend maxAge: the cookie's Max-Age counts down from created", async () => {
    const storage = cookieStorages[0]?.make() as SessionStorage
    const created = nowSeconds() - 1000
    await withServer(lifetimeApp({ storage, maxAge: 5000 }), async (s) => {
      const res = await s.fetch('/', { method: 'POST', ...withCookie(await storage.save({ created, data: { a: 1 } }, undefined)) })
      const maxAge = maxAgeOf(expectSessionCookie(res))
      assert.ok(maxAge >= 3990 && maxAge <= 4000, `Max-Age ${maxAge}, expected about 4000`)
      assert.is((await loadOf(storage, expectSaved(res))).created, created)
    })
  })

  for (const st of cookieStorages) {
    test(`${st.name}: a payload created more than a minute in the future never loads; a few seconds of skew is allowed`, async () => {
      const storage = st.make()
      await withServer(lifetimeApp({ storage, maxAge: null }), async (s) => {
        const future = await s.fetch('/', withCookie(await storage.save({ created: nowSeconds() + 3600, data: { a: 1 } }, undefined)))
        assert.equal(JSON.parse(future.body), { isNew: true, data: {}, maxAge: null })
        expectCleared(future)
        const skewed = await s.fetch('/', withCookie(await storage.save({ created: nowSeconds() + 20, data: { a: 1 } }, undefined)))
        assert.equal(JSON.parse(skewed.body), { isNew: false, data: { a: 1 }, maxAge: null })
      })
    })
  }

  test('maxAge null: a session of any age loads', async () => {
    const storage = cookieStorages[0]?.make() as SessionStorage
    await withServer(lifetimeApp({ storage, maxAge: null }), async (s) => {
      const res = await s.fetch('/', withCookie(await storage.save({ created: nowSeconds() - 10 * 365 * 24 * 3600, data: { a: 1 } }, undefined)))
      assert.equal(JSON.parse(res.body), { isNew: false, data: { a: 1 }, maxAge: null })
    })
  })

  test.run()
}

// ---------------------------------------------------------------------------------------------------------------
{
  const test = suite('session idleTimeout')

  for (const st of cookieStorages) {
    test(`${st.name}: idle time counts from accessed: idle too long → fresh and cleared; old but recently used → loads`, async () => {
      const storage = st.make()
      const now = nowSeconds()
      await withServer(lifetimeApp({ storage, maxAge: null, idleTimeout: 60 }), async (s) => {
        const idle = await s.fetch('/', withCookie(await storage.save({ created: now - 120, data: { a: 1 }, accessed: now - 120 }, undefined)))
        assert.equal(JSON.parse(idle.body), { isNew: true, data: {}, maxAge: null })
        expectCleared(idle)
        const busy = await s.fetch('/', withCookie(await storage.save({ created: now - 100_000, data: { a: 2 }, accessed: now - 5 }, undefined)))
        assert.equal(JSON.parse(busy.body), { isNew: false, data: { a: 2 }, maxAge: null })
      })
    })
  }

  test('a payload without accessed (as aiohttp_session writes it) counts idle time from created', async () => {
    const storage = cookieStorages[1]?.make() as SessionStorage
    const now = nowSeconds()
    await withServer(lifetimeApp({ storage, maxAge: null, idleTimeout: 60 }), async (s) => {
      const idle = await s.fetch('/', withCookie(await storage.save({ created: now - 120, data: { a: 1 } }, undefined)))
      assert.is((JSON.parse(idle.body) as Seen).isNew, true)
      expectCleared(idle)
      const recent = await s.fetch('/', withCookie(await storage.save({ created: now - 5, data: { a: 1 } }, undefined)))
      assert.is((JSON.parse(recent.body) as Seen).isNew, false)
    })
  })

  test('an untouched session is saved again once a quarter of idleTimeout has passed, renewing accessed', async () => {
    const storage = cookieStorages[0]?.make() as SessionStorage
    const now = nowSeconds()
    await withServer(lifetimeApp({ storage, maxAge: null, idleTimeout: 400 }), async (s) => {
      const due = await s.fetch('/', withCookie(await storage.save({ created: now - 200, data: { a: 1 }, accessed: now - 200 }, undefined)))
      const renewed = await loadOf(storage, expectSaved(due))
      assert.equal(renewed.data, { a: 1 })
      assert.is(renewed.created, now - 200)
      assert.ok((renewed.accessed ?? 0) >= now, `accessed should be renewed to now, got ${String(renewed.accessed)}`)
      const recent = await s.fetch('/', withCookie(await storage.save({ created: now - 200, data: { a: 1 }, accessed: now - 10 }, undefined)))
      expectNoCookie(recent)
    })
  })

  test("saving stamps accessed, and the cookie's Max-Age is the idle timeout when that is shorter", async () => {
    const storage = cookieStorages[0]?.make() as SessionStorage
    await withServer(lifetimeApp({ storage, idleTimeout: 600 }), async (s) => {
      const before = nowSeconds()
      const res = await s.fetch('/', { method: 'POST' })
      const cookie = expectSessionCookie(res)
      assert.is(maxAgeOf(cookie), 600)
      const saved = await loadOf(storage, cookie.value)
      assert.ok(saved.accessed !== undefined && saved.accessed >= before, `accessed ${String(saved.accessed)}`)
    })
  })

  test.run()
}

// ---------------------------------------------------------------------------------------------------------------
{
  const test = suite('Session#setMaxAge')
  const THIRTY_DAYS = 30 * 24 * 3600

  for (const st of cookieStorages) {
    test(`${st.name}: remember me: the session's own maxAge survives round trips and sets the cookie's Max-Age`, async () => {
      const app = lifetimeApp({ storage: st.make() })
      app.post('/login', async (req) => {
        const session = await sessionOf(req)
        session.set('user', 'alice')
        session.setMaxAge(THIRTY_DAYS)
        return 'in'
      })
      await withServer(app, async (s) => {
        const browser = new Browser(s)
        const login = await browser.fetch('/login', 'POST')
        const first = maxAgeOf(expectSessionCookie(login))
        assert.ok(first > THIRTY_DAYS - 10 && first <= THIRTY_DAYS, `Max-Age ${first}`)
        assert.equal(JSON.parse((await browser.fetch('/')).body), { isNew: false, data: { user: 'alice' }, maxAge: THIRTY_DAYS })
        const touched = maxAgeOf(expectSessionCookie(await browser.fetch('/', 'POST')))
        assert.ok(touched > THIRTY_DAYS - 10 && touched <= THIRTY_DAYS, `after another save, Max-Age ${touched}: the session's own maxAge was lost`)
        assert.equal(JSON.parse((await browser.fetch('/')).body), { isNew: false, data: { user: 'alice', touched: true }, maxAge: THIRTY_DAYS })
      })
    })
  }

  test("a payload's own maxAge decides expiry: longer than the app's keeps the session, shorter ends it", async () => {
    const storage = cookieStorages[0]?.make() as SessionStorage
    const now = nowSeconds()
    await withServer(lifetimeApp({ storage, maxAge: 500 }), async (s) => {
      const longer = await s.fetch('/', withCookie(await storage.save({ created: now - 1000, data: { a: 1 }, maxAge: 5000 }, undefined)))
      assert.equal(JSON.parse(longer.body), { isNew: false, data: { a: 1 }, maxAge: 5000 })
    })
    await withServer(lifetimeApp({ storage }), async (s) => {
      const shorter = await s.fetch('/', withCookie(await storage.save({ created: now - 1000, data: { a: 1 }, maxAge: 500 }, undefined)))
      assert.is((JSON.parse(shorter.body) as Seen).isNew, true)
      expectCleared(shorter)
    })
  })

  test('refuses 0, negative and fractional seconds with a RangeError, and changes nothing', async () => {
    const app = lifetimeApp({ storage: cookieStorages[0]?.make() as SessionStorage })
    app.get('/bad', async (req) => {
      const session = await sessionOf(req)
      const errors = [0, -1, 1.5, Number.NaN].map((seconds) => {
        try {
          session.setMaxAge(seconds)
          return 'accepted'
        } catch (error) {
          return (error as Error).name
        }
      })
      return { errors, isChanged: session.isChanged, maxAge: session.maxAge ?? null }
    })
    await withServer(app, async (s) => {
      const res = await s.fetch('/bad')
      assert.equal(JSON.parse(res.body), { errors: ['RangeError', 'RangeError', 'RangeError', 'RangeError'], isChanged: false, maxAge: 604800 })
      expectNoCookie(res)
    })
  })

  test.run()
}

// ---------------------------------------------------------------------------------------------------------------
{
  const test = suite('session cookies that do not load')

  /** The value with the character in the middle replaced by another one. */
  function flipMiddle(value: string): string {
    const at = Math.floor(value.length / 2)
    return value.slice(0, at) + (value[at] === 'A' ? 'B' : 'A') + value.slice(at + 1)
  }

  for (const st of cookieStorages) {
    test(`${st.name}: a tampered, garbled, truncated or wrong-key cookie gives a fresh empty session: 200, a debug line, the cookie cleared`, async () => {
      const storage = st.make()
      const valid = await storage.save({ created: nowSeconds(), data: { user: 'alice' } }, undefined)
      const bad: [string, string][] = [
        ['tampered', flipMiddle(valid)],
        ['garbled', 'not-a-session-at-all'],
        ['truncated', valid.slice(0, -10)],
        ['wrong key', await st.make(generateKey()).save({ created: nowSeconds(), data: { user: 'mallory' } }, undefined)],
      ]
      for (const [what, value] of bad) {
        const { lines, logger } = recordingLogger()
        await withServer(lifetimeApp({ storage }, logger), async (s) => {
          const res = await s.fetch('/', withCookie(value))
          assert.is(res.status, 200, `${what}: ${res.body}`)
          assert.equal(JSON.parse(res.body), { isNew: true, data: {}, maxAge: 604800 }, what)
          expectCleared(res)
        })
        assert.ok(lines.some((l) => l.startsWith('debug') && /did not load/.test(l)), `${what}: no debug line in ${JSON.stringify(lines)}`)
        assert.not.ok(lines.some((l) => l.startsWith('error')), `${what}: logged as an error: ${JSON.stringify(lines)}`)
      }
    })

    test(`${st.name}: a session written on top of a bad cookie replaces it`, async () => {
      const storage = st.make()
      await withServer(lifetimeApp({ storage }), async (s) => {
        const res = await s.fetch('/', { method: 'POST', ...withCookie('garbage') })
        assert.equal((await loadOf(storage, expectSaved(res))).data, { touched: true })
      })
    })

    test(`${st.name}: a cookie value wrapped in double quotes, as Python's http.cookies sends it, still loads`, async () => {
      const storage = st.make()
      await withServer(lifetimeApp({ storage }), async (s) => {
        const value = await storage.save({ created: nowSeconds(), data: { user: 'alice' } }, undefined)
        const res = await s.fetch('/', withCookie(`"${value}"`))
        assert.equal(JSON.parse(res.body), { isNew: false, data: { user: 'alice' }, maxAge: 604800 })
        expectNoCookie(res)
      })
    })
  }

  test('a bad cookie on a route that never calls session() is left alone', async () => {
    const app = lifetimeApp({ storage: cookieStorages[0]?.make() as SessionStorage })
    app.get('/plain', () => 'plain')
    await withServer(app, async (s) => {
      expectNoCookie(await s.fetch('/plain', withCookie('garbage')))
    })
  })

  test.run()
}
