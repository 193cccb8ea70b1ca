// RedisStorage across processes, as replicas behind a load balancer: one real redis-server, two separate
// routechain processes (tests/_helpers/session-worker.ts, each with its own Redis client), one cookie jar playing
// the browser for both. A session made through one process is read and changed through the other, and a change
// or a logout in one is what the other sees next; node-redis in one process and ioredis in the other as well.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { request } from 'undici'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { haveRedis, startRedis, type RedisServer } from '../_helpers/redis.js'

const COOKIE = 'session' // the worker's default cookie name: records are `session_<id>`
// compiled next to this file's compiled copy: .build/tests/_helpers/session-worker.js
const WORKER = fileURLToPath(new URL('../_helpers/session-worker.js', import.meta.url))
const STARTUP_MS = 10_000
const DEFAULT_MAX_AGE = 7 * 24 * 3600
const ID = /^[0-9a-f]{32}$/

type ClientKind = 'node-redis' | 'ioredis'

// ---------------------------------------------------------------------------------------------------------------
// The app processes

interface Worker {
  readonly name: string
  readonly url: string
  readonly pid: number
  /** What the process logged so far (its log goes to stderr, a level first on each line). */
  stderr(): string
  stop(): Promise<void>
}

/** Starts one worker process on the given Redis; rejects if it has not printed its port within 10 s. */
async function startWorker(name: string, redisUrl: string, kind: ClientKind): Promise<Worker> {
  assert.ok(existsSync(WORKER), `the compiled worker is missing at ${WORKER}`)
  const child = spawn(process.execPath, ['--enable-source-maps', WORKER, redisUrl, kind, COOKIE], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const stop = (): Promise<void> => stopChild(child)
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker ${name} did not print its port within ${STARTUP_MS} ms; stderr:\n${stderr}`)), STARTUP_MS)
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
        reject(new Error(`worker ${name} exited (${code ?? signal}) before listening; stdout:\n${stdout}\nstderr:\n${stderr}`))
      })
    })
    return { name, url: `http://127.0.0.1:${port}`, pid: child.pid as number, stderr: () => stderr, stop }
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
// The browser: one cookie jar for both processes (cookies are not kept apart by port)

interface SessionView {
  pid: number
  new: boolean
  created: number
  data: Record<string, unknown>
}

interface Answer {
  status: number
  body: SessionView
  raw: string
  setCookie: string[]
}

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
      const maxAge = /;\s*max-age=(-?\d+)/i.exec(semicolon === -1 ? '' : line.slice(semicolon))
      if (maxAge !== null && Number(maxAge[1]) <= 0) this.#cookies.delete(pair.slice(0, eq).trim())
      else this.#cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim())
    }
  }
}

/** Calls a worker with the jar's cookies (or exactly `cookie`, to replay an old one) and keeps what it sets. */
async function call(jar: Jar, worker: Worker, path: string, cookie = jar.header()): Promise<Answer> {
  const res = await request(worker.url + path, {
    headers: cookie === undefined ? {} : { cookie },
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  })
  const raw = await res.body.text()
  const header = res.headers['set-cookie']
  const setCookie = header === undefined ? [] : Array.isArray(header) ? header : [header]
  jar.take(setCookie)
  let body: SessionView
  try {
    body = JSON.parse(raw) as SessionView
  } catch {
    body = { pid: 0, new: true, created: 0, data: { unparsed: raw } }
  }
  assert.is(res.statusCode, 200, `${worker.name} ${path} answered ${res.statusCode}: ${raw}\n${worker.name}'s log:\n${worker.stderr()}`)
  return { status: res.statusCode, body, raw, setCookie }
}

