// The client's `timeout` (#2): one deadline per attempt, its redirects and the body read included; bounded to
// what a timer can wait; and nothing of it (timer, listener on the request's signal) outliving the response.
import { createHook } from 'node:async_hooks'
import { getEventListeners } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  ConnectionError, createClient, HttpStatusError, RequestAbortedError, RequestTimeoutError, type ClientMiddleware,
} from '../../src/client/index.js'
import { throwsConfig } from '../_helpers/assert.js'

/**
 * /drip?ms=: the headers and a first byte at once, the rest `ms` later. /hop?n=&ms=: waits `ms`, then
 * redirects to /hop?n=n-1 until n is 0, which answers 'done'. /fast: 'ok'. /status/:code: that status.
 */
function routes(): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const ms = Number(url.searchParams.get('ms') ?? 0)
    if (url.pathname === '/drip') {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.write('a')
      setTimeout(() => res.end('b'), ms)
    } else if (url.pathname === '/hop') {
      const n = Number(url.searchParams.get('n') ?? 0)
      setTimeout(() => {
        if (n === 0) res.end('done')
        else res.writeHead(302, { location: `/hop?n=${n - 1}&ms=${ms}` }).end()
      }, ms)
    } else if (url.pathname.startsWith('/status/')) {
      res.writeHead(Number(url.pathname.slice('/status/'.length))).end('status')
    } else {
      res.end('ok')
    }
  })
}

let server: Server
let base = ''

