// The client's retry() middleware: statuses, methods, body replay, Retry-After, backoff, errors and abort.
import { Readable } from 'node:stream'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  ClientClosedError, ConnectionError, createClient, RequestAbortedError, RequestTimeoutError, retry, TooManyRedirectsError,
  type ClientMiddleware,
} from '../../src/client/index.js'
import { reply, type App } from '../../src/index.js'
import { throwsConfig } from '../_helpers/assert.js'
import { within } from '../_helpers/async.js'
import { echoApp, serveCounting, type EchoServer } from './_server.js'

let server: EchoServer
// what /flaky/:id received, by id: one body per attempt
const seen = new Map<string, string[]>()
let ids = 0
const id = (): string => `r${++ids}`

/**
 * /flaky/:id answers `status` (503) to its first `fail` requests, then 200 'ok'. `after` sets a Retry-After
 * header: a number of seconds, or `date` for an HTTP-date two seconds ahead.
 */
function flaky(app: App): void {
  app.all('/flaky/:id', async (req) => {
    const bodies = seen.get(req.params.id) ?? []
    seen.set(req.params.id, bodies)
    bodies.push(await req.text())
    const fail = Number(req.query.fail ?? 0)
    if (bodies.length > fail) return reply('ok')
    const headers: Record<string, string> = {}
    if (req.query.after === 'date') headers['retry-after'] = new Date(Date.now() + 2000).toUTCString()
    else if (typeof req.query.after === 'string') headers['retry-after'] = req.query.after
    if (req.query.big === '1') return reply('x'.repeat(100_000), { status: Number(req.query.status ?? 503) })
    return reply(`failure ${bodies.length}`, { status: Number(req.query.status ?? 503), headers })
  })
  app.post('/slow', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1000))
    return 'late'
  })
}

const hits = (key: string): number => seen.get(key)?.length ?? 0
const quick = { base: 5, max: 20 }

/** A middleware that counts the calls that reach it (put it inside retry to count attempts). */
function counting(): { count: () => number; middleware: ClientMiddleware } {
  let calls = 0
  return { count: () => calls, middleware: (req, next) => { calls++; return next(req) } }
}

const statuses = suite('retry: statuses and methods')
statuses.before(async () => { server = await serveCounting(echoApp(flaky)) })
statuses.after(() => server.close())

statuses('retries a retriable status until it passes', async () => {
  const client = createClient({ baseUrl: server.url, middlewares: [retry({ backoff: quick })] })
  const key = id()
  const res = await client.get(`/flaky/${key}?fail=2`)
  assert.is(res.status, 200)
  assert.is(await res.text(), 'ok')
  assert.is(hits(key), 3)
  await client.close()
})

statuses('stops after `attempts`, the first included, and returns the last response with its body', async () => {
  const client = createClient({ baseUrl: server.url, middlewares: [retry({ attempts: 4, backoff: quick })] })
  const key = id()
  const res = await client.get(`/flaky/${key}?fail=99&status=502`)
  assert.is(res.status, 502)
  assert.is(await res.text(), 'failure 4')
  assert.is(hits(key), 4)
  const once = id()
  assert.is((await client.get(`/flaky/${once}?fail=99`, { middlewares: [retry({ attempts: 1 })] })).status, 503)
  assert.is(hits(once), 1, 'attempts: 1 sends once')
  await client.close()
})

statuses('a status not in the list is returned at once', async () => {
  const client = createClient({ baseUrl: server.url, middlewares: [retry({ backoff: quick })] })
  const key = id()
  assert.is((await client.get(`/flaky/${key}?fail=99&status=404`)).status, 404)
  assert.is((await client.get(`/flaky/${id()}?fail=99&status=501`)).status, 501)
  assert.is(hits(key), 1)
  const custom = createClient({ baseUrl: server.url, middlewares: [retry({ statuses: [404], backoff: quick })] })
  const other = id()
  assert.is((await custom.get(`/flaky/${other}?fail=1&status=404`)).status, 200)
  assert.is(hits(other), 2)
  await client.close()
  await custom.close()
})

