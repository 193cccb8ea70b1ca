// RedisStorage({ replicas }) (#17): a write is answered only once that many replicas hold it (Redis's WAIT), so a
// master that dies right after answering loses no acknowledged login. One master and one replica on loopback,
// through node-redis and ioredis: writes and logouts are on the replica when the response arrives; a replica
// that is stopped, or fewer replicas than asked for, is a 503 with Retry-After, not a 500 and not a hang.
import { Redis } from 'ioredis'
import { createClient } from 'redis'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createApp, RedisStorage, type App, type RedisClientLike, type RedisStorageOptions } from '../../src/index.js'
import { throwsConfig } from '../_helpers/assert.js'
import { Jar } from '../_helpers/cookie-jar.js'
import { CLIENT_KINDS, haveRedis, startRedis, type RedisClientKind, type RedisServer } from '../_helpers/redis.js'

const test = suite('RedisStorage replicas')
const QUIET = { error() {}, warn() {}, info() {}, debug() {} }

let master: RedisServer | undefined
let replica: RedisServer | undefined
const clients: { close(): unknown }[] = []

test.before(async () => {
  if (!haveRedis()) return
  master = await startRedis()
  replica = await startRedis(['--replicaof', '127.0.0.1', String(master.port)])
  const deadline = Date.now() + 10_000
  while (!String(await replica.command('info', 'replication')).includes('master_link_status:up')) {
    if (Date.now() > deadline) throw new Error('the replica did not link to its master within 10 s')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
})

test.after(async () => {
  for (const client of clients.splice(0)) await client.close()
  await replica?.stop()
  await master?.stop()
})

async function clientFor(kind: RedisClientKind, url: string): Promise<RedisClientLike> {
  if (kind === 'node-redis') {
    const client = createClient({ url })
    client.on('error', () => {})
    await client.connect()
    clients.push({ close: () => client.destroy() })
    return client as unknown as RedisClientLike
  }
  const client = new Redis(url)
  client.on('error', () => {})
  clients.push({ close: () => client.disconnect() })
  return client
}

function sessionApp(storage: RedisStorage): App {
  const app = createApp({ logger: QUIET, session: { storage } })
  app.get('/login/:user', async (req) => {
    (await req.session()).set('user', req.params.user)
    return 'in'
  })
  app.get('/logout', async (req) => {
    (await req.session()).invalidate()
    return 'out'
  })
  return app
}

async function send(app: App, jar: Jar, path: string): Promise<{ status: number; retryAfter: string | null; body: string }> {
  const cookie = jar.header()
  const response = await app.request(path, cookie === undefined ? {} : { headers: { cookie } })
  jar.take(response.headers.getSetCookie())
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.text() }
}

const keyOf = (jar: Jar): string => `session_${jar.header()?.replace(/^session=/, '')}`

async function appWith(kind: RedisClientKind, options: RedisStorageOptions): Promise<App> {
  return sessionApp(new RedisStorage(await clientFor(kind, (master as RedisServer).url), options))
}

for (const kind of CLIENT_KINDS) {
  test(`${kind}: with replicas: 1 a login and a change are on the replica when the response arrives, and so is a logout`, async () => {
    if (replica === undefined) return
    const app = await appWith(kind, { replicas: 1 })
    const jar = new Jar()
    assert.is((await send(app, jar, '/login/ann')).status, 200)
    // read from the replica at once: WAIT answered only after it held the write
    assert.match(String(await replica.command('get', keyOf(jar))), /"user": ?"ann"/)
    assert.is((await send(app, jar, '/login/bob')).status, 200)
    assert.match(String(await replica.command('get', keyOf(jar))), /"user": ?"bob"/)
    const key = keyOf(jar)
    assert.is((await send(app, jar, '/logout')).status, 200)
    assert.is(await replica.command('exists', key), 0, 'the logout reached the replica before the response')
  })

  test(`${kind}: a stopped replica makes a write 503 with Retry-After after replicaTimeout; resumed, writes go through`, async () => {
    if (replica === undefined) return
    const app = await appWith(kind, { replicas: 1, replicaTimeout: 150 })
    replica.pause()
    try {
      const refused = await send(app, new Jar(), '/login/ann')
      assert.is(refused.status, 503)
      assert.is(refused.retryAfter, '1')
      assert.match(refused.body, /sessions are unavailable right now/)
    } finally {
      replica.resume()
    }
    assert.is((await send(app, new Jar(), '/login/ann')).status, 200)
  })

  test(`${kind}: asking for more replicas than there are is a 503 on every write, never a 500`, async () => {
    if (replica === undefined) return
    const app = await appWith(kind, { replicas: 2, replicaTimeout: 100 })
    const answer = await send(app, new Jar(), '/login/ann')
    assert.is(answer.status, 503)
    assert.is(answer.retryAfter, '1')
  })

  test(`${kind}: without replicas, nothing waits: WAIT is never sent`, async () => {
    if (replica === undefined) return
    const before = Number(/cmdstat_wait:calls=(\d+)/.exec(String(await (master as RedisServer).command('info', 'commandstats')))?.[1] ?? 0)
    const app = await appWith(kind, {})
    assert.is((await send(app, new Jar(), '/login/ann')).status, 200)
    const after = Number(/cmdstat_wait:calls=(\d+)/.exec(String(await (master as RedisServer).command('info', 'commandstats')))?.[1] ?? 0)
    assert.is(after, before)
  })
}

test('replicas and replicaTimeout that are not whole numbers are refused at start-up', () => {
  const fake = { sendCommand: async () => null } as RedisClientLike
  throwsConfig(() => new RedisStorage(fake, { replicas: -1 }), /replicas must be a whole number from 0 up, got -1/)
  throwsConfig(() => new RedisStorage(fake, { replicas: 1.5 }), /replicas must be a whole number from 0 up/)
  throwsConfig(() => new RedisStorage(fake, { replicas: 1, replicaTimeout: 0 }), /replicaTimeout must be a whole number of ms from 1 up, got 0/)
})

test.run()
