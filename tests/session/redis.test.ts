// RedisStorage against a real, private redis-server, on node-redis and on ioredis: the records it writes
// (aiohttp_session's key and JSON, a TTL from the session's lifetime), cookies that never reach Redis, idle
// refreshes renewing the TTL, and Redis stopping mid-run (SIGSTOP): 503 within the command timeout, the rest of
// the app untouched, sessions back when Redis is. The behaviour over HTTP it shares with every server-side
// storage (logout, login, planted ids, revocation, a session logged out while a request held it, read-only
// requests, concurrent requests) runs on both clients in server-storage.test.ts; the save → load round trips
// every storage must pass in storage.test.ts.
import { randomBytes } from 'node:crypto'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { RedisStorage, RoutechainError, SessionGoneError, type RedisClientLike, type StoredSession } from '../../src/index.js'
import { throwsConfig } from '../_helpers/assert.js'
import { within } from '../_helpers/async.js'
import { recordingLogger, withServer } from '../_helpers/http.js'
import { CLIENT_KINDS, countingClient, redisFixture } from '../_helpers/redis.js'
import { body, BOUND, fetchWithin, storageApp } from './_storage-app.js'
import {
  Browser,
  expectNoCookie,
  expectSaved,
  expectSessionCookie,
  maxAgeOf,
  nowSeconds,
  withCookie,
} from './_support.js'

const HEX_ID = /^[0-9a-f]{32}$/
/** The command timeout of the outage tests: short, so they stay fast. */
const TIMEOUT = 300

const redis = redisFixture()

/** Runs a command on the test's own connection to the server. */
function command(...args: string[]): Promise<unknown> {
  return redis.server.command(...args)
}

/** The record under a key, parsed; fails when there is none. */
async function record(key: string): Promise<Record<string, unknown>> {
  const text = await command('GET', key)
  assert.type(text, 'string', `no record under ${key}`)
  return JSON.parse(text as string) as Record<string, unknown>
}

async function exists(key: string): Promise<boolean> {
  return Number(await command('EXISTS', key)) === 1
}

async function ttl(key: string): Promise<number> {
  return Number(await command('TTL', key))
}

const WRITES = new Set(['SET', 'EVAL', 'DEL'])

