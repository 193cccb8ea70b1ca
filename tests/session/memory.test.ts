// MemoryStorage: through its own API (bounded, least recently used first out, records expiring with their
// session, ids it did not issue never adopted, concurrent key changes merged) and in an app over real HTTP
// (an id in the cookie, logout and login deleting records, read-only requests saving nothing). The save →
// load round trips every storage must pass are in storage.test.ts.
import { randomBytes } from 'node:crypto'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  createApp,
  MemoryStorage,
  SessionGoneError,
  type App,
  type SaveOptions,
  type SessionOptions,
  type SessionStorage,
  type StorageContext,
  type StoredSession,
} from '../../src/index.js'
import { throwsConfig } from '../_helpers/assert.js'
import { withServer, type TestResponse } from '../_helpers/http.js'
import {
  Browser,
  expectCleared,
  expectNoCookie,
  expectSaved,
  nowSeconds,
  quiet,
  sessionOf,
  withCookie,
} from './_support.js'

const HEX_ID = /^[0-9a-f]{32}$/

/** Wraps a storage, forwarding everything (attach and save options too), and records the calls. */
class Recorder implements SessionStorage {
  readonly loads: string[] = []
  readonly saves: { current: string | undefined; options: SaveOptions | undefined }[] = []
  readonly deletes: string[] = []
  readonly inner: SessionStorage

  constructor(inner: SessionStorage) {
    this.inner = inner
  }

  load(value: string): StoredSession | undefined | Promise<StoredSession | undefined> {
    this.loads.push(value)
    return this.inner.load(value)
  }

  save(session: StoredSession, current: string | undefined, options?: SaveOptions): string | Promise<string> {
    this.saves.push({ current, options })
    return this.inner.save(session, current, options)
  }

  delete(value: string): void | Promise<void> {
    this.deletes.push(value)
    return this.inner.delete?.(value)
  }

  attach(context: StorageContext): void {
    this.inner.attach?.(context)
  }
}

/** A promise the test resolves when it chooses. */
function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void
  const promise = new Promise<void>((r) => { resolve = r })
  return { promise, resolve }
}

/** Rejects when `promise` has not settled within `ms`: no test waits unbounded. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)
    promise.then((value) => { clearTimeout(timer); resolve(value) }, (error: unknown) => { clearTimeout(timer); reject(error as Error) })
  })
}

/**
 * Requests held between loading their session and changing it: the route signals `loaded`, then waits for
 * `release`, so a test can make two requests load before either saves, or change the record meanwhile.
 */
class Holds {
  readonly #held = new Map<string, { loaded: ReturnType<typeof deferred>; release: ReturnType<typeof deferred> }>()

