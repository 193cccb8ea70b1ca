// Sessions changing identity, over real HTTP: invalidate() (logout), regenerate() (login) and newSession():
// what cookie each sends, and what a server-side storage is asked to save and delete.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createApp, EncryptedCookieStorage } from '../../src/index.js'
import { withServer } from '../_helpers/http.js'
import {
  Browser,
  cookieFor,
  cookieStorages,
  CountingStorage,
  dataOf,
  expectCleared,
  expectSaved,
  IdStorage,
  KEY,
  nowSeconds,
  quiet,
  sessionOf,
  withCookie,
  type Data,
} from './_support.js'

// ---------------------------------------------------------------------------------------------------------------
{
  const test = suite('Session#invalidate')

  for (const st of cookieStorages) {
    test(`${st.name}: clears the cookie, and the next request starts a new, empty session`, async () => {
      const app = createApp({ logger: quiet(), session: { storage: st.make() } })
      app.post('/login', async (req) => { (await sessionOf(req)).set('user', 'alice'); return 'in' })
      app.post('/logout', async (req) => { (await sessionOf(req)).invalidate(); return 'out' })
      app.get('/me', async (req) => { const session = await sessionOf(req); return { user: session.get('user') ?? null, isNew: session.isNew } })
      await withServer(app, async (s) => {
        const browser = new Browser(s)
        await browser.fetch('/login', 'POST')
        assert.equal(JSON.parse((await browser.fetch('/me')).body), { user: 'alice', isNew: false })
        expectCleared(await browser.fetch('/logout', 'POST'))
        assert.is(browser.value, undefined)
        assert.equal(JSON.parse((await browser.fetch('/me')).body), { user: null, isNew: true })
      })
    })

    test(`${st.name}: a value set after invalidate() starts a new session that holds it (logout, then a flash message)`, async () => {
      const storage = st.make()
      const app = createApp({ logger: quiet(), session: { storage } })
      app.post('/logout', async (req) => {
        const session = await sessionOf(req)
        session.invalidate()
        session.set('flash', 'you are logged out')
        return 'out'
      })
      await withServer(app, async (s) => {
        const res = await s.fetch('/logout', { method: 'POST', ...withCookie(await cookieFor(storage, { user: 'alice' })) })
        assert.equal(await dataOf(storage, expectSaved(res)), { flash: 'you are logged out' })
      })
    })
  }

  test('a value set after invalidate() gives a server-side storage a new record, and the old one is deleted', async () => {
    const inner = new IdStorage()
    const storage = new CountingStorage(inner)
    const app = createApp({ logger: quiet(), session: { storage } })
    app.post('/logout', async (req) => {
      const session = await sessionOf(req)
      session.invalidate()
      session.set('flash', 'bye')
      return 'out'
    })
    await withServer(app, async (s) => {
      const id = inner.save({ created: nowSeconds(), data: { user: 'alice' } }, undefined)
      const newId = expectSaved(await s.fetch('/logout', { method: 'POST', ...withCookie(id) }))
      assert.is.not(newId, id)
      assert.equal(storage.deletes, [id])
      assert.is(storage.saves[0]?.current, undefined)
      assert.equal(inner.load(newId)?.data, { flash: 'bye' })
    })
  })

  test('deletes the record of a server-side storage', async () => {
    const inner = new IdStorage()
    const storage = new CountingStorage(inner)
    const app = createApp({ logger: quiet(), session: { storage } })
    app.post('/logout', async (req) => { (await sessionOf(req)).invalidate(); return 'out' })
    await withServer(app, async (s) => {
      const id = inner.save({ created: nowSeconds(), data: { user: 'alice' } }, undefined)
      expectCleared(await s.fetch('/logout', { method: 'POST', ...withCookie(id) }))
      assert.equal(storage.deletes, [id])
      assert.is(inner.records.has(id), false)
    })
  })

  test.run()
}

