// The server-side storages (an id in the cookie, the session in a store) in an app over real HTTP: identities
// (logout, login, planted ids, revocation, a session logged out while a request held it), no store call but a
// load for sessions that are only read, and concurrent requests on one session. One case table runs against
// every server-side storage; a new one joins by adding one entry to `storages`. What only one storage does is
// in its own file: eviction in memory.test.ts; keys, TTLs, outages and clients in redis.test.ts.
import { randomBytes } from 'node:crypto'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { MemoryStorage, RedisStorage, type SessionStorage } from '../../src/index.js'
import { withServer, type TestResponse, type TestServer } from '../_helpers/http.js'
import { CLIENT_KINDS, countingClient, redisFixture, type RedisClientKind } from '../_helpers/redis.js'
import { body, fetchWithin, Holds, storageApp } from './_storage-app.js'
import { CountingStorage, expectCleared, expectNoCookie, expectSaved, withCookie, type Data } from './_support.js'

const HEX_ID = /^[0-9a-f]{32}$/

// ---------------------------------------------------------------------------------------------------------------
// The table

/** One test's storage, and a look into its store from outside the app. */
interface Backend {
  /** The storage for the app; what reaches the store goes into `calls`. */
  readonly storage: SessionStorage
  /** What reached the store, in its own words (Redis commands; MemoryStorage's methods), for the app's requests only. */
  readonly calls: string[]
  /** The record under `id` as the store holds it (Redis: its text; MemoryStorage: the session it loads, as JSON); null when there is none. */
  record(id: string): Promise<string | null>
  /** The data of the session under `id`; undefined when there is none. */
  data(id: string): Promise<Data | undefined>
  /** Deletes the record under `id` from outside the app. */
  revoke(id: string): Promise<void>
  /** How many sessions the store holds: for a store of this test's own. */
  size?(): number
  /** The seconds the record under `id` has left in the store (Redis's TTL). */
  ttl?(id: string): Promise<number>
}

interface ServerStorageCase {
  readonly name: string
  /** Set up and tear down what open() needs (a server), around this storage's suite only. */
  before?(): Promise<void>
  after?(): Promise<void>
  /** True: run the test. False: what it needs is not installed here, skip (a SKIPPED line says so). Throws: fail. */
  ready(): boolean
  open(): Backend
  /** How `calls` says a load, and the first save of a new session. */
  readonly load: string
  readonly create: string
  /** How revoke() deletes a record, for the test names. */
  readonly revokedBy: string
  /** Logouts from outside the app, as other code on the same store does them: revoke(), and maybe others. */
  readonly logouts: readonly (readonly [how: string, logout: (b: Backend, id: string) => Promise<unknown>])[]
}

const memory: ServerStorageCase = {
  name: 'MemoryStorage',
  ready: () => true,
  open() {
    const inner = new MemoryStorage()
    const storage = new CountingStorage(inner)
    const loaded = (id: string) => inner.load(id)
    return {
      storage,
      calls: storage.log,
      record: async (id) => { const session = loaded(id); return session === undefined ? null : JSON.stringify(session) },
      data: async (id) => loaded(id)?.data,
      revoke: async (id) => inner.delete(id),
      size: () => inner.size,
    }
  },
  load: 'load',
  create: 'save',
  revokedBy: 'delete()',
  logouts: [['deleted (delete())', (b, id) => b.revoke(id)]],
}

function redisCase(kind: RedisClientKind): ServerStorageCase {
  const redis = redisFixture([kind])
  const command = (...args: string[]): Promise<unknown> => redis.server.command(...args)
  const get = async (id: string) => await command('GET', `session_${id}`) as string | null
  return {
    name: `RedisStorage (${kind})`,
    before: redis.before,
    after: redis.after,
    ready: redis.ready,
    open() {
      const calls: string[] = []
      return {
        storage: new RedisStorage(countingClient(redis.client(kind), calls)),
        calls,
        record: get,
        data: async (id) => {
          const text = await get(id)
          return text === null ? undefined : (JSON.parse(text) as { session?: Data }).session
        },
        revoke: async (id) => { await command('DEL', `session_${id}`) },
        ttl: async (id) => Number(await command('TTL', `session_${id}`)),
      }
    },
    load: 'GET',
    create: 'SET',
    revokedBy: 'DEL',
    // routechain logs out by deleting the record, aiohttp_session by writing {} over it
    logouts: [
      ['deleted (DEL)', (b, id) => b.revoke(id)],
      ["emptied as aiohttp_session's logout leaves it ({})", (_, id) => command('SET', `session_${id}`, '{}', 'EX', '60')],
    ],
  }
}