  /** Holds the request named `name`; loaded resolves once it has its session. */
  hold(name: string): { loaded: Promise<void>; release(): void } {
    const entry = { loaded: deferred(), release: deferred() }
    this.#held.set(name, entry)
    return { loaded: within(entry.loaded.promise, 3000, `request ${name} loading its session`), release: entry.release.resolve }
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

/** An app with the routes these tests use, on the given storage. */
function sessionApp(storage: SessionStorage, options: Omit<SessionOptions, 'storage'> = {}, holds = new Holds()): App {
  const app = createApp({ logger: quiet(), session: { storage, ...options } })
  app.get('/plain', () => 'plain')
  app.get('/whoami', async (req) => {
    const session = await sessionOf(req)
    return { isNew: session.isNew, data: session.toJSON() }
  })
  app.post('/set/:key/:value', async (req) => {
    (await sessionOf(req)).set(req.params.key, req.params.value)
    return 'set'
  })
  app.post('/logout', async (req) => {
    (await sessionOf(req)).invalidate()
    return 'out'
  })
  app.post('/login', async (req) => {
    const session = await sessionOf(req)
    session.regenerate()
    session.set('user', 'alice')
    return 'in'
  })
  app.post('/hold/:name/:key/:value', async (req) => {
    const session = await sessionOf(req)
    await holds.arrive(req.params.name)
    session.set(req.params.key, req.params.value)
    return 'held'
  })
  return app
}

function body(res: TestResponse): { isNew: boolean; data: Record<string, unknown> } {
  assert.is(res.status, 200, res.body)
  return JSON.parse(res.body) as { isNew: boolean; data: Record<string, unknown> }
}

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
    await withServer(sessionApp(storage), async (s) => {
      const id = expectSaved(await s.fetch('/set/secret/hunter2', { method: 'POST' }))
      assert.match(id, HEX_ID)
      assert.is(storage.size, 1)
      assert.equal(storage.load(id)?.data, { secret: 'hunter2' })
      assert.equal(body(await s.fetch('/whoami', withCookie(id))), { isNew: false, data: { secret: 'hunter2' } })
    })
  })

  test('invalidate() deletes the record and clears the cookie; the old cookie then loads a fresh session', async () => {
    const storage = new MemoryStorage()
    await withServer(sessionApp(storage), async (s) => {
      const id = expectSaved(await s.fetch('/set/user/alice', { method: 'POST' }))
      expectCleared(await s.fetch('/logout', { method: 'POST', ...withCookie(id) }))
      assert.is(storage.load(id), undefined)
      assert.is(storage.size, 0)
      const again = await s.fetch('/whoami', withCookie(id))
      assert.equal(body(again), { isNew: true, data: {} })
      expectCleared(again)
    })
  })

  test('regenerate() moves the data to a new id and deletes the old record', async () => {
    const storage = new MemoryStorage()
    await withServer(sessionApp(storage), async (s) => {
      const old = expectSaved(await s.fetch('/set/cart/3', { method: 'POST' }))
      const fresh = expectSaved(await s.fetch('/login', { method: 'POST', ...withCookie(old) }))
      assert.match(fresh, HEX_ID)
      assert.is.not(fresh, old)
      assert.is(storage.load(old), undefined)
      assert.equal(storage.load(fresh)?.data, { cart: '3', user: 'alice' })
      assert.is(storage.size, 1)
    })
  })

  test('an id the server does not know is never adopted: a read clears it, a change gets a new id', async () => {
    const storage = new MemoryStorage()
    await withServer(sessionApp(storage), async (s) => {
      const planted = randomBytes(16).toString('hex')
      const read = await s.fetch('/whoami', withCookie(planted))
      assert.equal(body(read), { isNew: true, data: {} })
      expectCleared(read)
      const issued = expectSaved(await s.fetch('/set/user/victim', { method: 'POST', ...withCookie(planted) }))
      assert.is.not(issued, planted)
      assert.is(storage.load(planted), undefined)
      assert.equal(storage.load(issued)?.data, { user: 'victim' })
    })
  })

  test('a session revoked from outside (delete()) loads as fresh', async () => {
    const storage = new MemoryStorage()
    await withServer(sessionApp(storage), async (s) => {
      const id = expectSaved(await s.fetch('/set/user/alice', { method: 'POST' }))
      storage.delete(id)
      const res = await s.fetch('/whoami', withCookie(id))
      assert.equal(body(res), { isNew: true, data: {} })
      expectCleared(res)
    })
  })

  test('a request that changes a session deleted meanwhile clears the cookie and does not bring the record back', async () => {
    const storage = new MemoryStorage()
    const holds = new Holds()
    await withServer(sessionApp(storage, {}, holds), async (s) => {
      const id = expectSaved(await s.fetch('/set/user/alice', { method: 'POST' }))
      const held = holds.hold('late')
      try {
        const pending = s.fetch('/hold/late/cart/9', { method: 'POST', ...withCookie(id) })
        await held.loaded
        storage.delete(id) // logged out elsewhere while this request held the session
        held.release()
        const res = await within(pending, 3000, 'the held request')
        assert.is(res.status, 200)
        expectCleared(res)
      } finally {
        holds.releaseAll()
      }
      assert.is(storage.load(id), undefined)
      assert.is(storage.size, 0)
    })
  })

  test('read-only requests save nothing and send no cookie', async () => {
    const storage = new Recorder(new MemoryStorage())
    await withServer(sessionApp(storage), async (s) => {
      const id = expectSaved(await s.fetch('/set/user/alice', { method: 'POST' }))
      assert.is(storage.saves.length, 1)
      for (let i = 0; i < 3; i++) {
        const res = await s.fetch('/whoami', withCookie(id))
        assert.equal(body(res).data, { user: 'alice' })
        expectNoCookie(res)
      }
      assert.is(storage.loads.length, 3)
      assert.is(storage.saves.length, 1, 'a read-only request rewrote the session')
      assert.is(await s.fetch('/plain', withCookie(id)).then((r) => r.status), 200)
      assert.is(storage.loads.length, 3, 'a route that never asks for the session loaded it')
    })
  })

  test('with idleTimeout, a read-only request rewrites the record only once the refresh is due', async () => {
    const inner = new MemoryStorage()
    const storage = new Recorder(inner)
    await withServer(sessionApp(storage, { idleTimeout: 3600 }), async (s) => {
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

  test('two requests on one session at once, each setting another key: both keys survive', async () => {
    const storage = new MemoryStorage()
    const holds = new Holds()
    await withServer(sessionApp(storage, {}, holds), async (s) => {
      const id = expectSaved(await s.fetch('/set/base/1', { method: 'POST' }))
      const a = holds.hold('a')
      const b = holds.hold('b')
      try {
        const first = s.fetch('/hold/a/x/from-a', { method: 'POST', ...withCookie(id) })
        const second = s.fetch('/hold/b/y/from-b', { method: 'POST', ...withCookie(id) })
        await Promise.all([a.loaded, b.loaded]) // both hold the session as it was before either saved
        a.release()
        assert.is((await within(first, 3000, 'request a')).status, 200)
        b.release()
        assert.is((await within(second, 3000, 'request b')).status, 200)
      } finally {
        holds.releaseAll()
      }
      assert.equal(body(await s.fetch('/whoami', withCookie(id))).data, { base: '1', x: 'from-a', y: 'from-b' })
    })
  })

  test('two requests on one session at once, setting the same key: the last write wins', async () => {
    const storage = new MemoryStorage()
    const holds = new Holds()
    await withServer(sessionApp(storage, {}, holds), async (s) => {
      const id = expectSaved(await s.fetch('/set/base/1', { method: 'POST' }))
      const a = holds.hold('a')
      const b = holds.hold('b')
      try {
        const first = s.fetch('/hold/a/k/from-a', { method: 'POST', ...withCookie(id) })
        const second = s.fetch('/hold/b/k/from-b', { method: 'POST', ...withCookie(id) })
        await Promise.all([a.loaded, b.loaded])
        b.release()
        assert.is((await within(second, 3000, 'request b')).status, 200)
        a.release()
        assert.is((await within(first, 3000, 'request a')).status, 200)
      } finally {
        holds.releaseAll()
      }
      assert.equal(body(await s.fetch('/whoami', withCookie(id))).data, { base: '1', k: 'from-a' })
    })
  })

  test('past maxEntries the oldest browsers lose their session; one that came back recently keeps it', async () => {
    const storage = new MemoryStorage({ maxEntries: 3 })
    await withServer(sessionApp(storage), async (s) => {
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
