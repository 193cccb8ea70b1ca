// next(), proved over real HTTP: what it resolves to (error responses included), onion order, misuse.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  createApp, HttpError, json, Reply, RoutechainError, text,
  type Next, type RouteRequest,
} from '../../src/index.js'
import { recordingLogger, withServer } from '../_helpers/http.js'
import { tick } from '../_helpers/async.js'

// ---------------------------------------------------------------------------------------------------------------

const nextSuite = suite('next()')

nextSuite('runs the rest of the chain and resolves to a Reply with status, headers and body', async () => {
  const seen: unknown[] = []
  const app = createApp()
  app.get('/created', async function inspect(_req: RouteRequest, next: Next) {
    const res = await next()
    seen.push(res instanceof Reply, res.status, res.headers['content-type'], res.headers['x-made-by'], res.body)
    return res
  }, function handler() {
    return json({ ok: true }, { status: 201, headers: { 'X-Made-By': 'handler' } })
  })
  await withServer(app, async (s) => {
    const res = await s.fetch('/created')
    assert.is(res.status, 201)
    assert.is(res.body, '{"ok":true}')
    assert.equal(seen, [true, 201, 'application/json; charset=utf-8', 'handler', '{"ok":true}'])
  })
})

nextSuite('resolves to a Reply even when the rest answers with a plain string or data', async () => {
  const seen: unknown[] = []
  async function inspect(_req: RouteRequest, next: Next): Promise<Reply> {
    const res = await next()
    seen.push([res instanceof Reply, res.status, res.headers['content-type'], res.body])
    return res
  }
  const app = createApp()
  app.get('/string', inspect, function handler() { return 'hello' })
  app.get('/data', inspect, function handler() { return { a: 1 } })
  await withServer(app, async (s) => {
    assert.is((await s.fetch('/string')).body, 'hello')
    assert.is((await s.fetch('/data')).body, '{"a":1}')
    assert.equal(seen, [
      [true, 200, 'text/plain; charset=utf-8', 'hello'],
      [true, 200, 'application/json; charset=utf-8', '{"a":1}'],
    ])
  })
})

nextSuite('an onion step can add a header and change the status of the reply', async () => {
  const app = createApp()
  app.get('/changed', async function decorate(_req: RouteRequest, next: Next) {
    const res = await next()
    res.header('X-Wrapped', 'yes')
    res.status = 202
    return res
  }, function handler() { return text('accepted later') })
  await withServer(app, async (s) => {
    const res = await s.fetch('/changed')
    assert.is(res.status, 202)
    assert.is(res.headers['x-wrapped'], 'yes')
    assert.is(res.headers['content-type'], 'text/plain; charset=utf-8')
    assert.is(res.body, 'accepted later')
  })
})

nextSuite('a step that awaited next() and returned nothing passes the (changed) response on', async () => {
  const app = createApp()
  app.get('/passed', async function decorate(_req: RouteRequest, next: Next) {
    const res = await next()
    res.headers['x-seen'] = 'by decorate'
  }, function handler() { return text('from handler', { status: 203 }) })
  await withServer(app, async (s) => {
    const res = await s.fetch('/passed')
    assert.is(res.status, 203)
    assert.is(res.body, 'from handler')
    assert.is(res.headers['x-seen'], 'by decorate')
  })
})

nextSuite('an onion step can replace the response with another one', async () => {
  let handlerRan = false
  const app = createApp()
  app.get('/replaced', async function replace(_req: RouteRequest, next: Next) {
    const res = await next()
    return text(`replaced a ${res.status}`, { status: 418 })
  }, function handler() { handlerRan = true; return 'original' })
  await withServer(app, async (s) => {
    const res = await s.fetch('/replaced')
    assert.is(res.status, 418)
    assert.is(res.body, 'replaced a 200')
    assert.ok(handlerRan)
  })
})

nextSuite('works around an async handler: the onion step resumes after the handler has answered', async () => {
  const order: string[] = []
  const app = createApp()
  app.get('/slow', async function around(_req: RouteRequest, next: Next) {
    order.push('before next')
    const res = await next()
    order.push(`after next: ${String(res.body)}`)
    return res
  }, async function handler() {
    order.push('handler started')
    await tick()
    order.push('handler answering')
    return 'slow answer'
  })
  await withServer(app, async (s) => {
    const res = await s.fetch('/slow')
    assert.is(res.body, 'slow answer')
    assert.equal(order, ['before next', 'handler started', 'handler answering', 'after next: slow answer'])
  })
})

