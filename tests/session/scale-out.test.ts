// RedisStorage across processes, as replicas behind a load balancer: one real redis-server, two separate
// routechain processes (tests/_helpers/session-worker.ts, each with its own Redis client), one cookie jar playing
// the browser for both. A session made through one process is read and changed through the other, and a change
// or a logout in one is what the other sees next; node-redis in one process and ioredis in the other as well.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { Jar, type Answer } from '../_helpers/cookie-jar.js'
import { startServerProcess, type ServerProcess } from '../../bench/server-process.js'
import { haveRedis, inspectRedis, startRedis } from '../_helpers/redis.js'

const COOKIE = 'session' // the worker's default cookie name: records are `session_<id>`
// compiled next to this file's compiled copy: .build/tests/_helpers/session-worker.js
const WORKER = fileURLToPath(new URL('../_helpers/session-worker.js', import.meta.url))
const DEFAULT_MAX_AGE = 7 * 24 * 3600
const ID = /^[0-9a-f]{32}$/

type ClientKind = 'node-redis' | 'ioredis'

// ---------------------------------------------------------------------------------------------------------------
// The app processes, and one cookie jar for both (cookies are not kept apart by port)

/** Starts one worker process on the given Redis; rejects if it has not printed its port within 10 s. */
async function startWorker(name: string, redisUrl: string, kind: ClientKind): Promise<ServerProcess> {
  assert.ok(existsSync(WORKER), `the compiled worker is missing at ${WORKER}`)
  return startServerProcess(`worker ${name}`, process.execPath, ['--enable-source-maps', WORKER, redisUrl, kind, COOKIE])
}

/** Calls a worker with the jar's cookies (or exactly `cookie`, to replay an old one); asserts a 200. */
async function call(jar: Jar, worker: ServerProcess, path: string, cookie = jar.header()): Promise<Answer> {
  const answer = await jar.call(worker.url + path, cookie)
  assert.is(answer.status, 200, `${worker.name} ${path} answered ${answer.status}: ${answer.raw}\n${worker.name}'s log:\n${worker.stderr()}`)
  return answer
}

function noErrors(...workers: ServerProcess[]): void {
  for (const worker of workers) {
    const errors = worker.stderr().split('\n').filter((line) => line.startsWith('error'))
    assert.equal(errors, [], `${worker.name} logged errors:\n${worker.stderr()}`)
  }
}

/**
 * Runs `body` with a fresh redis-server and two worker processes on it, A with a `kindA` client and B with a
 * `kindB` one; then checks that neither logged an error, and stops them all.
 */
async function withWorkers(
  kindA: ClientKind,
  kindB: ClientKind,
  body: (a: ServerProcess, b: ServerProcess, inspect: ReturnType<typeof inspectRedis>) => Promise<void>,
): Promise<void> {
  const redis = await startRedis()
  const workers: ServerProcess[] = []
  try {
    const a = await startWorker(`A (${kindA})`, redis.url, kindA)
    workers.push(a)
    const b = await startWorker(`B (${kindB})`, redis.url, kindB)
    workers.push(b)
    await body(a, b, inspectRedis(redis))
    noErrors(a, b)
  } finally {
    for (const worker of workers.reverse()) await worker.stop()
    await redis.stop()
  }
}

// ---------------------------------------------------------------------------------------------------------------

const scaleOut = suite('RedisStorage scale-out: two processes, one Redis')

/** The whole exchange between process A (client `kindA`) and process B (client `kindB`) on one fresh Redis. */
async function sharedAcrossProcesses(kindA: ClientKind, kindB: ClientKind): Promise<void> {
  await withWorkers(kindA, kindB, async (a, b, inspect) => {
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
  })
}

/** A logout through A while a request to B holds the same session: B's save must not bring it back. */
async function logoutDuringRequest(kindA: ClientKind, kindB: ClientKind): Promise<void> {
  await withWorkers(kindA, kindB, async (a, b, inspect) => {
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
  })
}

const pairs: readonly (readonly [ClientKind, ClientKind, string])[] = [
  ['node-redis', 'node-redis', 'node-redis in both processes: a session made in A is read and changed in B, and A sees the change'],
  ['ioredis', 'ioredis', 'ioredis in both processes: the same'],
  ['node-redis', 'ioredis', 'node-redis in A and ioredis in B share sessions on one Redis'],
  ['ioredis', 'node-redis', 'ioredis in A and node-redis in B share sessions on one Redis'],
]
for (const [kindA, kindB, title] of pairs) {
  scaleOut(title, async () => {
    if (!haveRedis()) return
    await sharedAcrossProcesses(kindA, kindB)
  })
}

scaleOut('a logout through one process while a request to the other holds the session stays a logout', async () => {
  if (!haveRedis()) return
  await logoutDuringRequest('node-redis', 'ioredis')
})

scaleOut.run()
