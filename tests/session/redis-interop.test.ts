// routechain's RedisStorage against Python's real aiohttp_session RedisStorage (Debian's python3-aiohttp-session,
// with python3-redis standing in for aioredis 2: see redis_storage() in tests/_helpers/aiohttp_app.py), on one
// real redis-server, over real HTTP. With the same cookie name both keep a session at `<cookie name>_<id>` with
// the id in the cookie: a session one side writes is the session the other side reads and changes. One cookie
// jar plays the browser for both servers (cookies are not kept apart by port).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { RedisStorage } from '../../src/index.js'
import { deferred } from '../_helpers/async.js'
import { Jar, type Answer } from '../_helpers/cookie-jar.js'
import type { ServerProcess } from '../../bench/server-process.js'
import { AIOHTTP_APP, startPythonApp } from '../_helpers/python.js'
import { connectClient, haveRedis, inspectRedis, startRedis, type RedisClientKind, type TestRedisClient } from '../_helpers/redis.js'
import { hasPythonModules, needs } from '../_helpers/services.js'
import { ALICE, COOKIE, describe, field, noErrors, open, setPath, startRoutechain, TRICKY, type RoutechainServer } from './_interop.js'

const DEFAULT_MAX_AGE = 7 * 24 * 3600
const ID = /^[0-9a-f]{32}$/

function havePython(): boolean {
  return needs(
    'Python aiohttp_session with python3-redis',
    hasPythonModules('aiohttp', 'aiohttp_session', 'redis'),
    'apt-get install python3-aiohttp-session python3-redis',
  )
}

// ---------------------------------------------------------------------------------------------------------------
// The routechain side: the Python app's routes, plus /remember (setMaxAge) and /held-set (a save held open)

interface HoldingServer extends RoutechainServer {
  /** Resolves when a /held-set request holds its session; `release()` lets it save. */
  held(): Promise<void>
  release(): void
}

async function startHolding(storage: RedisStorage): Promise<HoldingServer> {
  let holding = deferred()
  let gate = deferred()
  const server = await startRoutechain(storage, (app) => {
    app.get('/remember', async (req) => {
      const session = await open(req)
      session.setMaxAge(Number(field(req, 'seconds')))
      return describe(session)
    })
    // loads the session, says so, waits for the test to let it go, then sets key=value and saves
    app.get('/held-set', async (req) => {
      const session = await open(req)
      holding.resolve()
      await gate.promise
      session.set(field(req, 'key') ?? '', field(req, 'value'))
      return describe(session)
    })
  })
  return Object.assign(server, {
    held: () => holding.promise,
    release: () => {
      gate.resolve()
      holding = deferred()
      gate = deferred()
    },
  })
}

// ---------------------------------------------------------------------------------------------------------------
// The browser: one cookie jar for both servers

interface Sides {
  readonly python: ServerProcess
  readonly rc: HoldingServer
}

/** Calls one server with the jar's cookies (or exactly `cookie`, to replay an old one); asserts a 200. */
async function call(sides: Sides, jar: Jar, side: 'python' | 'rc', path: string, cookie = jar.header()): Promise<Answer> {
  const answer = await jar.call((side === 'python' ? sides.python.url : sides.rc.url) + path, cookie)
  const who = side === 'python' ? 'Python' : 'routechain'
  assert.is(answer.status, 200, `${who} ${path} answered ${answer.status}: ${answer.raw}\nPython stderr:\n${sides.python.stderr()}\nroutechain log:\n${sides.rc.logLines.join('\n')}`)
  return answer
}

const CLEARED = new RegExp(`^${COOKIE}=(""|);.*Max-Age=0`, 'i')

/** Runs `body` with a fresh redis-server, the Python app on it, and routechain on it through a `kind` client. */
async function withBoth(kind: RedisClientKind, body: (sides: Sides, inspect: ReturnType<typeof inspectRedis>) => Promise<void>): Promise<void> {
  const redis = await startRedis()
  let python: ServerProcess | undefined
  let client: TestRedisClient | undefined
  let rc: HoldingServer | undefined
  try {
    python = await startPythonApp(AIOHTTP_APP, ['redis', String(redis.port), COOKIE, '0'])
    client = await connectClient(redis, kind)
    rc = await startHolding(new RedisStorage(client.client))
    await body({ python, rc }, inspectRedis(redis))
    noErrors(rc)
  } finally {
    rc?.release() // a held request, if a failed assertion left one, lets go so the server can close
    await rc?.close()
    await client?.close()
    await python?.stop()
    await redis.stop()
  }
}