// ---------------------------------------------------------------------------------------------------------------
{
  const test = suite('RedisStorage')
  test.before(redis.before)
  test.after(redis.after)

  for (const kind of CLIENT_KINDS) {
    const storage = (options?: { commandTimeout?: number; prefix?: string }): RedisStorage => new RedisStorage(redis.client(kind), options)

    // ---- the records

    test(`${kind}: a session is stored as session_<id>: aiohttp_session's JSON, a 32-hex id, a TTL from maxAge`, async () => {
      if (!redis.ready()) return
      await withServer(storageApp(storage(), { session: { maxAge: 3600 } }), async (s) => {
        const res = await s.fetch('/set/user/alice', { method: 'POST' })
        const id = expectSaved(res)
        assert.match(id, HEX_ID)
        assert.is(maxAgeOf(expectSessionCookie(res)), 3600)
        const payload = await record(`session_${id}`)
        assert.equal(Object.keys(payload).sort(), ['created', 'session'])
        assert.equal(payload.session, { user: 'alice' })
        assert.ok(Math.abs((payload.created as number) - nowSeconds()) <= 5, `created ${String(payload.created)}`)
        assert.ok(!(await exists(`AIOHTTP_SESSION_${id}`)))
        const left = await ttl(`session_${id}`)
        assert.ok(left > 0 && left <= 3600, `TTL ${left}`)
      })
    })

    test(`${kind}: with the cookie named AIOHTTP_SESSION the key is AIOHTTP_SESSION_<id>`, async () => {
      if (!redis.ready()) return
      await withServer(storageApp(storage(), { session: { cookie: { name: 'AIOHTTP_SESSION' } } }), async (s) => {
        const id = expectSaved(await s.fetch('/set/user/alice', { method: 'POST' }), 'AIOHTTP_SESSION')
        assert.match(id, HEX_ID)
        assert.equal((await record(`AIOHTTP_SESSION_${id}`)).session, { user: 'alice' })
        assert.ok(!(await exists(`session_${id}`)))
        assert.equal(body(await s.fetch('/whoami', withCookie(id, 'AIOHTTP_SESSION'))), { isNew: false, data: { user: 'alice' } })
      })
    })

    test(`${kind}: the prefix option replaces <cookie name>_`, async () => {
      if (!redis.ready()) return
      await withServer(storageApp(storage({ prefix: 'myapp:sess:' })), async (s) => {
        const id = expectSaved(await s.fetch('/set/user/alice', { method: 'POST' }))
        assert.equal((await record(`myapp:sess:${id}`)).session, { user: 'alice' })
        assert.ok(!(await exists(`session_${id}`)))
      })
    })

    test(`${kind}: idleTimeout sets the TTL (and accessed); setMaxAge() its own; with no lifetime, no TTL`, async () => {
      if (!redis.ready()) return
      await withServer(storageApp(storage(), { session: { idleTimeout: 120 } }), async (s) => {
        const id = expectSaved(await s.fetch('/set/user/alice', { method: 'POST' }))
        const left = await ttl(`session_${id}`)
        assert.ok(left > 0 && left <= 120, `TTL ${left} for an idle timeout of 120`)
        const accessed = (await record(`session_${id}`)).accessed as number
        assert.ok(Math.abs(accessed - nowSeconds()) <= 5, `accessed ${String(accessed)}`)
      })
      await withServer(storageApp(storage()), async (s) => {
        const id = expectSaved(await s.fetch('/remember', { method: 'POST' }))
        const left = await ttl(`session_${id}`)
        assert.ok(left > 0 && left <= 60, `TTL ${left} for setMaxAge(60)`)
        assert.is((await record(`session_${id}`)).max_age, 60)
      })
      await withServer(storageApp(storage(), { session: { maxAge: null } }), async (s) => {
        const id = expectSaved(await s.fetch('/set/user/alice', { method: 'POST' }))
        assert.is(await ttl(`session_${id}`), -1, 'a session without a lifetime should not expire in Redis')
      })
    })

    test(`${kind}: a record written outside (as Python's aiohttp_session writes it) loads`, async () => {
      if (!redis.ready()) return
      const id = randomBytes(16).toString('hex')
      await command('SET', `session_${id}`, `{"created": ${nowSeconds()}, "session": {"user": "bob", "n": [1, 2]}}`, 'EX', '60')
      await withServer(storageApp(storage()), async (s) => {
        const res = await s.fetch('/whoami', withCookie(id))
        assert.equal(body(res), { isNew: false, data: { user: 'bob', n: [1, 2] } })
        expectNoCookie(res)
      })
    })

    // ---- what reaches Redis

    test(`${kind}: a cookie that cannot be an id never reaches Redis`, async () => {
      if (!redis.ready()) return
      const seen: string[] = []
      await withServer(storageApp(new RedisStorage(countingClient(redis.client(kind), seen))), async (s) => {
        for (const value of ['short', 'has*glob?chars-in-it', 'x'.repeat(200)]) {
          const res = await s.fetch('/whoami', withCookie(value))
          assert.equal(body(res), { isNew: true, data: {} })
        }
      })
      assert.equal(seen, [])
    })

    test(`${kind}: with idleTimeout, a read-only request rewrites the record (same id, TTL renewed) only once the refresh is due`, async () => {
      if (!redis.ready()) return
      const seen: string[] = []
      await withServer(storageApp(new RedisStorage(countingClient(redis.client(kind), seen)), { session: { idleTimeout: 3600 } }), async (s) => {
        const now = nowSeconds()
        const recent = randomBytes(16).toString('hex')
        await command('SET', `session_${recent}`, JSON.stringify({ created: now - 100, session: { user: 'alice' }, accessed: now - 10 }), 'EX', '100')
        const quietRes = await s.fetch('/whoami', withCookie(recent))
        assert.equal(body(quietRes).data, { user: 'alice' })
        expectNoCookie(quietRes)
        assert.equal(seen.filter((c) => WRITES.has(c)), [], 'rewritten though the last save was seconds ago')

        const stale = randomBytes(16).toString('hex')
        await command('SET', `session_${stale}`, JSON.stringify({ created: now - 2000, session: { user: 'bob' }, accessed: now - 1000 }), 'EX', '100')
        const res = await s.fetch('/whoami', withCookie(stale))
        assert.equal(body(res).data, { user: 'bob' })
        assert.is(expectSaved(res), stale, 'the refresh keeps the id')
        assert.ok(seen.some((c) => WRITES.has(c)), `no write was sent: ${JSON.stringify(seen)}`)
        const left = await ttl(`session_${stale}`)
        assert.ok(left > 100 && left <= 3600, `the TTL was not renewed to the idle timeout: ${left}`)
        const payload = await record(`session_${stale}`)
        assert.equal(payload.session, { user: 'bob' })
        assert.ok(Math.abs((payload.accessed as number) - nowSeconds()) <= 5, `accessed ${String(payload.accessed)}`)
      })
    })

    // ---- Redis down or slow

    test(`${kind}: Redis stopped: other routes answer, session routes answer 503 within the command timeout; then all works again`, async () => {
      if (!redis.ready()) return
      const { lines, logger } = recordingLogger()
      await withServer(storageApp(storage({ commandTimeout: TIMEOUT }), { logger }), async (s) => {
        const browser = new Browser(s)
        await browser.fetch('/set/user/alice', 'POST')
        const id = browser.value
        assert.ok(id !== undefined, 'no session before the outage')

        redis.server.pause()
        try {
          for (const options of [withCookie(id), {}]) {
            const plain = await fetchWithin(s.fetch('/plain', options), '/plain while Redis is stopped')
            assert.is(plain.status, 200)
            assert.is(plain.body, 'plain')
          }

          const load = await fetchWithin(s.fetch('/whoami', withCookie(id)), 'loading a session while Redis is stopped')
          assert.is(load.status, 503)
          assert.ok(load.body.length > 0 && !/Redis|ERR_ROUTECHAIN|at /.test(load.body), `the 503 shows internals: ${load.body}`)
          assert.is(load.body, 'sessions are unavailable right now; try again shortly')
          assert.is(load.headers['retry-after'], '1')
          expectNoCookie(load)

          const save = await fetchWithin(s.fetch('/set/user/mallory', { method: 'POST' }), 'saving a new session while Redis is stopped')
          assert.is(save.status, 503)
          expectNoCookie(save)
        } finally {
          redis.server.resume()
        }
        const errors = lines.filter((l) => l.startsWith('error'))
        assert.ok(errors.length >= 2 && errors.every((l) => l.includes('503 sessions are unavailable right now')), JSON.stringify(lines))
        assert.ok(errors.some((l) => l.includes(`Redis did not answer GET within ${TIMEOUT} ms`)), JSON.stringify(errors))
        assert.ok(errors.some((l) => l.includes(`Redis did not answer SET within ${TIMEOUT} ms`)), JSON.stringify(errors))

        // back, with the same app and the same client: the data from before the outage is there
        assert.equal(body(await fetchWithin(browser.fetch('/whoami'), 'loading after the outage')), { isNew: false, data: { user: 'alice' } })
        assert.is((await fetchWithin(browser.fetch('/set/after/yes', 'POST'), 'saving after the outage')).status, 200)
        assert.is(browser.value, id)
        assert.equal((await record(`session_${id}`)).session, { user: 'alice', after: 'yes' })
      })
    })

    test(`${kind}: Redis stopped: a load through the API rejects with ERR_ROUTECHAIN_SESSION_TIMEOUT, and works once it is back`, async () => {
      if (!redis.ready()) return
      const store = storage({ commandTimeout: TIMEOUT })
      const id = await store.save({ created: nowSeconds(), data: { user: 'alice' } }, undefined, { ttl: 60, changed: undefined })
      redis.server.pause()
      let caught: unknown
      try {
        await within(Promise.resolve(store.load(id)), BOUND, 'load while Redis is stopped')
      } catch (error) {
        caught = error
      } finally {
        redis.server.resume()
      }
      assert.instance(caught, RoutechainError)
      assert.is((caught as RoutechainError).code, 'ERR_ROUTECHAIN_SESSION_TIMEOUT')
      assert.equal((await within(store.load(id), BOUND, 'load after the outage'))?.data, { user: 'alice' })
    })

    // ---- the storage API

    test(`${kind}: save() writes with the ttl given (none: no expiry); delete() removes`, async () => {
      if (!redis.ready()) return
      const store = storage()
      const expiring = await store.save({ created: nowSeconds(), data: { a: 1 } }, undefined, { ttl: 50, changed: undefined })
      const left = await ttl(`session_${expiring}`) // not attached to an app: the default cookie name's prefix
      assert.ok(left > 0 && left <= 50, `TTL ${left}`)
      const forever = await store.save({ created: nowSeconds(), data: { a: 1 } }, undefined)
      assert.is(await ttl(`session_${forever}`), -1)
      await store.delete(forever)
      assert.ok(!(await exists(`session_${forever}`)))
      assert.is(await store.load(forever), undefined)
    })

    test(`${kind}: two saves of one loaded session, each changing another key, keep both; the same key: the last wins`, async () => {
      if (!redis.ready()) return
      const store = storage()
      const id = await store.save({ created: nowSeconds(), data: { base: 1 } }, undefined)
      const a = await store.load(id) as StoredSession
      const b = await store.load(id) as StoredSession
      assert.is(await store.save({ ...a, data: { ...a.data, x: 'a', k: 'a' } }, id, { ttl: 60, changed: ['x', 'k'] }), id)
      assert.is(await store.save({ ...b, data: { ...b.data, y: 'b', k: 'b' } }, id, { ttl: 60, changed: ['y', 'k'] }), id)
      assert.equal((await store.load(id))?.data, { base: 1, x: 'a', y: 'b', k: 'b' })
      // without the changed keys, the stale save replaces the record
      await store.save({ ...a, data: { only: true } }, id, { ttl: 60, changed: undefined })
      assert.equal((await store.load(id))?.data, { only: true })
    })

    test(`${kind}: saving over a record deleted or emptied meanwhile throws SessionGoneError and writes nothing`, async () => {
      if (!redis.ready()) return
      const store = storage()
      const id = await store.save({ created: nowSeconds(), data: { a: 1 } }, undefined)
      const loaded = await store.load(id) as StoredSession
      await command('DEL', `session_${id}`)
      let caught: unknown
      try {
        await store.save({ ...loaded, data: { a: 2 } }, id, { ttl: 60, changed: ['a'] })
      } catch (error) {
        caught = error
      }
      assert.instance(caught, SessionGoneError)
      assert.ok(!(await exists(`session_${id}`)))
      // aiohttp_session logs out by writing {}: that is gone too, and stays {}
      const emptied = await store.save({ created: nowSeconds(), data: { a: 1 } }, undefined)
      const held = await store.load(emptied) as StoredSession
      await command('SET', `session_${emptied}`, '{}')
      caught = undefined
      try {
        await store.save({ ...held, data: { a: 2 } }, emptied, { ttl: 60, changed: ['a'] })
      } catch (error) {
        caught = error
      }
      assert.instance(caught, SessionGoneError)
      assert.is(await command('GET', `session_${emptied}`), '{}')
      // an id never issued is refused the same way
      const unknown = randomBytes(16).toString('hex')
      caught = undefined
      try {
        await store.save({ created: nowSeconds(), data: { a: 1 } }, unknown)
      } catch (error) {
        caught = error
      }
      assert.instance(caught, SessionGoneError)
      assert.ok(!(await exists(`session_${unknown}`)))
    })

    test(`${kind}: a key holding something that is not a session loads as undefined`, async () => {
      if (!redis.ready()) return
      const store = storage()
      for (const text of ['garbage', '{}', '[]', '{"created": "soon", "session": {}}', '{"created": 1, "session": [1]}']) {
        const id = randomBytes(16).toString('hex')
        await command('SET', `session_${id}`, text, 'EX', '60')
        assert.is(await store.load(id), undefined, text)
      }
    })
  }

  test.run()
}