function noErrors(...workers: Worker[]): void {
  for (const worker of workers) {
    const errors = worker.stderr().split('\n').filter((line) => line.startsWith('error'))
    assert.equal(errors, [], `worker ${worker.name} logged errors:\n${worker.stderr()}`)
  }
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

const scaleOut = suite('RedisStorage scale-out: two processes, one Redis')

/** The whole exchange between process A (client `kindA`) and process B (client `kindB`) on one fresh Redis. */
async function sharedAcrossProcesses(kindA: ClientKind, kindB: ClientKind): Promise<void> {
  const redis = await startRedis()
  const workers: Worker[] = []
  const inspect = inspector(redis)
  try {
    const a = await startWorker(`A (${kindA})`, redis.url, kindA)
    workers.push(a)
    const b = await startWorker(`B (${kindB})`, redis.url, kindB)
    workers.push(b)
    const jar = new Jar()

    // (1) a session made through A: the cookie holds only an id; the record is in Redis, with a TTL
    const made = await call(jar, a, '/set?key=user&value=alice')
    assert.is(made.body.pid, a.pid)
    assert.is(made.body.new, true)
    const id = jar.get(COOKIE)
    assert.type(id, 'string', `A set no ${COOKIE} cookie: ${made.setCookie.join(' | ')}`)
    assert.match(id as string, ID)
    const record = await inspect.get(`${COOKIE}_${id as string}`)
    assert.type(record, 'string', `no Redis record ${COOKIE}_${id as string}; keys: ${(await inspect.keys('*')).join(', ')}`)
    assert.equal(JSON.parse(record as string), { created: made.body.created, session: { user: 'alice' } })
    const ttl = await inspect.ttl(`${COOKIE}_${id as string}`)
    assert.ok(ttl > DEFAULT_MAX_AGE - 10 && ttl <= DEFAULT_MAX_AGE, `the record's TTL is ${ttl}, not about ${DEFAULT_MAX_AGE}`)

    // (2) B, another process with its own client, reads it with the same cookie, and has nothing to rewrite
    const read = await call(jar, b, '/get')
    assert.is(read.body.pid, b.pid)
    assert.ok(a.pid !== b.pid && a.pid !== process.pid && b.pid !== process.pid, 'two separate app processes')
    assert.equal(read.body.data, { user: 'alice' })
    assert.is(read.body.new, false, 'the session A made is not new to B')
    assert.is(read.body.created, made.body.created)
    assert.equal(read.setCookie, [], 'B rewrites nothing it did not change')

    // (3) B changes it; the session keeps its id
    const changed = await call(jar, b, '/set?key=n&json=2')
    assert.equal(changed.body.data, { user: 'alice', n: 2 })
    assert.is(changed.body.new, false)
    assert.is(jar.get(COOKIE), id, 'a change keeps the session id')

    // (4) A sees B's change
    const seen = await call(jar, a, '/get')
    assert.is(seen.body.pid, a.pid)
    assert.equal(seen.body.data, { user: 'alice', n: 2 })
    assert.is(seen.body.new, false)
    assert.is(seen.body.created, made.body.created)

    // (5) A and B change different keys of the same session at the same time: neither change is lost (the
    // storage's compare-and-set sees the other process's write and merges this request's keys into it)
    const expected: Record<string, unknown> = { user: 'alice', n: 2 }
    for (let round = 0; round < 5; round++) {
      await Promise.all([call(jar, a, `/set?key=a${round}&json=${round}`), call(jar, b, `/set?key=b${round}&json=${round}`)])
      expected[`a${round}`] = round
      expected[`b${round}`] = round
    }
    assert.equal((await call(jar, b, '/get')).body.data, expected, 'concurrent changes from both processes all survive')
    assert.equal((await call(jar, a, '/get')).body.data, expected)
    assert.is(jar.get(COOKIE), id)
    assert.equal(await inspect.keys(`${COOKIE}_*`), [`${COOKIE}_${id as string}`], 'still one record for the one session')

    // (6) logout through A: the record is gone from Redis, so B refuses the old cookie even when it is replayed
    const out = await call(jar, a, '/invalidate')
    assert.is(jar.get(COOKIE), undefined, 'A cleared the cookie')
    assert.match(out.setCookie[0] ?? '', new RegExp(`^${COOKIE}=;.*Max-Age=0`))
    assert.is(await inspect.exists(`${COOKIE}_${id as string}`), 0, 'the record was deleted, not only the cookie')
    const replayed = await call(jar, b, '/get', `${COOKIE}=${id as string}`)
    assert.is(replayed.body.new, true, 'B treats a logged-out session as unknown')
    assert.equal(replayed.body.data, {})
    assert.match(replayed.setCookie[0] ?? '', new RegExp(`^${COOKIE}=;.*Max-Age=0`), 'B clears the stale cookie')
    assert.is(await inspect.exists(`${COOKIE}_${id as string}`), 0, 'B did not bring it back')

    noErrors(a, b)
  } finally {
    for (const worker of workers.reverse()) await worker.stop()
    await redis.stop()
  }
}

/** A logout through A while a request to B holds the same session: B's save must not bring it back. */
async function logoutDuringRequest(kindA: ClientKind, kindB: ClientKind): Promise<void> {
  const redis = await startRedis()
  const workers: Worker[] = []
  const inspect = inspector(redis)
  try {
    const a = await startWorker(`A (${kindA})`, redis.url, kindA)
    workers.push(a)
    const b = await startWorker(`B (${kindB})`, redis.url, kindB)
    workers.push(b)
    const jar = new Jar()
    await call(jar, a, '/set?key=user&value=alice')
    const id = jar.get(COOKIE) as string
    const key = `${COOKIE}_${id}`

    const slow = call(jar, b, '/held-set?key=cart&value=3')
    await call(jar, b, '/held') // B has loaded the session and holds it
    await call(new Jar(), a, '/invalidate', `${COOKIE}=${id}`)
    assert.is(await inspect.exists(key), 0)
    await call(jar, b, '/release')
    const saved = await slow
    assert.is(await inspect.exists(key), 0, "B's save did not bring the logged-out session back")
    assert.match(saved.setCookie[0] ?? '', new RegExp(`^${COOKIE}=;.*Max-Age=0`), 'B clears the cookie')
    assert.is(jar.get(COOKIE), undefined)
    const after = await call(new Jar(), a, '/get', `${COOKIE}=${id}`)
    assert.is(after.body.new, true)
    assert.equal(after.body.data, {})

    noErrors(a, b)
  } finally {
    for (const worker of workers.reverse()) await worker.stop()
    await redis.stop()
  }
}

scaleOut('node-redis in both processes: a session made in A is read and changed in B, and A sees the change', async () => {
  if (!haveRedis()) return
  await sharedAcrossProcesses('node-redis', 'node-redis')
})

scaleOut('ioredis in both processes: the same', async () => {
  if (!haveRedis()) return
  await sharedAcrossProcesses('ioredis', 'ioredis')
})

scaleOut('node-redis in A and ioredis in B share sessions on one Redis', async () => {
  if (!haveRedis()) return
  await sharedAcrossProcesses('node-redis', 'ioredis')
})

scaleOut('ioredis in A and node-redis in B share sessions on one Redis', async () => {
  if (!haveRedis()) return
  await sharedAcrossProcesses('ioredis', 'node-redis')
})

scaleOut('a logout through one process while a request to the other holds the session stays a logout', async () => {
  if (!haveRedis()) return
  await logoutDuringRequest('node-redis', 'ioredis')
})

scaleOut.run()