// ---------------------------------------------------------------------------------------------------------------

const interop = suite('aiohttp_session RedisStorage interop')

async function sharesSessions(kind: RedisClientKind): Promise<void> {
  await withBoth(kind, async (sides, inspect) => {
    // (1) Python sets → routechain reads the same session: the same id in the cookie, the same record
    const jar = new Jar()
    const set = await call(sides, jar, 'python', setPath({ ...ALICE, ...TRICKY, drop: 'me' }))
    const id = jar.get(COOKIE)
    assert.type(id, 'string', `Python set no ${COOKIE} cookie: ${set.setCookie.join(' | ')}`)
    assert.match(id as string, ID, "Python's id is uuid4().hex")
    const key = `${COOKIE}_${id as string}`
    const pythonRecord = await inspect.get(key)
    assert.type(pythonRecord, 'string', `no Redis record ${key}; keys: ${(await inspect.keys('*')).join(', ')}`)
    assert.equal(JSON.parse(pythonRecord as string), { created: set.body.created, session: { ...ALICE, ...TRICKY, drop: 'me' } })
    const got = await call(sides, jar, 'rc', '/get')
    assert.equal(got.body.data, { ...ALICE, ...TRICKY, drop: 'me' }, "routechain reads the session Python wrote")
    assert.is(got.body.new, false, 'a session Python wrote is not new to routechain')
    assert.is(got.body.created, set.body.created, "routechain keeps Python's created")
    assert.equal(got.setCookie, [], 'routechain rewrites nothing it did not change')
    assert.is(await inspect.get(key), pythonRecord, 'the record is untouched')

    // (2) routechain changes and removes keys → the same id, the same record → Python reads the change
    const changed = await call(sides, jar, 'rc', setPath({ n: 2, by: 'routechain', unicode: 'ça ✓✓' }))
    assert.is(changed.body.new, false)
    assert.is(changed.setCookie.length, 1, 'routechain saves the change')
    await call(sides, jar, 'rc', '/del?key=drop')
    assert.is(jar.get(COOKIE), id, 'routechain keeps the id Python gave the session')
    assert.equal(await inspect.keys(`${COOKIE}_*`), [key], 'still one record, under the same key')
    const expected = { ...ALICE, ...TRICKY, n: 2, by: 'routechain', unicode: 'ça ✓✓' }
    const seen = await call(sides, jar, 'python', '/get')
    assert.equal(seen.body.data, expected, "Python sees routechain's change")
    assert.is(seen.body.new, false)
    assert.is(seen.body.identity, id)

    // (3) Python changes it again → routechain reads that
    const again = await call(sides, jar, 'python', '/set?key=n&json=3')
    const back = await call(sides, jar, 'rc', '/get')
    assert.equal(back.body.data, { ...expected, n: 3 }, "routechain sees Python's change")
    assert.is(back.body.new, false)
    assert.is(back.body.created, again.body.created, "Python's created (it resets it on every change)")

    // (4) logout in routechain: the record is deleted and the cookie cleared; Python sees a fresh session,
    // even when the old cookie is replayed
    const out = await call(sides, jar, 'rc', '/invalidate')
    assert.match(out.setCookie[0] ?? '', CLEARED)
    assert.is(jar.get(COOKIE), undefined, 'routechain cleared the cookie')
    assert.is(await inspect.exists(key), 0, 'routechain deleted the record')
    const after = await call(sides, jar, 'python', '/get')
    assert.equal(after.body.data, {})
    assert.is(after.body.new, true)
    const replayed = await call(sides, new Jar(), 'python', '/get', `${COOKIE}=${id as string}`)
    assert.equal(replayed.body.data, {}, 'the old cookie finds nothing in Redis')
    assert.is(replayed.body.new, true)

    // (5) routechain creates a session → Python reads it: routechain's id, routechain's record with a TTL
    const jar2 = new Jar()
    const made = await call(sides, jar2, 'rc', setPath({ ...ALICE, ...TRICKY }))
    assert.is(made.body.new, true)
    const id2 = jar2.get(COOKIE)
    assert.type(id2, 'string', `routechain set no ${COOKIE} cookie: ${made.setCookie.join(' | ')}`)
    assert.match(id2 as string, ID, 'routechain ids have the shape of uuid4().hex')
    const key2 = `${COOKIE}_${id2 as string}`
    assert.equal(JSON.parse(await inspect.get(key2) ?? 'null'), { created: made.body.created, session: { ...ALICE, ...TRICKY } })
    const ttl = await inspect.ttl(key2)
    assert.ok(ttl > DEFAULT_MAX_AGE - 10 && ttl <= DEFAULT_MAX_AGE, `the record's TTL is ${ttl}, not about ${DEFAULT_MAX_AGE}`)
    const read = await call(sides, jar2, 'python', '/get')
    assert.equal(read.body.data, { ...ALICE, ...TRICKY }, 'Python reads the session routechain made')
    assert.is(read.body.new, false, 'a session routechain made is not new to Python')
    assert.is(read.body.identity, id2)
    assert.is(read.body.created, made.body.created, "Python keeps routechain's created")
    assert.equal(read.setCookie, [], 'Python rewrites nothing it did not change')

    // (6) logout in Python: aiohttp_session writes {} to the record (it does not delete it) and clears the
    // cookie; routechain, given the old cookie, takes {} for no session, starts afresh and clears the cookie
    const pyOut = await call(sides, jar2, 'python', '/invalidate')
    assert.match(pyOut.setCookie[0] ?? '', CLEARED)
    assert.is(jar2.get(COOKIE), undefined)
    assert.is(await inspect.get(key2), '{}', "aiohttp_session's RedisStorage keeps an emptied session as {}")
    const stale = await call(sides, new Jar(), 'rc', '/get', `${COOKIE}=${id2 as string}`)
    assert.equal(stale.body.data, {})
    assert.is(stale.body.new, true, "routechain takes Python's {} for no session")
    assert.match(stale.setCookie[0] ?? '', CLEARED, 'and clears the stale cookie')
    // a change then makes a new session under a new id; the emptied record is not brought back to life
    const fresh = new Jar()
    fresh.take([`${COOKIE}=${id2 as string}`])
    await call(sides, fresh, 'rc', '/set?key=user&value=carol')
    const id3 = fresh.get(COOKIE)
    assert.match(id3 ?? '', ID)
    assert.ok(id3 !== id2, 'a new id, not the one Python emptied')
    assert.equal((await call(sides, fresh, 'python', '/get')).body.data, { user: 'carol' })
  })
}