nextSuite('an onion step that returns without calling next lets the chain go on (sync and async)', async () => {
  const ran: string[] = []
  const app = createApp()
  app.get('/skip',
    function syncOnion(_req: RouteRequest, _next: Next) { ran.push('syncOnion') },
    async function asyncOnion(_req: RouteRequest, _next: Next) { await tick(); ran.push('asyncOnion') },
    function handler() { ran.push('handler'); return 'reached' })
  await withServer(app, async (s) => {
    const res = await s.fetch('/skip')
    assert.is(res.status, 200)
    assert.is(res.body, 'reached')
    assert.equal(ran, ['syncOnion', 'asyncOnion', 'handler'])
  })
})

nextSuite('three nested onion steps enter in order and exit in reverse', async () => {
  const order: string[] = []
  function onion(name: string) {
    return async function layer(_req: RouteRequest, next: Next): Promise<Reply> {
      order.push(`enter ${name}`)
      const res = await next()
      order.push(`exit ${name}`)
      const trail = res.headers['x-trail']
      return res.header('x-trail', trail === undefined ? name : `${String(trail)},${name}`)
    }
  }
  const app = createApp()
  app.get('/deep', onion('a'), onion('b'), onion('c'), async function handler() {
    order.push('handler')
    await tick()
    return 'core'
  })
  await withServer(app, async (s) => {
    const res = await s.fetch('/deep')
    assert.is(res.body, 'core')
    assert.is(res.headers['x-trail'], 'c,b,a')
    assert.equal(order, ['enter a', 'enter b', 'enter c', 'handler', 'exit c', 'exit b', 'exit a'])
  })
})

nextSuite('calling next() twice answers 500 and logs the error', async () => {
  const { lines, logger } = recordingLogger()
  const app = createApp({ logger })
  app.get('/twice', async function twice(_req: RouteRequest, next: Next) {
    await next()
    return next()
  }, function handler() { return 'once is enough' })
  await withServer(app, async (s) => {
    const res = await s.fetch('/twice')
    assert.is(res.status, 500)
    assert.is(res.body, 'Internal Server Error')
    assert.is(lines.length, 1, lines.join('\n'))
    const line = lines[0] ?? ''
    assert.ok(line.includes('GET /twice [twice, handler]'), line)
    assert.ok(line.includes('next() was called twice'), line)
  })
})

nextSuite('next(req) with a request is refused on the server: steps share one request and change it in place', async () => {
  const { lines, logger } = recordingLogger()
  const app = createApp({ logger })
  app.get('/swap', function swap(req: RouteRequest, next: Next) {
    return (next as unknown as (req: object) => Promise<unknown>)(Object.create(req) as object)
  }, function handler() { return 'never' })
  await withServer(app, async (s) => {
    const res = await s.fetch('/swap')
    assert.is(res.status, 500)
    assert.ok(lines.some((line) => line.includes('next() takes no arguments in step "swap"')), lines.join('\n'))
  })
})

nextSuite('next() resolves to the response an error becomes, with the error attached, and the step can replace it', async () => {
  const { lines, logger } = recordingLogger()
  async function problemJson(_req: RouteRequest, next: Next): Promise<unknown> {
    const res = await next()
    if (res.error instanceof HttpError) return json({ problem: res.error.message, status: res.status }, { status: res.status })
    return res
  }
  const app = createApp({ logger })
  app.get('/sync/:id', problemJson, function handler(req) { throw new HttpError(404, `no post ${req.params.id}`) })
  app.get('/async/:id', problemJson, async function handler(req) { await tick(); throw new HttpError(409, `post ${req.params.id} is locked`) })
  app.get('/fine', problemJson, () => 'fine')
  await withServer(app, async (s) => {
    const missing = await s.fetch('/sync/3')
    assert.is(missing.status, 404)
    assert.is(missing.headers['content-type'], 'application/json; charset=utf-8')
    assert.equal(JSON.parse(missing.body), { problem: 'no post 3', status: 404 })
    const locked = await s.fetch('/async/4')
    assert.is(locked.status, 409)
    assert.equal(JSON.parse(locked.body), { problem: 'post 4 is locked', status: 409 })
    assert.is((await s.fetch('/fine')).body, 'fine')
    assert.equal(lines, [])
  })
})