// ---------------------------------------------------------------------------------------------------------------
{
  const test = suite('Session#regenerate')

  for (const st of cookieStorages) {
    test(`${st.name}: issues a different cookie value holding the same data`, async () => {
      const storage = st.make()
      const app = createApp({ logger: quiet(), session: { storage } })
      app.post('/login', async (req) => {
        const session = await sessionOf(req)
        session.regenerate()
        session.set('user', 'alice')
        return 'in'
      })
      await withServer(app, async (s) => {
        const before = await cookieFor(storage, { cart: [1, 2] })
        const after = expectSaved(await s.fetch('/login', { method: 'POST', ...withCookie(before) }))
        assert.is.not(after, before)
        assert.equal(await dataOf(storage, after), { cart: [1, 2], user: 'alice' })
      })
    })
  }

  test('gives a server-side storage a new identity and deletes the old record; a plain change keeps the identity', async () => {
    const inner = new IdStorage()
    const storage = new CountingStorage(inner)
    const app = createApp({ logger: quiet(), session: { storage } })
    app.post('/regenerate', async (req) => { (await sessionOf(req)).regenerate(); return 'ok' })
    app.post('/change', async (req) => { (await sessionOf(req)).set('n', 1); return 'ok' })
    await withServer(app, async (s) => {
      const id = inner.save({ created: nowSeconds(), data: { cart: [1] } }, undefined)
      assert.is(expectSaved(await s.fetch('/change', { method: 'POST', ...withCookie(id) })), id)
      assert.is(storage.saves[0]?.current, id)
      const newId = expectSaved(await s.fetch('/regenerate', { method: 'POST', ...withCookie(id) }))
      assert.is.not(newId, id)
      assert.is(storage.saves[1]?.current, undefined, 'regenerate() must save as a new identity')
      assert.equal(storage.deletes, [id])
      assert.equal(inner.load(newId)?.data, { cart: [1], n: 1 })
    })
  })

  test.run()
}

// ---------------------------------------------------------------------------------------------------------------
{
  const test = suite('req.newSession()')

  for (const st of cookieStorages) {
    test(`${st.name}: an empty, new, changed session, the same object later session() calls return`, async () => {
      const storage = st.make()
      const app = createApp({ logger: quiet(), session: { storage } })
      app.post('/login', async (req) => {
        const fresh = await req.newSession<Data>()
        const state = { keys: fresh.keys(), isNew: fresh.isNew, isChanged: fresh.isChanged, same: fresh === await sessionOf(req) }
        fresh.set('user', 'bob')
        return state
      })
      app.get('/me', async (req) => (await sessionOf(req)).toJSON())
      await withServer(app, async (s) => {
        const old = await cookieFor(storage, { user: 'alice', cart: [1] })
        const res = await s.fetch('/login', { method: 'POST', ...withCookie(old) })
        assert.equal(JSON.parse(res.body), { keys: [], isNew: true, isChanged: true, same: true })
        const value = expectSaved(res)
        assert.equal(await dataOf(storage, value), { user: 'bob' })
        assert.equal(JSON.parse((await s.fetch('/me', withCookie(value))).body), { user: 'bob' })
      })
    })
  }

  test('after session() was loaded in a use step, the route gets the fresh one from every call', async () => {
    const storage = new EncryptedCookieStorage(KEY)
    const app = createApp({ logger: quiet(), session: { storage } })
    app.use(async (req) => { await sessionOf(req) })
    app.post('/login', async (req) => {
      const before = await sessionOf(req)
      const fresh = await req.newSession<Data>()
      return { same: before === fresh && fresh === await sessionOf(req), user: (await sessionOf(req)).get('user') ?? null }
    })
    await withServer(app, async (s) => {
      const res = await s.fetch('/login', { method: 'POST', ...withCookie(await cookieFor(storage, { user: 'alice' })) })
      assert.equal(JSON.parse(res.body), { same: true, user: null })
      // a fresh, empty session with a new identity, saved although nothing was set on it
      const value = expectSaved(res)
      assert.equal(storage.load(value)?.data, {})
    })
  })

  test('a server-side storage gets a new identity and the old record is deleted', async () => {
    const inner = new IdStorage()
    const storage = new CountingStorage(inner)
    const app = createApp({ logger: quiet(), session: { storage } })
    app.post('/login', async (req) => { (await req.newSession<Data>()).set('user', 'bob'); return 'ok' })
    await withServer(app, async (s) => {
      const id = inner.save({ created: nowSeconds(), data: { user: 'alice' } }, undefined)
      const newId = expectSaved(await s.fetch('/login', { method: 'POST', ...withCookie(id) }))
      assert.is.not(newId, id)
      assert.is(storage.saves[0]?.current, undefined)
      assert.equal(storage.deletes, [id])
      assert.equal(inner.load(newId)?.data, { user: 'bob' })
    })
  })

  test.run()
}