const storages: readonly ServerStorageCase[] = [memory, ...CLIENT_KINDS.map(redisCase)]

/**
 * Two requests on the session `id`, a setting `setA` and b setting `setB` (`key/value`), held until both have
 * loaded it, then let go one at a time, `order` first; each must answer 200. Answers a's and b's responses.
 */
async function heldPair(s: TestServer, holds: Holds, id: string, setA: string, setB: string, order: 'a' | 'b'): Promise<Record<'a' | 'b', TestResponse>> {
  const held = { a: holds.hold('a'), b: holds.hold('b') }
  try {
    const pending = {
      a: s.fetch(`/hold/a/${setA}`, { method: 'POST', ...withCookie(id) }),
      b: s.fetch(`/hold/b/${setB}`, { method: 'POST', ...withCookie(id) }),
    }
    await Promise.all([held.a.loaded, held.b.loaded]) // both hold the session as it was before either saved
    const answers: Partial<Record<'a' | 'b', TestResponse>> = {}
    for (const name of order === 'a' ? ['a', 'b'] as const : ['b', 'a'] as const) {
      held[name].release()
      const res = await fetchWithin(pending[name], `request ${name}`)
      assert.is(res.status, 200)
      answers[name] = res
    }
    return answers as Record<'a' | 'b', TestResponse>
  } finally {
    holds.releaseAll()
  }
}

// ---------------------------------------------------------------------------------------------------------------