nextSuite('an app-level onion step decorates error responses too (a CORS header on a thrown 404)', async () => {
  const app = createApp({ logger: recordingLogger().logger })
  app.use(async function cors(_req: RouteRequest, next: Next) {
    const res = await next()
    return res.header('access-control-allow-origin', '*')
  })
  app.get('/post/:id', function getPost() { throw new HttpError(404, 'no such post') })
  app.get('/boom', function boom() { throw new Error('bug') })
  await withServer(app, async (s) => {
    const missing = await s.fetch('/post/1')
    assert.is(missing.status, 404)
    assert.is(missing.body, 'no such post')
    assert.is(missing.headers['access-control-allow-origin'], '*')
    const boom = await s.fetch('/boom')
    assert.is(boom.status, 500)
    assert.is(boom.headers['access-control-allow-origin'], '*')
    const unrouted = await s.fetch('/nowhere')
    assert.is(unrouted.status, 404)
    assert.is(unrouted.headers['access-control-allow-origin'], '*')
  })
})

nextSuite('onError runs where the error happens, and next() resolves to what it answered', async () => {
  const seen: number[] = []
  const app = createApp({ logger: recordingLogger().logger })
  app.onError((error) => (error instanceof HttpError ? json({ error: error.message }, { status: error.status }) : undefined))
  app.get('/x', async function observe(_req: RouteRequest, next: Next) {
    const res = await next()
    seen.push(res.status)
    return res
  }, function fail() { throw new HttpError(418, 'teapot') })
  await withServer(app, async (s) => {
    const res = await s.fetch('/x')
    assert.is(res.status, 418)
    assert.equal(JSON.parse(res.body), { error: 'teapot' })
    assert.equal(seen, [418])
  })
})

nextSuite('a Reply built by HttpError.toReply() has lower-case header names an onion step can read and replace', async () => {
  const seen: unknown[] = []
  const app = createApp()
  app.get('/denied', async function challenge(_req: RouteRequest, next: Next) {
    const res = await next()
    seen.push(res.status, res.headers['www-authenticate'])
    return res.header('WWW-Authenticate', 'Basic realm="posts"')
  }, function authenticate() {
    return new HttpError(401, 'unauthenticated', { headers: { 'WWW-Authenticate': 'Bearer' } }).toReply()
  })
  await withServer(app, async (s) => {
    const res = await s.fetch('/denied')
    assert.is(res.status, 401)
    assert.is(res.body, 'unauthenticated')
    assert.equal(seen, [401, 'Bearer'])
    assert.is(res.headers['www-authenticate'], 'Basic realm="posts"', 'one challenge header, the replaced one')
  })
})

nextSuite('next() resolves to a logged 500 when the rest ends without a response', async () => {
  const { lines, logger } = recordingLogger()
  const app = createApp({ logger })
  app.get('/nothing', async function fallback(_req: RouteRequest, next: Next) {
    const res = await next()
    const code = res.error instanceof RoutechainError ? res.error.code : 'no error'
    return text(`${res.status} ${code}`, { status: 503 })
  }, function handler() {})
  await withServer(app, async (s) => {
    const res = await s.fetch('/nothing')
    assert.is(res.status, 503)
    assert.is(res.body, '500 ERR_ROUTECHAIN_NO_RESPONSE')
    assert.is(lines.length, 1, lines.join('\n'))
    assert.ok(lines[0]?.includes('GET /nothing [fallback, handler]'), lines[0])
  })
})

nextSuite('an error the onion step passes on reaches the client as the default response, logged once', async () => {
  const { lines, logger } = recordingLogger()
  const exits: string[] = []
  const app = createApp({ logger })
  app.get('/through', async function around(_req: RouteRequest, next: Next) {
    await next()
    exits.push('around exited normally')
  }, function handler() { throw new Error('deep failure') })
  await withServer(app, async (s) => {
    const res = await s.fetch('/through')
    assert.is(res.status, 500)
    assert.is(res.body, 'Internal Server Error')
    assert.equal(exits, ['around exited normally'])
    assert.is(lines.length, 1, lines.join('\n'))
    assert.ok(lines[0]?.includes('GET /through [around, handler]'), lines[0])
    assert.ok(lines[0]?.includes('deep failure'), lines[0])
  })
})

nextSuite('calling next() after the step has answered throws instead of running the rest late', async () => {
  let late: unknown
  let handlerRan = false
  const app = createApp({ logger: recordingLogger().logger })
  app.get('/early', function hasty(_req: RouteRequest, next: Next) {
    setTimeout(() => {
      try {
        void next()
      } catch (error) {
        late = error
      }
    }, 5)
    return 'early'
  }, function handler() { handlerRan = true; return 'late' })
  await withServer(app, async (s) => {
    assert.is((await s.fetch('/early')).body, 'early')
    await new Promise((resolve) => setTimeout(resolve, 30))
    assert.instance(late, RoutechainError)
    assert.is((late as RoutechainError).code, 'ERR_ROUTECHAIN_NEXT')
    assert.is(handlerRan, false)
  })
})

nextSuite.run()