interop('node-redis client: Python and routechain share sessions through Redis both ways', async () => {
  if (!havePython() || !haveRedis()) return
  await sharesSessions('node-redis')
})

interop('ioredis client: Python and routechain share sessions through Redis both ways', async () => {
  if (!havePython() || !haveRedis()) return
  await sharesSessions('ioredis')
})

interop('NaN and -Infinity that Python stored survive a change by routechain', async () => {
  if (!havePython() || !haveRedis()) return
  await withBoth('node-redis', async (sides, inspect) => {
    const jar = new Jar()
    await call(sides, jar, 'python', '/set?key=x&json=NaN')
    await call(sides, jar, 'python', '/set?key=y&json=-Infinity')
    const changed = await call(sides, jar, 'rc', '/set?key=z&value=1')
    assert.is(changed.body.new, false, 'the session Python wrote loaded in routechain')
    const record = await inspect.get(`${COOKIE}_${jar.get(COOKIE) ?? ''}`)
    assert.match(record ?? '', /"x":NaN/, `routechain wrote ${String(record)}`)
    assert.match(record ?? '', /"y":-Infinity/)
    const back = await call(sides, jar, 'python', '/get')
    assert.match(back.raw, /"x": NaN/)
    assert.match(back.raw, /"y": -Infinity/)
    assert.match(back.raw, /"z": "1"/)
  })
})

