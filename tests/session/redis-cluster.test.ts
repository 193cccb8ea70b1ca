// RedisStorage on a real Redis Cluster (#17, first part): six redis-server processes on loopback (three masters,
// three replicas), through node-redis's createCluster() and ioredis's Cluster. Sessions made through one app are
// read through another and spread over the masters, and concurrent writes to one session still merge.
import { randomBytes } from 'node:crypto'
import { Cluster } from 'ioredis'
import { createClient } from 'redis'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createApp, RedisStorage, type App, type RedisClientLike, type RedisStorageOptions } from '../../src/index.js'
import { Jar } from '../_helpers/cookie-jar.js'
import { countingClient } from '../_helpers/redis.js'
import { nodeRedisCluster, haveRedisCluster, startRedisCluster, type RedisCluster, type Shard } from '../_helpers/redis-cluster.js'

const test = suite('RedisStorage on a Redis Cluster')

let cluster: RedisCluster | undefined
const clients: { close(): unknown }[] = []

test.before(async () => {
  if (haveRedisCluster()) cluster = await startRedisCluster()
})

test.after(async () => {
  for (const client of clients.splice(0)) await client.close()
  await cluster?.stop()
})

type Kind = 'node-redis' | 'ioredis'

async function clientFor(kind: Kind, on: RedisCluster): Promise<RedisClientLike> {
  if (kind === 'node-redis') {
    const client = await nodeRedisCluster(on)
    clients.push({ close: () => client.destroy() })
    return client as unknown as RedisClientLike
  }
  const client = new Cluster(on.nodes.map((n) => ({ host: n.host, port: n.port })), { lazyConnect: false })
  client.on('error', () => {})
  clients.push({ close: () => client.disconnect() })
  return client
}

function sessionApp(client: RedisClientLike, options: RedisStorageOptions = {}): App {
  const app = createApp({ logger: { error() {}, warn() {}, info() {}, debug() {} }, session: { storage: new RedisStorage(client, { commandTimeout: 3000, ...options }) } })
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

async function send(app: App, jar: Jar, path: string): Promise<{ status: number; body: string; retryAfter: string | null }> {
  const cookie = jar.header()
  const response = await app.request(path, cookie === undefined ? {} : { headers: { cookie } })
  jar.take(response.headers.getSetCookie())
  return { status: response.status, body: await response.text(), retryAfter: response.headers.get('retry-after') }
}

for (const kind of ['node-redis', 'ioredis'] as const) {
  test(`${kind}: sessions made through one app are read through another, spread over the masters`, async () => {
    if (cluster === undefined) return
    const one = sessionApp(await clientFor(kind, cluster))
    const two = sessionApp(await clientFor(kind, cluster))
    const jars = Array.from({ length: 24 }, () => new Jar())
    for (const [i, jar] of jars.entries()) assert.is((await send(one, jar, `/login/user${i}`)).status, 200)
    for (const [i, jar] of jars.entries()) assert.equal(JSON.parse((await send(two, jar, '/me')).body), { user: `user${i}` })
    const perMaster = await Promise.all((await cluster.masters()).map(async (port) => Number(await cluster?.command(port, 'dbsize'))))
    assert.ok(perMaster.filter((n) => n > 0).length >= 2, `sessions on ${JSON.stringify(perMaster)} keys per master`)
  })

  test(`${kind}: concurrent writes to one session, through two apps, all land (compare-and-set and merge on the cluster)`, async () => {
    if (cluster === undefined) return
    const one = sessionApp(await clientFor(kind, cluster))
    const two = sessionApp(await clientFor(kind, cluster))
    const jar = new Jar()
    await send(one, jar, '/login/ann')
    // two at a time, one through each app, as the single-server scale-out test does
    for (let round = 0; round < 5; round++) {
      const pair = await Promise.all([send(one, jar, `/set/k${2 * round}/v`), send(two, jar, `/set/k${2 * round + 1}/v`)])
      for (const answer of pair) assert.is(answer.status, 200)
    }
    const data = JSON.parse((await send(one, jar, '/me')).body) as Record<string, string>
    assert.equal(Object.keys(data).sort(), ['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9', 'user'])
  })

  test(`${kind}: with replicas: 1, WAIT goes to the master holding each session: only that master's stopped replica fails a write`, async () => {
    if (cluster === undefined) return
    const app = sessionApp(await clientFor(kind, cluster), { replicas: 1, replicaTimeout: 150 })
    const [stalled] = await cluster.shards() as [Shard]
    const replica = cluster.server(stalled.replicas[0] as number)
    replica.pause()
    const answers: { status: number; master?: number }[] = []
    try {
      for (let i = 0; i < 30; i++) {
        const jar = new Jar()
        const { status, retryAfter } = await send(app, jar, `/login/user${i}`)
        if (status === 503) assert.is(retryAfter, '1')
        const cookie = jar.header()
        answers.push(cookie === undefined ? { status } : { status, master: await cluster.masterOf(`session_${cookie.slice('session='.length)}`) })
      }
    } finally {
      replica.resume()
    }
    const written = answers.filter((a) => a.status === 200)
    assert.ok(answers.every((a) => a.status === 200 || a.status === 503), JSON.stringify(answers))
    assert.ok(written.every((a) => a.master !== stalled.master), `a write acknowledged on master ${stalled.master}, whose replica was stopped`)
    assert.ok(written.length > 0 && written.length < answers.length, `${written.length} of ${answers.length} writes went through`)
  })
}

test('a MOVED answer is retried until the command timeout, then the request gets 503 with Retry-After, not a 500', async () => {
  if (cluster === undefined) return
  const [port] = await cluster.masters() as [number]
  // a session id whose key lives on another master: a single-node client on this one is always told MOVED
  let id = ''
  for (let i = 0; i < 100 && id === ''; i++) {
    const candidate = randomBytes(16).toString('hex')
    if ((await cluster.command(port, 'get', `session_${candidate}`)).startsWith('MOVED')) id = candidate
  }
  assert.ok(id !== '', 'no key of another master found')
  const single = createClient({ url: `redis://127.0.0.1:${port}` })
  single.on('error', () => {})
  await single.connect()
  clients.push({ close: () => single.destroy() })
  const sent: string[] = []
  const app = createApp({ logger: { error() {}, warn() {}, info() {}, debug() {} }, session: { storage: new RedisStorage(countingClient(single as unknown as RedisClientLike, sent), { commandTimeout: 300 }) } })
  app.get('/me', async (req) => ({ ...(await req.session()).toJSON() }))
  const response = await app.request('/me', { headers: { cookie: `session=${id}` } })
  assert.is(response.status, 503)
  assert.is(response.headers.get('retry-after'), '1')
  assert.ok(sent.filter((name) => name === 'GET').length > 1, `GET sent ${sent.length} times: retried, not given up at once`)
})

test.run()