statuses('POST and PATCH are not retried by default; they are when methods include them', async () => {
  const client = createClient({ baseUrl: server.url, middlewares: [retry({ backoff: quick })] })
  const post = id()
  assert.is((await client.post(`/flaky/${post}?fail=1`, { json: { a: 1 } })).status, 503)
  assert.is(hits(post), 1)
  const patch = id()
  assert.is((await client.patch(`/flaky/${patch}?fail=1`, { body: 'x' })).status, 503)
  assert.is(hits(patch), 1)
  const lenient = createClient({ baseUrl: server.url, middlewares: [retry({ methods: ['post'], backoff: quick })] })
  const again = id()
  assert.is((await lenient.post(`/flaky/${again}?fail=1`, { json: { a: 1 } })).status, 200)
  assert.equal(seen.get(again), ['{"a":1}', '{"a":1}'])
  const get = id()
  assert.is((await lenient.get(`/flaky/${get}?fail=1`)).status, 503, 'methods replaces the default list')
  await client.close()
  await lenient.close()
})

statuses('retried responses are discarded: the attempts share the keep-alive connection', async () => {
  const client = createClient({ baseUrl: server.url, middlewares: [retry({ attempts: 6, backoff: quick })] })
  const before = server.connections()
  // 100 KB bodies: one left unread would hold its connection, and the next attempt would need another
  await (await client.get(`/flaky/${id()}?fail=99&big=1`)).discard()
  assert.ok(server.connections() - before <= 2, `${server.connections() - before} connections for 6 attempts`)
  await client.close()
})

statuses.run()

const bodies = suite('retry: bodies')
bodies.before(async () => { server = await serveCounting(echoApp(flaky)) })
bodies.after(() => server.close())

bodies('a PUT with a JSON body arrives intact on every attempt', async () => {
  const client = createClient({ baseUrl: server.url, middlewares: [retry({ backoff: quick })] })
  const key = id()
  const doc = { title: 'héllo', list: [1, 2, 3], nested: { ok: true } }
  const res = await client.put(`/flaky/${key}?fail=2`, { json: doc })
  assert.is(res.status, 200)
  const got = seen.get(key) ?? []
  assert.is(got.length, 3)
  for (const body of got) assert.equal(JSON.parse(body), doc)
  await client.close()
})

bodies('bytes are sent again; a body function is called anew for each attempt', async () => {
  const client = createClient({ baseUrl: server.url, middlewares: [retry({ backoff: quick })] })
  const bytes = id()
  assert.is((await client.put(`/flaky/${bytes}?fail=1`, { body: Buffer.from('raw bytes') })).status, 200)
  assert.equal(seen.get(bytes), ['raw bytes', 'raw bytes'])
  let calls = 0
  const made = id()
  const res = await client.put(`/flaky/${made}?fail=2`, { body: () => `call ${++calls}` })
  assert.is(res.status, 200)
  assert.is(calls, 3)
  assert.equal(seen.get(made), ['call 1', 'call 2', 'call 3'])
  await client.close()
})

bodies('a one-shot stream body is never retried: the response is returned', async () => {
  const client = createClient({ baseUrl: server.url, middlewares: [retry({ backoff: quick })] })
  const key = id()
  const res = await client.put(`/flaky/${key}?fail=1`, { body: Readable.from([Buffer.from('once')]) })
  assert.is(res.status, 503)
  assert.equal(seen.get(key), ['once'])
  await client.close()
})

bodies.run()

const after = suite('retry: Retry-After')
after.before(async () => { server = await serveCounting(echoApp(flaky)) })
after.after(() => server.close())

after('delta-seconds: waits that long instead of the backoff', async () => {
  const client = createClient({ baseUrl: server.url, middlewares: [retry({ backoff: quick })] })
  const key = id()
  const started = Date.now()
  const res = await within(client.get(`/flaky/${key}?fail=1&status=429&after=1`), 5000, 'a Retry-After of 1 s')
  const waited = Date.now() - started
  assert.is(res.status, 200)
  assert.is(hits(key), 2)
  assert.ok(waited >= 990 && waited < 4000, `waited ${waited} ms for Retry-After: 1`)
  await client.close()
})

