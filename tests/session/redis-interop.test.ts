// routechain's RedisStorage against Python's real aiohttp_session RedisStorage (Debian's python3-aiohttp-session,
// with python3-redis standing in for aioredis 2: see tests/_helpers/aiohttp_redis_app.py), on one real
// redis-server, over real HTTP. With the same cookie name both keep a session at `<cookie name>_<id>` with the id
// in the cookie: a session one side writes is the session the other side reads and changes. One cookie jar plays
// the browser for both servers (cookies are not kept apart by port).
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { request } from 'undici'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createApp, json, RedisStorage, type RedisClientLike, type RouteRequest, type Session } from '../../src/index.js'
import { recordingLogger, serve, type TestServer } from '../_helpers/http.js'
import { connectClient, haveRedis, startRedis, type RedisClientKind, type RedisServer, type TestRedisClient } from '../_helpers/redis.js'
import { hasPythonModules, needs } from '../_helpers/services.js'

const COOKIE = 'AIOHTTP_SESSION'
const PYTHON = '/usr/bin/python3' // Debian's: the python3 first on PATH may not have the modules
// compiled to .build/tests/session/; the script stays in the source tree
const PY_APP = fileURLToPath(new URL('../../../tests/_helpers/aiohttp_redis_app.py', import.meta.url))
const STARTUP_MS = 10_000
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
// The Python side

interface PythonServer {
  readonly url: string
  stderr(): string
  stop(): Promise<void>
}

/** Starts tests/_helpers/aiohttp_redis_app.py on a free port; rejects if it has not printed its port within 10 s. */
async function startPython(redisPort: number): Promise<PythonServer> {
  assert.ok(existsSync(PY_APP), `the Python app is missing at ${PY_APP}`)
  const child = spawn(PYTHON, [PY_APP, String(redisPort), COOKIE, '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
  })
  let stdout = ''
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const stop = (): Promise<void> => stopChild(child)
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the aiohttp app did not print its port within ${STARTUP_MS} ms; stderr:\n${stderr}`)), STARTUP_MS)
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk
        const line = /^(\d+)\r?\n/.exec(stdout)
        if (line !== null) {
          clearTimeout(timer)
          resolve(Number(line[1]))
        }
      })
      child.once('error', (error) => {
        clearTimeout(timer)
        reject(error)
      })
      child.once('exit', (code, signal) => {
        clearTimeout(timer)
        reject(new Error(`the aiohttp app exited (${code ?? signal}) before listening; stdout:\n${stdout}\nstderr:\n${stderr}`))
      })
    })
    return { url: `http://127.0.0.1:${port}`, stderr: () => stderr, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

/** Ends a child we started: SIGTERM, then SIGKILL if it has not gone after 2 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 2000)
  await exited
  clearTimeout(timer)
}

// ---------------------------------------------------------------------------------------------------------------
// The routechain side: the Python app's routes, plus /remember (setMaxAge) and /held-set (a save held open)

interface RoutechainServer extends TestServer {
  readonly logLines: string[]
  /** Resolves when a /held-set request holds its session; `release()` lets it save. */
  held(): Promise<void>
  release(): void
}

function field(req: RouteRequest, name: string): string | undefined {
  const value = req.query[name]
  return Array.isArray(value) ? value[0] : value
}

async function startRoutechain(client: RedisClientLike): Promise<RoutechainServer> {
  const { lines, logger } = recordingLogger()
  const app = createApp({ logger, session: { storage: new RedisStorage(client), cookie: { name: COOKIE } } })
  const describe = (session: Session<Record<string, unknown>>) =>
    json({ new: session.isNew, created: session.createdAt, data: session.toJSON() })
  const open = (req: RouteRequest) => req.session<Record<string, unknown>>()
  let holding = deferred()
  let gate = deferred()

  app.get('/get', async (req) => describe(await open(req)))
  app.get('/set', async (req) => {
    const session = await open(req)
    const data = field(req, 'data')
    const key = field(req, 'key')
    if (data !== undefined) {
      for (const [k, v] of Object.entries(JSON.parse(data) as Record<string, unknown>)) session.set(k, v)
    } else if (key !== undefined && field(req, 'json') !== undefined) {
      session.set(key, JSON.parse(field(req, 'json') as string))
    } else if (key !== undefined && field(req, 'value') !== undefined) {
      session.set(key, field(req, 'value'))
    } else {
      return json({ error: 'give key and value, key and json, or data' }, { status: 400 })
    }
    return describe(session)
  })
  app.get('/del', async (req) => {
    const session = await open(req)
    session.delete(field(req, 'key') ?? '')
    return describe(session)
  })
  app.get('/invalidate', async (req) => {
    const session = await open(req)
    session.invalidate()
    return describe(session)
  })
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
  const server = await serve(app)
  return Object.assign(server, {
    logLines: lines,
    held: () => holding.promise,
    release: () => {
      gate.resolve()
      holding = deferred()
      gate = deferred()
    },
  })
}

