// rateLimit() (#16) over real HTTP: the IETF draft's RateLimit-Policy and RateLimit headers on every answer,
// 429 with Retry-After past the limit, keys counted apart, the window ending; on Redis, one limit held across
// two apps here and a third in its own process sharing one real redis-server; a failing store answers 503.
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createApp, RedisRateStore, rateLimit, type RateStore } from '../../src/index.js'
import { throwsConfig } from '../_helpers/assert.js'
import { recordingLogger, withServer } from '../_helpers/http.js'
import { startServerProcess } from '../../bench/server-process.js'
import { redisFixture } from '../_helpers/redis.js'

const WORKER = fileURLToPath(new URL('../_helpers/rate-worker.js', import.meta.url))
const redis = redisFixture()
const test = suite('rateLimit()')
test.before(redis.before)
test.after(redis.after)

test('counts per key: headers on each answer, 429 with Retry-After past the limit, a fresh window after', async () => {
  const app = createApp({ logger: recordingLogger().logger })
  app.get('/hit', rateLimit({ limit: 2, windowMs: 300, key: (req) => String(req.headers['x-user'] ?? req.ip) }), () => 'ok')
  await withServer(app, async (s) => {
    const as = (user: string) => s.fetch('/hit', { headers: { 'x-user': user } })
    const first = await as('ann')
    assert.is(first.status, 200)
    assert.is(first.headers['ratelimit-policy'], '"default";q=2;w=1')
    assert.match(String(first.headers.ratelimit), /^"default";r=1;t=1$/)
    assert.match(String((await as('ann')).headers.ratelimit), /^"default";r=0;t=1$/)
    const refused = await as('ann')
    assert.is(refused.status, 429)
    assert.is(refused.body, 'too many requests; try again later')
    assert.is(refused.headers['retry-after'], '1')
    assert.match(String(refused.headers.ratelimit), /^"default";r=0;t=1$/)
    assert.is((await as('bob')).status, 200, 'another key has its own count')
    await new Promise((resolve) => setTimeout(resolve, 350))
    assert.is((await as('ann')).status, 200, 'the next window starts afresh')
  })
})

test('on Redis, one limit holds across two apps here and one in its own process', async () => {
  if (!redis.ready()) return
  const limit = 5
  const shared = () => {
    const app = createApp({ logger: recordingLogger().logger })
    app.get('/hit', rateLimit({ limit, windowMs: 10_000, key: () => 'shared', store: new RedisRateStore(redis.client('ioredis')) }), () => 'ok')
    return app
  }
  const worker = await startServerProcess('the rate-limit worker', process.execPath, [WORKER, redis.server.url, String(limit), '10000'])
  try {
    await withServer(shared(), async (a) => {
      await withServer(shared(), async (b) => {
        const statuses: number[] = []
        for (let i = 0; i < 9; i++) {
          const target = i % 3
          if (target === 2) statuses.push((await fetch(`${worker.url}/hit`)).status)
          else statuses.push((await (target === 0 ? a : b).fetch('/hit')).status)
        }
        assert.equal(statuses.filter((s) => s === 200).length, limit, `statuses ${statuses.join(' ')}`)
        assert.equal(statuses.slice(limit), [429, 429, 429, 429])
      })
    })
  } finally {
    await worker.stop()
  }
})

test('a store that fails answers 503; misconfiguration throws at start-up', async () => {
  const broken: RateStore = { increment: () => Promise.reject(new Error('down')) }
  const app = createApp({ logger: recordingLogger().logger })
  app.get('/hit', rateLimit({ limit: 1, windowMs: 1000, store: broken }), () => 'ok')
  await withServer(app, async (s) => {
    const res = await s.fetch('/hit')
    assert.is(res.status, 503)
    assert.is(res.headers['retry-after'], '1')
  })
  throwsConfig(() => rateLimit({ limit: 0, windowMs: 1000 }), /limit/)
  throwsConfig(() => rateLimit({ limit: 1, windowMs: 0 }), /windowMs/)
  throwsConfig(() => rateLimit({ limit: 1, windowMs: 10, store: {} as RateStore }), /store/)
  throwsConfig(() => rateLimit({ limit: 1, windowMs: 10, name: 'two words' }), /name/)
})

test.run()
