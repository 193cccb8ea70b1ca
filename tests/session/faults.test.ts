// What a session does when something goes wrong around it: a storage that fails mid-save, data that cannot be
// JSON, a step that crashes, and a '__proto__' key in a server-side merge (regressions from the review of #4/#5).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createApp, MemoryStorage, type StoredSession } from '../../src/index.js'
import { recordingLogger, withServer } from '../_helpers/http.js'
import { cookieFor, cookieStorages, expectNoCookie, expectSaved, IdStorage, nowSeconds, quiet, sessionOf, withCookie } from './_support.js'

const test = suite('Session faults')

/** An id storage whose saves can be made to fail. */
class FlakyStorage extends IdStorage {
  failSaves = false

  override save(session: StoredSession, current: string | undefined): string {
    if (this.failSaves) throw new Error('storage down')
    return super.save(session, current)
  }
}

test('a regenerate() whose save fails keeps the old record: nothing stored is lost', async () => {
  const storage = new FlakyStorage()
  const app = createApp({ logger: quiet(), session: { storage } })
  app.post('/login', async (req) => { (await sessionOf(req)).regenerate(); return 'ok' })
  app.get('/me', async (req) => (await sessionOf(req)).get('user') ?? 'nobody')
  await withServer(app, async (s) => {
    const id = storage.save({ created: nowSeconds(), data: { user: 'alice' } }, undefined)
    storage.failSaves = true
    const failed = await s.fetch('/login', { method: 'POST', ...withCookie(id) })
    assert.is(failed.status, 503)
    storage.failSaves = false
    assert.is((await s.fetch('/me', withCookie(id))).body, 'alice')
  })
})

for (const st of cookieStorages) {
  test(`${st.name}: session data that cannot be JSON is a 500 naming the problem, not a 503`, async () => {
    const { lines, logger } = recordingLogger()
    const app = createApp({ logger, session: { storage: st.make() } })
    app.get('/bigint', async (req) => { (await sessionOf(req)).set('n', 10n); return 'ok' })
    await withServer(app, async (s) => {
      const res = await s.fetch('/bigint')
      assert.is(res.status, 500)
      expectNoCookie(res)
    })
    assert.ok(lines.some((line) => line.includes('session data must survive JSON')), lines.join('\n'))
  })
}

test('a step that crashes after changing the session leaves the stored session as it was', async () => {
  const storage = cookieStorages[0]?.make() as NonNullable<ReturnType<NonNullable<typeof cookieStorages[0]>['make']>>
  const app = createApp({ logger: quiet(), session: { storage } })
  app.get('/half', async (req) => {
    (await sessionOf(req)).set('half', 'done')
    throw new Error('crash halfway')
  })
  await withServer(app, async (s) => {
    const res = await s.fetch('/half', withCookie(await cookieFor(storage, { user: 'alice' })))
    assert.is(res.status, 500)
    expectNoCookie(res)
  })
})

test('MemoryStorage keeps a "__proto__" key through a merge of concurrent changes', async () => {
  const storage = new MemoryStorage()
  const app = createApp({ logger: quiet(), session: { storage } })
  app.get('/proto', async (req) => { (await sessionOf(req)).set('__proto__', { admin: true }); return 'ok' })
  app.get('/keys', async (req) => (await sessionOf(req)).keys())
  await withServer(app, async (s) => {
    const id = expectSaved(await s.fetch('/proto'))
    assert.equal(JSON.parse((await s.fetch('/keys', withCookie(id))).body), ['__proto__'])
    // a later change to another key merges into the record: '__proto__' must survive as a key
    const loaded = storage.load(id) as StoredSession
    storage.save({ ...loaded, data: { ...loaded.data, user: 'bob' } }, id, { ttl: 60, changed: ['user'] })
    assert.equal(Object.keys(storage.load(id)?.data ?? {}).sort(), ['__proto__', 'user'])
  })
})

test.run()