for (const entry of storages) {
  const test = suite(`${entry.name} over HTTP: identities, reads, concurrency`)
  if (entry.before !== undefined) test.before(entry.before)
  if (entry.after !== undefined) test.after(entry.after)

  /** A test on a fresh storage of this entry (skipped when it is not ready), with an app on it serving `run`. */
  const serving = (title: string, run: (s: TestServer, b: Backend, holds: Holds) => Promise<void>): void => {
    test(title, async () => {
      if (!entry.ready()) return
      const b = entry.open()
      const holds = new Holds()
      await withServer(storageApp(b.storage, { holds }), (s) => run(s, b, holds))
    })
  }

  // ---- identities

  serving('invalidate() deletes the record and clears the cookie; the old cookie then loads a fresh session', async (s, b) => {
    const id = expectSaved(await s.fetch('/set/user/alice', { method: 'POST' }))
    assert.ok(await b.record(id) !== null)
    expectCleared(await s.fetch('/logout', { method: 'POST', ...withCookie(id) }))
    assert.is(await b.record(id), null)
    if (b.size !== undefined) assert.is(b.size(), 0)
    const again = await s.fetch('/whoami', withCookie(id))
    assert.equal(body(again), { isNew: true, data: {} })
    expectCleared(again)
  })

  serving('regenerate() moves the data to a new id and deletes the old record', async (s, b) => {
    const old = expectSaved(await s.fetch('/set/cart/3', { method: 'POST' }))
    const fresh = expectSaved(await s.fetch('/login', { method: 'POST', ...withCookie(old) }))
    assert.match(fresh, HEX_ID)
    assert.is.not(fresh, old)
    assert.is(await b.record(old), null)
    assert.equal(await b.data(fresh), { cart: '3', user: 'alice' })
    if (b.size !== undefined) assert.is(b.size(), 1)
    assert.equal(body(await s.fetch('/whoami', withCookie(old))), { isNew: true, data: {} })
  })

  serving('an id the server does not know is never adopted: a read clears it, a change gets a new id', async (s, b) => {
    const planted = randomBytes(16).toString('hex')
    const read = await s.fetch('/whoami', withCookie(planted))
    assert.equal(body(read), { isNew: true, data: {} })
    expectCleared(read)
    const issued = expectSaved(await s.fetch('/set/user/victim', { method: 'POST', ...withCookie(planted) }))
    assert.match(issued, HEX_ID)
    assert.is.not(issued, planted)
    assert.is(await b.record(planted), null, 'a record was created under the planted id')
    assert.equal(await b.data(issued), { user: 'victim' })
  })

  serving(`a session revoked from outside (${entry.revokedBy}) loads as fresh`, async (s, b) => {
    const id = expectSaved(await s.fetch('/set/user/alice', { method: 'POST' }))
    await b.revoke(id)
    const res = await s.fetch('/whoami', withCookie(id))
    assert.equal(body(res), { isNew: true, data: {} })
    expectCleared(res)
  })

  // a logout elsewhere while a request holds the session
  for (const [how, logout] of entry.logouts) {
    serving(`a request that changes a session ${how} meanwhile clears the cookie and does not bring the session back`, async (s, b, holds) => {
      const id = expectSaved(await s.fetch('/set/user/alice', { method: 'POST' }))
      const held = holds.hold('late')
      try {
        const pending = s.fetch('/hold/late/cart/9', { method: 'POST', ...withCookie(id) })
        await held.loaded
        await logout(b, id) // logged out elsewhere while this request held the session
        held.release()
        const res = await fetchWithin(pending, 'the held request')
        assert.is(res.status, 200)
        expectCleared(res)
      } finally {
        holds.releaseAll()
      }
      const left = await b.record(id)
      assert.ok(left === null || left === '{}', `the logged-out session was written back: ${String(left)}`)
      if (b.size !== undefined) assert.is(b.size(), 0)
      assert.equal(body(await s.fetch('/whoami', withCookie(id))), { isNew: true, data: {} })
    })
  }

  // ---- what is asked of the store when

  serving('requests that only read the session save nothing and send no cookie; a route that never asks loads nothing', async (s, b) => {
    const id = expectSaved(await s.fetch('/set/user/alice', { method: 'POST' }))
    assert.equal(b.calls, [entry.create])
    b.calls.length = 0
    const before = b.ttl === undefined ? undefined : await b.ttl(id)
    for (let i = 0; i < 3; i++) {
      const res = await s.fetch('/whoami', withCookie(id))
      assert.equal(body(res).data, { user: 'alice' })
      expectNoCookie(res)
    }
    assert.is((await s.fetch('/plain', withCookie(id))).status, 200)
    assert.equal(b.calls, [entry.load, entry.load, entry.load], `read-only requests sent ${JSON.stringify(b.calls)}`)
    if (b.ttl !== undefined) assert.ok(await b.ttl(id) <= (before as number), 'the TTL was refreshed by a read')
  })

  // ---- concurrency

  serving('two requests on one session at once, each setting another key: both keys survive', async (s, b, holds) => {
    const id = expectSaved(await s.fetch('/set/base/1', { method: 'POST' }))
    const answers = await heldPair(s, holds, id, 'x/from-a', 'y/from-b', 'a')
    assert.is(expectSaved(answers.a), id)
    assert.is(expectSaved(answers.b), id)
    assert.equal(await b.data(id), { base: '1', x: 'from-a', y: 'from-b' })
    assert.equal(body(await s.fetch('/whoami', withCookie(id))).data, { base: '1', x: 'from-a', y: 'from-b' })
  })

  serving('two requests on one session at once, setting the same key: the last write wins', async (s, b, holds) => {
    const id = expectSaved(await s.fetch('/set/base/1', { method: 'POST' }))
    await heldPair(s, holds, id, 'k/from-a', 'k/from-b', 'b')
    assert.equal(await b.data(id), { base: '1', k: 'from-a' })
    assert.equal(body(await s.fetch('/whoami', withCookie(id))).data, { base: '1', k: 'from-a' })
  })

  test.run()
}