const timeout = suite('client: timeout')
timeout.before(async () => {
  server = routes()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
timeout.after(() => new Promise<void>((resolve) => {
  server.closeAllConnections()
  server.close(() => resolve())
}))

timeout('#2 covers the body: a body still arriving at the deadline fails with RequestTimeoutError', async () => {
  const client = createClient({ baseUrl: base, timeout: 150 })
  const started = Date.now()
  const res = await client.get('/drip?ms=2000')
  assert.is(res.status, 200, 'the headers came in time')
  const error = await res.text().catch((e: unknown) => e)
  assert.instance(error, RequestTimeoutError)
  assert.match((error as Error).message, /within 150 ms/)
  assert.ok(Date.now() - started < 1500, `${Date.now() - started} ms`)
  assert.is(await (await client.get('/drip?ms=20')).text(), 'ab')
  await client.close()
})

timeout('#2 is one deadline per attempt, shared by its redirect hops', async () => {
  const client = createClient({ baseUrl: base })
  // three hops of 80 ms: each alone is within 150 ms, the attempt is not
  const error = await client.get('/hop?n=2&ms=80', { timeout: 150 }).catch((e: unknown) => e)
  assert.instance(error, RequestTimeoutError)
  const res = await client.get('/hop?n=2&ms=20', { timeout: 1000 })
  assert.is(res.redirects, 2)
  assert.is(await res.text(), 'done')
  await client.close()
})

timeout('#2 lets go of the request\'s signal once the body is read, dropped or fails, or the request fails', async () => {
  const controller = new AbortController()
  const { signal } = controller
  const listeners = (): number => getEventListeners(signal, 'abort').length
  const client = createClient({ baseUrl: base, timeout: 60_000 })
  for (let i = 0; i < 20; i++) {
    assert.is(await (await client.get('/fast', { signal })).text(), 'ok')
    await (await client.get('/drip?ms=1', { signal })).discard()
    assert.is(await (await client.get('/hop?n=2', { signal })).text(), 'done')
  }
  assert.is(listeners(), 0, 'read, dropped, redirected')
  const timedOut = await client.get('/drip?ms=2000', { signal, timeout: 50 })
  assert.instance(await timedOut.text().catch((e: unknown) => e), RequestTimeoutError)
  const status = await client.get('/status/500', { signal, throwOnError: true }).catch((e: unknown) => e)
  assert.instance(status, HttpStatusError)
  await (status as HttpStatusError).response.discard()
  const closed = createClient({ timeout: 60_000 })
  const unused = createServer()
  await new Promise<void>((resolve) => unused.listen(0, '127.0.0.1', resolve))
  const port = (unused.address() as AddressInfo).port
  await new Promise<void>((resolve) => unused.close(() => resolve()))
  assert.instance(await closed.get(`http://127.0.0.1:${port}/`, { signal }).catch((e: unknown) => e), ConnectionError)
  assert.is(listeners(), 0, 'timed out, thrown on status, refused')
  // without a timeout the signal goes to undici as it is, which lets go of it the same way
  const bare = createClient({ baseUrl: base })
  for (let i = 0; i < 5; i++) await (await bare.get('/fast', { signal })).text()
  assert.is(listeners(), 0, 'no timeout')
  await client.close()
  await closed.close()
  await bare.close()
})

timeout('#2 clears its timer once the body is read or dropped, rather than leaving it to fire', async () => {
  // a delay no other timer uses, to tell the deadline's timers apart from undici's own
  const ms = 987_654
  const created = new Set<number>()
  const running = new Set<number>()
  const hook = createHook({
    init(id, type, _trigger, resource) {
      if (type === 'Timeout' && (resource as { _idleTimeout?: number })._idleTimeout === ms) {
        created.add(id)
        running.add(id)
      }
    },
    destroy(id) { running.delete(id) },
  }).enable()
  const client = createClient({ baseUrl: base, timeout: ms })
  try {
    for (let i = 0; i < 10; i++) {
      assert.is(await (await client.get('/fast')).text(), 'ok')
      await (await client.get('/hop?n=1')).discard()
    }
    await new Promise((resolve) => setImmediate(resolve))
  } finally {
    hook.disable()
    await client.close()
  }
  assert.is(created.size, 20, 'one timer per attempt, its redirect included')
  assert.is(running.size, 0, 'none left running')
})

timeout('#2 many requests in flight on one signal add one listener to it, and its abort reaches them all', async () => {
  const warnings: string[] = []
  const onWarning = (warning: Error): void => { warnings.push(warning.name) }
  process.on('warning', onWarning)
  for (const client of [createClient({ baseUrl: base, timeout: 60_000 }), createClient({ baseUrl: base })]) {
    const controller = new AbortController()
    const { signal } = controller
    const waiting = Array.from({ length: 30 }, () => client.get('/hop?n=0&ms=5000', { signal }).catch((e: unknown) => e))
    await new Promise((resolve) => setTimeout(resolve, 50))
    assert.is(getEventListeners(signal, 'abort').length, 1)
    const done = Array.from({ length: 30 }, async () => (await client.get('/fast', { signal })).text())
    assert.equal(await Promise.all(done), Array(30).fill('ok'))
    assert.is(getEventListeners(signal, 'abort').length, 1, 'the 30 still waiting')
    controller.abort()
    for (const error of await Promise.all(waiting)) assert.instance(error, RequestAbortedError)
    assert.is(getEventListeners(signal, 'abort').length, 0)
    await client.close()
  }
  await new Promise((resolve) => setImmediate(resolve))
  process.off('warning', onWarning)
  assert.not.ok(warnings.includes('MaxListenersExceededWarning'), warnings.join())
})

timeout('#2 the request\'s signal still aborts, before sending, awaiting headers or reading the body', async () => {
  const client = createClient({ baseUrl: base, timeout: 5000 })
  const already = await client.get('/fast', { signal: AbortSignal.abort() }).catch((e: unknown) => e)
  assert.instance(already, RequestAbortedError)
  const during = new AbortController()
  setTimeout(() => during.abort(), 30)
  assert.instance(await client.get('/hop?n=0&ms=2000', { signal: during.signal }).catch((e: unknown) => e), RequestAbortedError)
  const body = new AbortController()
  const res = await client.get('/drip?ms=2000', { signal: body.signal })
  setTimeout(() => body.abort(), 30)
  assert.instance(await res.text().catch((e: unknown) => e), RequestAbortedError)
  await client.close()
})

timeout('#2 is at most 2147483647 ms: beyond it, a configuration error rather than a timer firing at once', async () => {
  const warnings: string[] = []
  const onWarning = (warning: Error): void => { warnings.push(warning.name) }
  process.on('warning', onWarning)
  throwsConfig(() => createClient({ timeout: 3e9 }), /timeout is in milliseconds, at most 2147483647/)
  const client = createClient({ baseUrl: base })
  for (const value of [3e9, 1e10, Infinity]) {
    const error = await client.get('/fast', { timeout: value }).catch((e: unknown) => e) as Error & { code?: string }
    assert.is(error.code, 'ERR_ROUTECHAIN_CONFIG', String(value))
  }
  const sets: ClientMiddleware = (req, next) => next({ ...req, timeout: 1e10 })
  const set = await client.get('/fast', { middlewares: [sets] }).catch((e: unknown) => e) as Error & { code?: string }
  assert.is(set.code, 'ERR_ROUTECHAIN_CONFIG', 'a timeout a middleware set is checked too')
  assert.is(await (await client.get('/drip?ms=30', { timeout: 2_147_483_647 })).text(), 'ab', 'the longest timeout waits')
  await new Promise((resolve) => setImmediate(resolve))
  process.off('warning', onWarning)
  assert.not.ok(warnings.includes('TimeoutOverflowWarning'), warnings.join())
  await client.close()
})

timeout.run()
