// MemoryStorage: through its own API (bounded, least recently used first out, records expiring with their
// session, ids it did not issue never adopted, concurrent key changes merged) and in an app over real HTTP (an
// id in the cookie, the data in the process, idle refreshes, eviction). The behaviour over HTTP it shares with
// every server-side storage (logout, login, planted ids, read-only requests, concurrent requests) is in
// server-storage.test.ts; the save → load round trips every storage must pass are in storage.test.ts.
import { randomBytes } from 'node:crypto'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { MemoryStorage, SessionGoneError, type StoredSession } from '../../src/index.js'
import { throwsConfig } from '../_helpers/assert.js'
import { withServer } from '../_helpers/http.js'
import { body, storageApp } from './_storage-app.js'
import { Browser, CountingStorage, expectNoCookie, expectSaved, nowSeconds, withCookie } from './_support.js'

const HEX_ID = /^[0-9a-f]{32}$/

/** Runs `fn` with Date.now() moved `offset` ms ahead. */
function later<T>(offset: number, fn: () => T): T {
  const real = Date.now
  Date.now = () => real() + offset
  try {
    return fn()
  } finally {
    Date.now = real
  }
}

function session(data: Record<string, unknown>): StoredSession {
  return { created: nowSeconds(), data }
}

// ---------------------------------------------------------------------------------------------------------------
{
  const test = suite('MemoryStorage')

  test('size counts the sessions held; delete() forgets one', () => {
    const storage = new MemoryStorage()
    assert.is(storage.size, 0)
    const a = storage.save(session({ n: 1 }), undefined)
    const b = storage.save(session({ n: 2 }), undefined)
    assert.is(storage.size, 2)
    assert.match(a, HEX_ID)
    assert.is.not(a, b)
    storage.save(session({ n: 3 }), a) // a rewrite is still one session
    assert.is(storage.size, 2)
    storage.delete(a)
    assert.is(storage.size, 1)
    assert.is(storage.load(a), undefined)
    assert.equal(storage.load(b)?.data, { n: 2 })
  })

  test('past maxEntries the oldest sessions go first: of 5 with maxEntries 3, the newest 3 load', () => {
    const storage = new MemoryStorage({ maxEntries: 3 })
    const ids = [0, 1, 2, 3, 4].map((n) => storage.save(session({ n }), undefined))
    assert.is(storage.size, 3)
    assert.is(storage.load(ids[0] as string), undefined)
    assert.is(storage.load(ids[1] as string), undefined)
    assert.equal([2, 3, 4].map((n) => storage.load(ids[n] as string)?.data), [{ n: 2 }, { n: 3 }, { n: 4 }])
  })

  test('a loaded session counts as recently used: it outlives an older one that was not read', () => {
    const storage = new MemoryStorage({ maxEntries: 3 })
    const [a, b, c] = [1, 2, 3].map((n) => storage.save(session({ n }), undefined)) as [string, string, string]
    assert.ok(storage.load(a) !== undefined)
    const d = storage.save(session({ n: 4 }), undefined)
    assert.is(storage.load(b), undefined, 'the least recently used session should have gone')
    assert.equal([a, c, d].map((id) => storage.load(id)?.data), [{ n: 1 }, { n: 3 }, { n: 4 }])
  })

  test('a saved session counts as recently used too', () => {
    const storage = new MemoryStorage({ maxEntries: 2 })
    const a = storage.save(session({ n: 1 }), undefined)
    const b = storage.save(session({ n: 2 }), undefined)
    storage.save(session({ n: 10 }), a)
    storage.save(session({ n: 3 }), undefined)
    assert.is(storage.load(b), undefined)
    assert.equal(storage.load(a)?.data, { n: 10 })
  })

  test('maxEntries 1 keeps just the last session', () => {
    const storage = new MemoryStorage({ maxEntries: 1 })
    const a = storage.save(session({ n: 1 }), undefined)
    const b = storage.save(session({ n: 2 }), undefined)
    assert.is(storage.size, 1)
    assert.is(storage.load(a), undefined)
    assert.equal(storage.load(b)?.data, { n: 2 })
  })

  test('a record expires with the ttl it was saved with, and no longer counts', () => {
    const storage = new MemoryStorage()
    const id = storage.save(session({ user: 'alice' }), undefined, { ttl: 60, changed: undefined })
    later(59_000, () => assert.equal(storage.load(id)?.data, { user: 'alice' }))
    later(60_500, () => assert.is(storage.load(id), undefined))
    assert.is(storage.size, 0, 'an expired record is dropped, not kept')
    assert.is(storage.load(id), undefined, 'an expired record does not come back')
  })

  test('a rewrite sets the expiry anew; without a ttl a record does not expire', () => {
    const storage = new MemoryStorage()
    const id = storage.save(session({ n: 1 }), undefined, { ttl: 10, changed: undefined })
    later(8_000, () => storage.save(session({ n: 2 }), id, { ttl: 10, changed: undefined }))
    later(15_000, () => assert.equal(storage.load(id)?.data, { n: 2 }))
    const forever = storage.save(session({ n: 3 }), undefined)
    later(10 * 365 * 24 * 3600 * 1000, () => assert.equal(storage.load(forever)?.data, { n: 3 }))
  })

  test('an expired record saved over is gone: the save throws SessionGoneError and nothing is created', () => {
    const storage = new MemoryStorage()
    const id = storage.save(session({ n: 1 }), undefined, { ttl: 1, changed: undefined })
    later(2_000, () => {
      assert.throws(() => storage.save(session({ n: 2 }), id, { ttl: 10, changed: ['n'] }), (error: unknown) => error instanceof SessionGoneError)
    })
    assert.is(storage.size, 0)
  })

  test('an id it did not issue is never adopted: it does not load, and saving under it throws SessionGoneError', () => {
    const storage = new MemoryStorage()
    const unknown = randomBytes(16).toString('hex')
    assert.is(storage.load(unknown), undefined)
    let caught: unknown
    try {
      storage.save(session({ user: 'mallory' }), unknown)
    } catch (error) {
      caught = error
    }
    assert.instance(caught, SessionGoneError)
    assert.is((caught as SessionGoneError).code, 'ERR_ROUTECHAIN_SESSION_GONE')
    assert.is(storage.size, 0)
    assert.is(storage.load(unknown), undefined)
  })

  test('values that cannot be ids load as undefined', () => {
    const storage = new MemoryStorage()
    for (const value of ['', 'short', '../../etc/passwd', 'a'.repeat(200), 'has space in it!!', '{"created":1,"session":{}}']) {
      assert.is(storage.load(value), undefined, value)
    }
  })

  test('two saves of the same loaded session, each changing another key, keep both keys', () => {
    const storage = new MemoryStorage()
    const id = storage.save(session({ base: 1 }), undefined)
    const a = storage.load(id) as StoredSession
    const b = storage.load(id) as StoredSession
    storage.save({ ...a, data: { ...a.data, x: 'from a' } }, id, { ttl: undefined, changed: ['x'] })
    storage.save({ ...b, data: { ...b.data, y: 'from b' } }, id, { ttl: undefined, changed: ['y'] })
    assert.equal(storage.load(id)?.data, { base: 1, x: 'from a', y: 'from b' })
  })

  test('a key deleted by one request and set by another: each request applies only its own keys', () => {
    const storage = new MemoryStorage()
    const id = storage.save(session({ gone: 1, kept: 1 }), undefined)
    const a = storage.load(id) as StoredSession
    const b = storage.load(id) as StoredSession
    storage.save({ ...a, data: { kept: 1 } }, id, { ttl: undefined, changed: ['gone'] })
    storage.save({ ...b, data: { ...b.data, added: 2 } }, id, { ttl: undefined, changed: ['added'] })
    assert.equal(storage.load(id)?.data, { kept: 1, added: 2 })
  })

  test('the same key changed twice: the last save wins', () => {
    const storage = new MemoryStorage()
    const id = storage.save(session({ k: 'start' }), undefined)
    const a = storage.load(id) as StoredSession
    const b = storage.load(id) as StoredSession
    storage.save({ ...a, data: { k: 'first' } }, id, { ttl: undefined, changed: ['k'] })
    storage.save({ ...b, data: { k: 'second' } }, id, { ttl: undefined, changed: ['k'] })
    assert.equal(storage.load(id)?.data, { k: 'second' })
  })

  test('a save without the changed keys replaces the whole record', () => {
    const storage = new MemoryStorage()
    const id = storage.save(session({ a: 1 }), undefined)
    const loaded = storage.load(id) as StoredSession
    storage.save({ ...loaded, data: { ...loaded.data, b: 2 } }, id, { ttl: undefined, changed: ['b'] })
    storage.save({ ...loaded, data: { only: true } }, id, { ttl: undefined, changed: undefined })
    assert.equal(storage.load(id)?.data, { only: true })
  })

  test('maxEntries that is not a whole number from 1 up is refused at start-up', () => {
    for (const maxEntries of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '3' as unknown as number]) {
      throwsConfig(() => new MemoryStorage({ maxEntries }), /maxEntries/)
    }
    assert.is(new MemoryStorage({ maxEntries: 1 }).size, 0)
    assert.is(new MemoryStorage().size, 0)
  })

  test.run()
}