after('an HTTP-date: waits until then', async () => {
  const client = createClient({ baseUrl: server.url, middlewares: [retry({ backoff: quick })] })
  const key = id()
  const started = Date.now()
  const res = await within(client.get(`/flaky/${key}?fail=1&status=503&after=date`), 6000, 'a Retry-After date')
  const waited = Date.now() - started
  assert.is(res.status, 200)
  assert.is(hits(key), 2)
  // the date is two seconds ahead, to the second: between one and two seconds away when it arrives
  assert.ok(waited >= 900 && waited < 5000, `waited ${waited} ms for a date about 2 s ahead`)
  await client.close()
})

after('a Retry-After past maxRetryAfter is not waited for: the response is returned', async () => {
  const client = createClient({ baseUrl: server.url, middlewares: [retry({ backoff: quick, maxRetryAfter: 1000 })] })
  const key = id()
  const started = Date.now()
  const res = await client.get(`/flaky/${key}?fail=1&status=503&after=120`)
  assert.is(res.status, 503)
  assert.is(res.header('retry-after'), '120')
  assert.is(await res.text(), 'failure 1', 'its body is still there')
  assert.is(hits(key), 1)
  assert.ok(Date.now() - started < 1000)
  await client.close()
})

after('Retry-After: 0 and an unreadable value retry after the backoff', async () => {
  const client = createClient({ baseUrl: server.url, middlewares: [retry({ backoff: quick })] })
  const zero = id()
  assert.is((await client.get(`/flaky/${zero}?fail=1&status=429&after=0`)).status, 200)
  assert.is(hits(zero), 2)
  const junk = id()
  assert.is((await client.get(`/flaky/${junk}?fail=1&status=429&after=soon`)).status, 200)
  assert.is(hits(junk), 2)
  await client.close()
})

after.run()

const errors = suite('retry: errors, backoff and abort')
errors.before(async () => { server = await serveCounting(echoApp(flaky)) })
errors.after(() => server.close())

errors('a refused connection is retried, then its ConnectionError thrown', async () => {
  const closed = await serveCounting(echoApp())
  const url = closed.url
  await closed.close()
  const attempts = counting()
  const client = createClient({ middlewares: [retry({ backoff: quick }), attempts.middleware] })
  const error = await within(client.get(`${url}/echo`).catch((e: unknown) => e), 5000, 'refused attempts')
  assert.instance(error, ConnectionError)
  assert.is((error as ConnectionError).reason, 'ECONNREFUSED')
  assert.is(attempts.count(), 3)
  const strict = counting()
  const noErrors = await client.get(`${url}/echo`, { middlewares: [retry({ retryOnErrors: false }), strict.middleware] }).catch((e: unknown) => e)
  assert.instance(noErrors, ConnectionError)
  assert.is(strict.count(), 1, 'retryOnErrors: false throws at once')
  await client.close()
})

errors('a timeout is retried; too many redirects and a POST\'s failure are not', async () => {
  const timeouts = counting()
  const client = createClient({ baseUrl: server.url, timeout: 50, middlewares: [retry({ attempts: 2, backoff: quick }), timeouts.middleware] })
  assert.instance(await client.get('/slow').catch((e: unknown) => e), RequestTimeoutError)
  assert.is(timeouts.count(), 2)
  const redirects = counting()
  const loop = `/redirect/302?to=${encodeURIComponent('/redirect/302?to=/redirect/302')}`
  const error = await client.get(loop, { maxRedirects: 1, middlewares: [retry({ backoff: quick }), redirects.middleware] }).catch((e: unknown) => e)
  assert.instance(error, TooManyRedirectsError)
  assert.is(redirects.count(), 1)
  const posts = counting()
  assert.instance(await client.post('/slow', { middlewares: [retry({ backoff: quick }), posts.middleware] }).catch((e: unknown) => e), RequestTimeoutError)
  assert.is(posts.count(), 1)
  await client.close()
})

