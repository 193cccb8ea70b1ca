// RedisStorage behind Redis Sentinel: a master, two replicas and three sentinels on loopback, through
// node-redis's createSentinel() and ioredis's `new Redis({ sentinels, name })`. A session is made and read back;
// then the master is SIGKILLed and requests go on: until a replica is promoted each one gets 503 with
// Retry-After (never a 500), and after it what is written reads back. Replication is asynchronous, so what was
// written before the kill may be lost; the test only notes whether it was.
import { Redis } from 'ioredis'
import { createSentinel } from 'redis'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createApp, RedisStorage, type App, type RedisClientLike } from '../../src/index.js'
import { sleep, within } from '../_helpers/async.js'
import { Jar } from '../_helpers/cookie-jar.js'
import { haveRedisSentinel, startRedisSentinel, type RedisSentinel } from '../_helpers/redis-sentinel.js'

const test = suite('RedisStorage behind Redis Sentinel')

/** How long the app may take to serve requests again after the master is killed. */
const RECOVERY_LIMIT = 15_000

let available = false
let sentinel: RedisSentinel | undefined
let client: { close(): Promise<unknown> } | undefined

test.before(() => {
  available = haveRedisSentinel()
})

// each test kills a master: each gets a setup of its own, stopped after it whatever happened
test.after.each(async () => {
  await client?.close()
  client = undefined
  await sentinel?.stop()
  sentinel = undefined
})

type Kind = 'node-redis' | 'ioredis'

async function clientFor(kind: Kind, on: RedisSentinel): Promise<RedisClientLike> {
  if (kind === 'node-redis') {
    const c = createSentinel({ name: on.name, sentinelRootNodes: [...on.sentinels] })
    c.on('error', () => {})
    client = { close: () => c.destroy() }
    await within(c.connect(), 10_000, 'node-redis connecting through the sentinels')
    return c as unknown as RedisClientLike
  }
  const c = new Redis({ sentinels: [...on.sentinels], name: on.name, lazyConnect: true })
  c.on('error', () => {})
  client = { close: async () => c.disconnect() }
  await within(c.connect(), 10_000, 'ioredis connecting through the sentinels')
  return c
}

function sessionApp(redis: RedisClientLike): App {
  const app = createApp({ logger: { error() {}, warn() {}, info() {}, debug() {} }, session: { storage: new RedisStorage(redis) } })
  app.get('/login/:user', async (req) => {
    (await req.session()).set('user', req.params.user)
    return 'in'
  })
  app.get('/set/:key/:value', async (req) => {
    (await req.session()).set(req.params.key, req.params.value)
    return 'set'
  })
  app.get('/me', async (req) => ({ ...(await req.session()).toJSON() }))
  return app
}

interface Answer { status: number; body: string; retryAfter: string | null }

async function send(app: App, jar: Jar, path: string): Promise<Answer> {
  const cookie = jar.header()
  const response = await app.request(path, cookie === undefined ? {} : { headers: { cookie } })
  jar.take(response.headers.getSetCookie())
  return { status: response.status, body: await response.text(), retryAfter: response.headers.get('retry-after') }
}

for (const kind of ['node-redis', 'ioredis'] as const) {
  test(`${kind}: after the master is killed, 503 with Retry-After until a replica is promoted, then sessions work again`, async () => {
    if (!available) return
    const on = sentinel = await startRedisSentinel()
    const app = sessionApp(await clientFor(kind, on))
    const before = new Jar()
    assert.is((await send(app, before, '/login/ann')).status, 200, 'a login before the failover')
    assert.equal(JSON.parse((await send(app, before, '/me')).body), { user: 'ann' })

    const killed = await on.killMaster()
    const killedAt = Date.now()
    const during = new Jar()
    const failures: Answer[] = []
    let recovered: { after: number; n: number } | undefined
    // one request at a time; a failed one takes up to the command timeout, so 300 is far more than 15 s allow
    for (let n = 0; n < 300 && recovered === undefined && Date.now() - killedAt < RECOVERY_LIMIT; n++) {
      const answer = await send(app, during, `/set/n/${n}`)
      if (answer.status === 200) recovered = { after: Date.now() - killedAt, n }
      else {
        failures.push(answer)
        await sleep(50)
      }
    }
    assert.ok(recovered !== undefined, `no request succeeded within ${RECOVERY_LIMIT} ms of the kill (${failures.length} failed)`)
    for (const failure of failures) {
      assert.is(failure.status, 503, `a request during the failover: ${failure.status} ${failure.body}`)
      assert.is(failure.retryAfter, '1')
    }
    assert.is.not(await on.master(), killed, 'the sentinels promoted a replica')

    // from here on every request succeeds, and what is written after the recovery reads back
    for (let k = 0; k < 5; k++) assert.is((await send(app, during, `/set/k${k}/v`)).status, 200)
    assert.equal(JSON.parse((await send(app, during, '/me')).body), { n: String(recovered.n), k0: 'v', k1: 'v', k2: 'v', k3: 'v', k4: 'v' })
    const after = new Jar()
    assert.is((await send(app, after, '/login/bob')).status, 200)
    assert.equal(JSON.parse((await send(app, after, '/me')).body), { user: 'bob' })
    // the login from before the kill was acknowledged by the old master only: kept if it had replicated in time
    const kept = JSON.parse((await send(app, before, '/me')).body) as Record<string, unknown>
    console.log(`    ${kind}: first success ${recovered.after} ms after the kill, ${failures.length} × 503 before it; the login from before the kill ${kept.user === 'ann' ? 'kept' : 'lost'}`)
  })
}

test.run()