// ---------------------------------------------------------------------------------------------------------------
{
  const test = suite('RedisStorage options')

  test('the constructor refuses what is not a Redis client', () => {
    const notClients: unknown[] = [undefined, null, 'redis://127.0.0.1:6379', 6379, {}, { sendCommand: 'GET' }, { call: true }, () => {}]
    for (const client of notClients) {
      throwsConfig(() => new RedisStorage(client as RedisClientLike), /RedisStorage takes a connected Redis client/)
    }
  })

  test('commandTimeout must be a whole number of ms from 1 up', () => {
    const client: RedisClientLike = { sendCommand: async () => null }
    for (const commandTimeout of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '100' as unknown as number]) {
      throwsConfig(() => new RedisStorage(client, { commandTimeout }), /commandTimeout/)
    }
    assert.ok(new RedisStorage(client, { commandTimeout: 1 }))
  })

  test('takes any object with sendCommand (node-redis) or call (ioredis)', async () => {
    const sent: string[][] = []
    const node: RedisClientLike = { sendCommand: async (args: string[]) => { sent.push(args); return null } }
    const io: RedisClientLike = { call: async (name, ...args) => { sent.push([name, ...args]); return null } }
    const id = 'a'.repeat(32)
    assert.is(await new RedisStorage(node).load(id), undefined)
    assert.is(await new RedisStorage(io, { prefix: 'p:' }).load(id), undefined)
    assert.equal(sent, [['GET', `session_${id}`], ['GET', `p:${id}`]])
  })

  test.run()
}