// ---------------------------------------------------------------------------------------------------------------
{
  const test = suite('MemoryStorage over HTTP')

  test('the cookie holds a 32-hex id, the data stays in the process', async () => {
    const storage = new MemoryStorage()
    await withServer(storageApp(storage), async (s) => {
      const id = expectSaved(await s.fetch('/set/secret/hunter2', { method: 'POST' }))
      assert.match(id, HEX_ID)
      assert.is(storage.size, 1)
      assert.equal(storage.load(id)?.data, { secret: 'hunter2' })
      assert.equal(body(await s.fetch('/whoami', withCookie(id))), { isNew: false, data: { secret: 'hunter2' } })
    })
  })

  test('with idleTimeout, a read-only request rewrites the record only once the refresh is due', async () => {
    const inner = new MemoryStorage()
    const storage = new CountingStorage(inner)
    await withServer(storageApp(storage, { session: { idleTimeout: 3600 } }), async (s) => {
      const recent = inner.save({ created: nowSeconds() - 100, accessed: nowSeconds() - 10, data: { user: 'alice' } }, undefined, { ttl: 3590, changed: undefined })
      expectNoCookie(await s.fetch('/whoami', withCookie(recent)))
      assert.is(storage.saves.length, 0, 'rewritten though the last save was seconds ago')

      const stale = inner.save({ created: nowSeconds() - 2000, accessed: nowSeconds() - 1000, data: { user: 'bob' } }, undefined, { ttl: 2600, changed: undefined })
      const res = await s.fetch('/whoami', withCookie(stale))
      assert.equal(body(res).data, { user: 'bob' })
      assert.is(expectSaved(res), stale, 'the refresh keeps the id')
      assert.equal(storage.saves.map((save) => [save.current, save.options?.ttl]), [[stale, 3600]])
      const accessed = inner.load(stale)?.accessed ?? 0
      assert.ok(Math.abs(accessed - nowSeconds()) <= 2, `accessed was not brought up to now: ${accessed}`)
    })
  })

  test('past maxEntries the oldest browsers lose their session; one that came back recently keeps it', async () => {
    const storage = new MemoryStorage({ maxEntries: 3 })
    await withServer(storageApp(storage), async (s) => {
      const browsers = [0, 1, 2, 3, 4].map(() => new Browser(s))
      for (const [n, browser] of browsers.slice(0, 3).entries()) await browser.fetch(`/set/n/${n}`, 'POST')
      // browser 0 comes back: its session is now the most recently used
      assert.equal(body(await (browsers[0] as Browser).fetch('/whoami')).data, { n: '0' })
      await (browsers[3] as Browser).fetch('/set/n/3', 'POST')
      await (browsers[4] as Browser).fetch('/set/n/4', 'POST')
      assert.is(storage.size, 3)
      const seen = []
      for (const browser of browsers) seen.push(body(await browser.fetch('/whoami')))
      assert.equal(seen.map((b) => b.data.n ?? null), ['0', null, null, '3', '4'])
      assert.equal(seen.map((b) => b.isNew), [false, true, true, false, false])
    })
  })

  test.run()
}