/** A promise and the function that resolves it (Node 20 has no Promise.withResolvers). */
function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void
  const promise = new Promise<void>((r) => { resolve = r })
  return { promise, resolve }
}

/** Looks straight into Redis, through the server helper's own client. */
function inspector(redis: RedisServer) {
  return {
    get: async (key: string) => await redis.command('GET', key) as string | null,
    ttl: async (key: string) => Number(await redis.command('TTL', key)),
    exists: async (key: string) => Number(await redis.command('EXISTS', key)),
    keys: async (pattern: string) => (await redis.command('KEYS', pattern) as string[]).sort(),
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The browser: one cookie jar for both servers

interface SessionView {
  new: boolean
  created: number
  /** Python's answers only: the session's id as aiohttp_session holds it (null for a new one). */
  identity?: string | null
  data: Record<string, unknown>
}

interface Answer {
  status: number
  body: SessionView
  raw: string
  setCookie: string[]
}

/** Keeps cookies as a browser does: the raw value between `NAME=` and the first `;`. */
class Jar {
  readonly #cookies = new Map<string, string>()

  get(name: string): string | undefined {
    return this.#cookies.get(name)
  }

  header(): string | undefined {
    return this.#cookies.size === 0 ? undefined : [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  take(setCookie: readonly string[]): void {
    for (const line of setCookie) {
      const semicolon = line.indexOf(';')
      const pair = semicolon === -1 ? line : line.slice(0, semicolon)
      const eq = pair.indexOf('=')
      if (eq === -1) continue
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      const attributes = semicolon === -1 ? '' : line.slice(semicolon)
      const maxAge = /;\s*max-age=(-?\d+)/i.exec(attributes)
      const expires = /;\s*expires=([^;]+)/i.exec(attributes)
      const gone = maxAge !== null
        ? Number(maxAge[1]) <= 0
        : expires !== null && Date.parse((expires[1] as string).replace(/-/g, ' ')) <= Date.now()
      if (gone) this.#cookies.delete(name)
      else this.#cookies.set(name, value)
    }
  }
}

interface Sides {
  readonly python: PythonServer
  readonly rc: RoutechainServer
}

/** Calls one server with the jar's cookies (or exactly `cookie`, to replay an old one); asserts a 200. */
async function call(sides: Sides, jar: Jar, side: 'python' | 'rc', path: string, cookie = jar.header()): Promise<Answer> {
  const base = side === 'python' ? sides.python.url : sides.rc.url
  const res = await request(base + path, { headers: cookie === undefined ? {} : { cookie }, headersTimeout: 10_000, bodyTimeout: 10_000 })
  const raw = await res.body.text()
  const header = res.headers['set-cookie']
  const setCookie = header === undefined ? [] : Array.isArray(header) ? header : [header]
  jar.take(setCookie)
  let body: SessionView
  try {
    body = JSON.parse(raw) as SessionView
  } catch {
    body = { new: true, created: 0, data: { unparsed: raw } }
  }
  const who = side === 'python' ? 'Python' : 'routechain'
  assert.is(res.statusCode, 200, `${who} ${path} answered ${res.statusCode}: ${raw}\nPython stderr:\n${sides.python.stderr()}\nroutechain log:\n${sides.rc.logLines.join('\n')}`)
  return { status: res.statusCode, body, raw, setCookie }
}

function setPath(data: Record<string, unknown>): string {
  return `/set?data=${encodeURIComponent(JSON.stringify(data))}`
}

function noErrors(rc: RoutechainServer): void {
  assert.equal(rc.logLines.filter((line) => line.startsWith('error')), [], 'routechain logged errors')
}

const ALICE = { user: 'alice', n: 1, unicode: 'héllo ✓' }
const TRICKY = { tricky: 'a;b,c "q" \\back\\ /sl=ash\t é ✓ 😀', nested: { list: [1, 'two', null, true], empty: {} } }
const CLEARED = new RegExp(`^${COOKIE}=(""|);.*Max-Age=0`, 'i')

/** Runs `body` with a fresh redis-server, the Python app on it, and routechain on it through a `kind` client. */
async function withBoth(kind: RedisClientKind, body: (sides: Sides, inspect: ReturnType<typeof inspector>) => Promise<void>): Promise<void> {
  const redis = await startRedis()
  let python: PythonServer | undefined
  let client: TestRedisClient | undefined
  let rc: RoutechainServer | undefined
  try {
    python = await startPython(redis.port)
    client = await connectClient(redis, kind)
    rc = await startRoutechain(client.client)
    await body({ python, rc }, inspector(redis))
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