errors('a closed client is not retried: its ClientClosedError is thrown at once', async () => {
  const attempts = counting()
  const client = createClient({ baseUrl: server.url, middlewares: [retry({ attempts: 5, backoff: quick }), attempts.middleware] })
  await (await client.get('/flaky/open')).discard()
  await client.close()
  const error = await within(client.get('/flaky/open').catch((e: unknown) => e), 2000, 'closed client')
  assert.instance(error, ClientClosedError)
  assert.not.instance(error, ConnectionError)
  assert.is(attempts.count(), 2, 'one attempt before close, one after')
})

errors('aborting during the backoff stops at once with RequestAbortedError', async () => {
  // random() = 1: the first wait is the whole 10 s
  const client = createClient({ baseUrl: server.url, middlewares: [retry({ backoff: { base: 10_000, max: 10_000 }, random: () => 1 })] })
  const key = id()
  const controller = new AbortController()
  const started = Date.now()
  setTimeout(() => controller.abort(), 100)
  const error = await within(client.get(`/flaky/${key}?fail=99`, { signal: controller.signal }).catch((e: unknown) => e), 3000, 'abort in backoff')
  assert.instance(error, RequestAbortedError)
  assert.is((error as RequestAbortedError).code, 'ERR_ROUTECHAIN_CLIENT_ABORTED')
  assert.is(hits(key), 1)
  assert.ok(Date.now() - started < 2000)
  // the same during a Retry-After wait
  const waiting = new AbortController()
  setTimeout(() => waiting.abort(), 100)
  const during = await within(client.get(`/flaky/${id()}?fail=99&after=30`, { signal: waiting.signal }).catch((e: unknown) => e), 3000, 'abort in Retry-After')
  assert.instance(during, RequestAbortedError)
  await client.close()
})

errors('an abort during the request itself is not retried', async () => {
  const attempts = counting()
  const client = createClient({ baseUrl: server.url, middlewares: [retry({ backoff: quick }), attempts.middleware] })
  const controller = new AbortController()
  setTimeout(() => controller.abort(), 50)
  assert.instance(await client.get('/slow', { signal: controller.signal }).catch((e: unknown) => e), RequestAbortedError)
  assert.is(attempts.count(), 1)
  await client.close()
})

errors('full jitter: the waits stay within min(max, base * 2^n), random() picking where', async () => {
  const draws: number[] = []
  const client = createClient({ baseUrl: server.url, middlewares: [retry({ attempts: 5, backoff: { base: 10, max: 40 }, random: () => { draws.push(0); return 0 } })] })
  const key = id()
  const started = Date.now()
  assert.is((await client.get(`/flaky/${key}?fail=99`)).status, 503)
  assert.is(draws.length, 4, 'one draw per retry')
  assert.ok(Date.now() - started < 2000, 'random() = 0 waits nothing')
  const top = createClient({ baseUrl: server.url, middlewares: [retry({ attempts: 5, backoff: { base: 10, max: 40 }, random: () => 0.999 })] })
  const from = Date.now()
  assert.is((await top.get(`/flaky/${id()}?fail=99`)).status, 503)
  const waited = Date.now() - from
  // about 10 + 20 + 40 + 40 = 110 ms of waits: the cap holds the last two at 40
  assert.ok(waited >= 100 && waited < 3000, `waited ${waited} ms`)
  await client.close()
  await top.close()
})

errors('options are checked when the middleware is made', () => {
  throwsConfig(() => retry({ attempts: 0 }), /attempts must be a whole number from 1 to 10, got 0/)
  throwsConfig(() => retry({ attempts: 11 }), /from 1 to 10/)
  throwsConfig(() => retry({ attempts: 2.5 }), /attempts/)
  throwsConfig(() => retry({ statuses: [503, 'x' as never] }), /statuses must be a list of status codes/)
  throwsConfig(() => retry({ methods: ['GET', ''] }), /methods must be a list of method names/)
  throwsConfig(() => retry({ backoff: { base: -1 } }), /backoff.base must be a whole number from 0 to 2147483647/)
  throwsConfig(() => retry({ maxRetryAfter: Infinity }), /maxRetryAfter/)
  throwsConfig(() => retry({ retryOnErrors: 'yes' as never }), /retryOnErrors must be true or false/)
  throwsConfig(() => retry({ random: 1 as never }), /random must be a function/)
})

errors.run()