interop('a change Python makes while a routechain request holds the session survives routechain’s save', async () => {
  if (!havePython() || !haveRedis()) return
  await withBoth('node-redis', async (sides) => {
    const jar = new Jar()
    await call(sides, jar, 'python', setPath({ user: 'alice' }))
    // routechain loads the session and holds it; Python (plain SET, no compare) changes it meanwhile
    const slow = call(sides, jar, 'rc', '/held-set?key=cart&value=3')
    await sides.rc.held()
    await call(sides, jar, 'python', '/set?key=theme&value=dark')
    sides.rc.release()
    const saved = await slow
    assert.equal(saved.body.data, { user: 'alice', cart: '3' }, 'what the held request saw')
    // routechain's compare-and-set saw the record change and merged its one key into Python's version
    const seen = await call(sides, jar, 'python', '/get')
    assert.equal(seen.body.data, { user: 'alice', theme: 'dark', cart: '3' }, "neither side's change is lost")
  })
})

interop('a logout in Python while a routechain request holds the session stays a logout', async () => {
  if (!havePython() || !haveRedis()) return
  await withBoth('node-redis', async (sides, inspect) => {
    const jar = new Jar()
    await call(sides, jar, 'python', setPath({ user: 'alice' }))
    const id = jar.get(COOKIE) as string
    const key = `${COOKIE}_${id}`
    // routechain loads the session and holds it (a slow request); the user logs out on the Python side, which
    // aiohttp_session does by writing {} to the record (it never deletes it)
    const slow = call(sides, jar, 'rc', '/held-set?key=cart&value=3')
    await sides.rc.held()
    await call(sides, new Jar(), 'python', '/invalidate', `${COOKIE}=${id}`)
    assert.is(await inspect.get(key), '{}')
    sides.rc.release()
    const saved = await slow
    // as when the record was deleted (SessionGoneError): the slow request must not bring the session back
    assert.is(await inspect.get(key), '{}', 'routechain wrote the logged-out session back into Redis')
    assert.match(saved.setCookie[0] ?? '', CLEARED, 'routechain clears the cookie of a session logged out meanwhile')
    const after = await call(sides, new Jar(), 'python', '/get', `${COOKIE}=${id}`)
    assert.equal(after.body.data, {}, 'Python sees the logged-out session come back')
    assert.is(after.body.new, true)
  })
})

interop('setMaxAge in routechain: max_age and the TTL follow it; Python reads the session and drops max_age on a change', async () => {
  if (!havePython() || !haveRedis()) return
  await withBoth('node-redis', async (sides, inspect) => {
    const jar = new Jar()
    await call(sides, jar, 'rc', '/set?key=user&value=alice')
    const remembered = await call(sides, jar, 'rc', '/remember?seconds=3600')
    assert.match(remembered.setCookie[0] ?? '', /Max-Age=3600/)
    const key = `${COOKIE}_${jar.get(COOKIE) ?? ''}`
    const record = JSON.parse(await inspect.get(key) ?? 'null') as Record<string, unknown>
    assert.is(record.max_age, 3600, "routechain's own field, beside created and session")
    const ttl = await inspect.ttl(key)
    assert.ok(ttl > 3590 && ttl <= 3600, `the record's TTL is ${ttl}, not about 3600`)
    const read = await call(sides, jar, 'python', '/get')
    assert.equal(read.body.data, { user: 'alice' }, 'Python ignores max_age')
    assert.is(read.body.new, false)
    // Python's rewrite keeps only created and session, and (with no max_age of its own) no TTL: as README says
    await call(sides, jar, 'python', '/set?key=n&json=1')
    assert.equal(Object.keys(JSON.parse(await inspect.get(key) ?? '{}') as object).sort(), ['created', 'session'])
    assert.is(await inspect.ttl(key), -1, 'aiohttp_session writes ex=None: no expiry in Redis')
    const back = await call(sides, jar, 'rc', '/get')
    assert.equal(back.body.data, { user: 'alice', n: 1 })
    assert.is(back.body.new, false)
  })
})

interop.run()
