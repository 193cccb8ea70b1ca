// The chain rule, proved over real HTTP: how steps are called, what their return values mean, how next()
// behaves for onion steps, how thrown errors become responses, and in which order use() steps run.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  createApp, defineStep, HttpError, json, Reply, RoutechainError, Router, text,
  type App, type Next, type RouteRequest,
} from '../src/index.js'
import { recordingLogger, serve, type TestServer } from './_helpers/http.js'

/** Serves `app` for the length of `run`, and always closes it. */
async function withServer(app: App, run: (server: TestServer) => Promise<void>): Promise<void> {
  const server = await serve(app)
  try {
    await run(server)
  } finally {
    await server.close()
  }
}

/** Settles after the current turn of the event loop, so a step is really asynchronous (no timer, no duration). */
function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/** A thenable that is not a Promise, resolving to `value`. */
function thenable<T>(value: T): { then(resolve: (value: T) => void): void } {
  return { then(resolve) { resolve(value) } }
}

// ---------------------------------------------------------------------------------------------------------------

const chainRule = suite('chain rule')

chainRule('calls a step as step(req, next) with the same request every later step sees', async () => {
  const app = createApp()
  let outerReq: unknown
  let nextType = ''
  app.get('/items/:id', function outer(req: RouteRequest, next: Next) {
    outerReq = req
    nextType = typeof next
    return undefined
  }, function handler(req) {
    return { sameRequest: req === outerReq, id: req.params.id, method: req.method, nextType }
  })
  await withServer(app, async (s) => {
    const res = await s.fetch('/items/7')
    assert.is(res.status, 200)
    assert.equal(JSON.parse(res.body), { sameRequest: true, id: '7', method: 'GET', nextType: 'function' })
  })
})

chainRule('only a step that declares a second parameter receives next', async () => {
  const seen: unknown[] = []
  const app = createApp()
  app.get('/arity', function plain(_req: RouteRequest) {
    seen.push(['plain', arguments.length])
  }, function onion(_req: RouteRequest, next: Next) {
    seen.push(['onion', typeof next])
  }, function handler() { return 'ok' })
  await withServer(app, async (s) => {
    assert.is((await s.fetch('/arity')).body, 'ok')
    assert.equal(seen, [['plain', 1], ['onion', 'function']])
  })
})

chainRule('a step may answer with a value, a promise of a value, or any thenable', async () => {
  const app = createApp()
  app.get('/sync', function answer() { return 'sync value' })
  app.get('/async', async function answer() { await tick(); return 'async value' })
  app.get('/promise', function answer() { return Promise.resolve('promised value') })
  app.get('/thenable', function answer() { return thenable('thenable value') })
  await withServer(app, async (s) => {
    for (const [path, body] of [['/sync', 'sync value'], ['/async', 'async value'], ['/promise', 'promised value'], ['/thenable', 'thenable value']] as const) {
      const res = await s.fetch(path)
      assert.is(res.status, 200, path)
      assert.is(res.body, body, path)
    }
  })
})

chainRule('returns the first non-undefined step result; later steps do not run', async () => {
  const ran: string[] = []
  const app = createApp()
  app.get('/sync', function first() { ran.push('first') }, function second() { ran.push('second'); return 'second answered' },
    function third() { ran.push('third'); return 'third answered' })
  app.get('/async', async function first() { ran.push('first') }, async function second() { ran.push('second'); return 'second answered' },
    async function third() { ran.push('third'); return 'third answered' })
  await withServer(app, async (s) => {
    for (const path of ['/sync', '/async']) {
      ran.length = 0
      const res = await s.fetch(path)
      assert.is(res.body, 'second answered', path)
      assert.equal(ran, ['first', 'second'], path)
    }
  })
})

chainRule('falsy values other than undefined are responses and stop the chain', async () => {
  const ran: string[] = []
  function neverRuns(req: RouteRequest): string { ran.push(req.path); return 'should not be sent' }
  const app = createApp()
  app.get('/null', function answer() { return null }, neverRuns)
  app.get('/zero', function answer() { return 0 }, neverRuns)
  app.get('/false', function answer() { return false }, neverRuns)
  app.get('/empty', function answer() { return '' }, neverRuns)
  app.get('/async-null', async function answer() { return null }, neverRuns)
  await withServer(app, async (s) => {
    const nul = await s.fetch('/null')
    assert.is(nul.status, 204)
    assert.is(nul.body, '')
    assert.is((await s.fetch('/zero')).body, '0')
    assert.is((await s.fetch('/false')).body, 'false')
    const empty = await s.fetch('/empty')
    assert.is(empty.status, 200)
    assert.is(empty.body, '')
    assert.is((await s.fetch('/async-null')).status, 204)
    assert.equal(ran, [])
  })
})

chainRule('undefined, or a promise of undefined, lets the chain go on through sync and async steps, mixed', async () => {
  const ran: string[] = []
  const app = createApp()
  app.get('/mixed',
    function syncA() { ran.push('syncA') },
    async function asyncB() { await tick(); ran.push('asyncB') },
    function syncC() { ran.push('syncC'); return undefined },
    function promiseD() { ran.push('promiseD'); return Promise.resolve(undefined) },
    function thenableE() { ran.push('thenableE'); return thenable(undefined) },
    function syncF() { ran.push('syncF') },
    function handler() { ran.push('handler'); return ran.join(',') })
  await withServer(app, async (s) => {
    const res = await s.fetch('/mixed')
    assert.is(res.status, 200)
    assert.is(res.body, 'syncA,asyncB,syncC,promiseD,thenableE,syncF,handler')
  })
})

chainRule('a chain of three synchronous steps answers with the value the last one returns', async () => {
  const ran: string[] = []
  const app = createApp()
  app.get('/three', function one() { ran.push('one') }, function two() { ran.push('two') },
    function three() { ran.push('three'); return json({ answeredBy: 'three' }, { status: 201 }) })
  await withServer(app, async (s) => {
    const res = await s.fetch('/three')
    assert.is(res.status, 201)
    assert.equal(JSON.parse(res.body), { answeredBy: 'three' })
    assert.equal(ran, ['one', 'two', 'three'])
  })
})

chainRule('a synchronous chain is answered in the same turn, without awaiting any step', async () => {
  // A microtask queued by the first step runs as soon as anything in the chain awaits. The value is
  // serialised when it is sent, so if the chain went through a promise the body would show the microtask.
  const late: string[] = []
  const app = createApp()
  app.get('/plain', function first() { queueMicrotask(() => late.push('microtask ran')) },
    function second() { return undefined },
    function third() { return { late } })
  app.get('/onion', function around(_req: RouteRequest, _next: Next) { queueMicrotask(() => late.push('microtask ran')) },
    function handler() { return { late } })
  await withServer(app, async (s) => {
    for (const path of ['/plain', '/onion']) {
      late.length = 0
      const res = await s.fetch(path)
      assert.is(res.status, 200, path)
      assert.equal(JSON.parse(res.body), { late: [] }, path)
      assert.equal(late, ['microtask ran'], `${path}: the microtask did run, after the response was written`)
    }
  })
})

chainRule('an object whose then is not a function is sent as data, not awaited', async () => {
  const app = createApp()
  app.get('/then-field', function answer() { return { then: 'later', n: 1 } })
  await withServer(app, async (s) => {
    const res = await s.fetch('/then-field')
    assert.is(res.status, 200)
    assert.equal(JSON.parse(res.body), { then: 'later', n: 1 })
  })
})

chainRule('a chain that ends with no response answers 500 and logs one line naming method, route and steps', async () => {
  const { lines, logger } = recordingLogger()
  const app = createApp({ logger })
  app.use(function appStep() {})
  const items = new Router()
  items.use(function itemsStep() {})
  items.get('/:id', function loadItem() {}, function forgetToAnswer() {})
  items.delete('/:id', async function loadItem() {}, async function forgetToAnswer() { await tick() })
  app.mount('/items', items)
  await withServer(app, async (s) => {
    for (const method of ['GET', 'DELETE'] as const) {
      lines.length = 0
      const res = await s.fetch('/items/42', { method })
      assert.is(res.status, 500, method)
      assert.is(res.body, 'Internal Server Error', method)
      assert.is(lines.length, 1, `${method}: ${lines.join('\n')}`)
      const line = lines[0] ?? ''
      assert.ok(line.startsWith('error '), line)
      assert.ok(line.includes(`${method} /items/:id`), line)
      assert.ok(line.includes('appStep, itemsStep, loadItem, forgetToAnswer'), line)
      assert.not.ok(line.includes('/items/42'), `names the route, not the URL: ${line}`)
    }
  })
})

chainRule('a chain with an onion step that ends with no response still logs exactly one line', async () => {
  const { lines, logger } = recordingLogger()
  const app = createApp({ logger })
  app.get('/hollow', async function around(_req: RouteRequest, next: Next) { await next() }, function handler() {})
  await withServer(app, async (s) => {
    const res = await s.fetch('/hollow')
    assert.is(res.status, 500)
    assert.is(res.body, 'Internal Server Error')
    assert.is(lines.length, 1, lines.join('\n'))
    assert.ok(lines[0]?.includes('GET /hollow [around, handler]'), lines[0])
  })
})

chainRule('any other thrown error becomes a bare 500, logged once with the route (sync throw and async rejection)', async () => {
  const { lines, logger } = recordingLogger()
  const app = createApp({ logger })
  app.get('/sync/:id', function before() {}, function explode() { throw new Error('secret detail') })
  app.get('/async/:id', function before() {}, async function explode() { await tick(); throw new Error('secret detail') })
  app.get('/rejected/:id', function before() {}, function explode() { return Promise.reject(new TypeError('secret detail')) })
  await withServer(app, async (s) => {
    for (const kind of ['sync', 'async', 'rejected']) {
      lines.length = 0
      const res = await s.fetch(`/${kind}/1`)
      assert.is(res.status, 500, kind)
      assert.is(res.body, 'Internal Server Error', kind)
      assert.is(res.headers['content-type'], 'text/plain; charset=utf-8', kind)
      assert.is(lines.length, 1, `${kind}: ${lines.join('\n')}`)
      const line = lines[0] ?? ''
      assert.ok(line.includes(`GET /${kind}/:id [before, explode]`), line)
      assert.ok(line.includes('secret detail'), `the log keeps the error: ${line}`)
    }
  })
})

chainRule.run()

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

// ---------------------------------------------------------------------------------------------------------------

const httpError = suite('HttpError')

httpError('a thrown 4xx HttpError answers its status with its message, sync and async, without logging', async () => {
  const { lines, logger } = recordingLogger()
  const app = createApp({ logger })
  app.get('/sync', function check() { throw new HttpError(422, 'a post needs a title') })
  app.get('/async', async function check() { await tick(); throw new HttpError(404, 'no such post') })
  await withServer(app, async (s) => {
    const sync = await s.fetch('/sync')
    assert.is(sync.status, 422)
    assert.is(sync.body, 'a post needs a title')
    assert.is(sync.headers['content-type'], 'text/plain; charset=utf-8')
    const async = await s.fetch('/async')
    assert.is(async.status, 404)
    assert.is(async.body, 'no such post')
    assert.equal(lines, [])
  })
})

httpError('a thrown 5xx HttpError hides its message and logs it once with the route, sync and async', async () => {
  const { lines, logger } = recordingLogger()
  const app = createApp({ logger })
  app.get('/sync/:id', function load() { throw new HttpError(500, 'database password expired') })
  app.get('/async/:id', async function load() { await tick(); throw new HttpError(503, 'upstream password expired') })
  await withServer(app, async (s) => {
    const sync = await s.fetch('/sync/1')
    assert.is(sync.status, 500)
    assert.is(sync.body, 'Internal Server Error')
    const async = await s.fetch('/async/1')
    assert.is(async.status, 503)
    assert.not.ok(async.body.includes('password'), `the message stays hidden: ${async.body}`)
    assert.ok(async.body.length > 0)
    assert.is(lines.length, 2, lines.join('\n'))
    assert.ok(lines[0]?.includes('GET /sync/:id [load]') && lines[0].includes('database password expired'), lines[0])
    assert.ok(lines[1]?.includes('GET /async/:id [load]') && lines[1].includes('upstream password expired'), lines[1])
  })
})

httpError('sends the headers of a thrown HttpError, 4xx and 5xx', async () => {
  const { logger } = recordingLogger()
  const app = createApp({ logger })
  app.get('/private', function authenticate() {
    throw new HttpError(401, 'unauthenticated', { headers: { 'WWW-Authenticate': 'Bearer realm="posts"' } })
  })
  app.get('/maintenance', async function closed() {
    throw new HttpError(503, 'migrating the posts table', { headers: { 'retry-after': '120' } })
  })
  await withServer(app, async (s) => {
    const res = await s.fetch('/private')
    assert.is(res.status, 401)
    assert.is(res.body, 'unauthenticated')
    assert.is(res.headers['www-authenticate'], 'Bearer realm="posts"')
    const closed = await s.fetch('/maintenance')
    assert.is(closed.status, 503)
    assert.is(closed.headers['retry-after'], '120')
    assert.not.ok(closed.body.includes('migrating'), closed.body)
  })
})

httpError('sends a content-type given in the HttpError headers once, whatever the case of its name', async () => {
  const app = createApp()
  app.get('/plain', function refuse() {
    throw new HttpError(406, 'only text/csv here', { headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
  })
  await withServer(app, async (s) => {
    const res = await s.fetch('/plain')
    assert.is(res.status, 406)
    assert.is(res.body, 'only text/csv here')
    assert.is(res.headers['content-type'], 'text/plain; charset=utf-8')
  })
})

httpError('a returned 4xx HttpError answers like a thrown one, with its headers', async () => {
  const { lines, logger } = recordingLogger()
  const app = createApp({ logger })
  app.get('/sync', function check() {
    return new HttpError(401, 'unauthenticated', { headers: { 'www-authenticate': 'Bearer' } })
  }, function neverRuns() { return 'should not be sent' })
  app.get('/async', async function check() { return new HttpError(404, 'no such post') })
  await withServer(app, async (s) => {
    const sync = await s.fetch('/sync')
    assert.is(sync.status, 401)
    assert.is(sync.body, 'unauthenticated')
    assert.is(sync.headers['www-authenticate'], 'Bearer')
    const async = await s.fetch('/async')
    assert.is(async.status, 404)
    assert.is(async.body, 'no such post')
    assert.equal(lines, [])
  })
})

httpError('a returned 5xx HttpError is hidden and logged with the route, like a thrown one', async () => {
  const { lines, logger } = recordingLogger()
  const app = createApp({ logger })
  app.get('/report/:id', function build() { return new HttpError(500, 'disk quota exceeded on /var/reports') })
  await withServer(app, async (s) => {
    const res = await s.fetch('/report/1')
    assert.is(res.status, 500)
    assert.is(res.body, 'Internal Server Error')
    assert.is(lines.length, 1, `the hidden message must reach the log: ${JSON.stringify(lines)}`)
    assert.ok(lines[0]?.includes('GET /report/:id [build]') && lines[0].includes('disk quota exceeded'), lines[0])
  })
})

httpError('a returned error that is not an HttpError answers a bare 500, logged once with the route', async () => {
  const { lines, logger } = recordingLogger()
  const app = createApp({ logger })
  app.get('/oops', async function build() { return new Error('returned, not thrown') })
  await withServer(app, async (s) => {
    const res = await s.fetch('/oops')
    assert.is(res.status, 500)
    assert.is(res.body, 'Internal Server Error')
    assert.is(lines.length, 1, lines.join('\n'))
    assert.ok(lines[0]?.includes('GET /oops [build]') && lines[0].includes('returned, not thrown'), lines[0])
  })
})

httpError.run()

// ---------------------------------------------------------------------------------------------------------------

const onError = suite('app.onError')

onError('takes over the response when it returns one, and is given the error and the request', async () => {
  const seen: string[] = []
  const app = createApp()
  app.get('/items/:id', function load(req) { throw new HttpError(404, `no item ${req.params.id}`) })
  app.get('/crash', async function crash() { throw new Error('kaput') })
  app.onError((error, req) => {
    seen.push(`${req.method} ${req.path}`)
    return json({ caught: error instanceof Error ? error.message : String(error) }, { status: 418 })
  })
  await withServer(app, async (s) => {
    const missing = await s.fetch('/items/9')
    assert.is(missing.status, 418)
    assert.equal(JSON.parse(missing.body), { caught: 'no item 9' })
    const crash = await s.fetch('/crash')
    assert.is(crash.status, 418)
    assert.equal(JSON.parse(crash.body), { caught: 'kaput' })
    assert.equal(seen, ['GET /items/9', 'GET /crash'])
  })
})

onError('may answer asynchronously', async () => {
  const app = createApp()
  app.get('/boom', function boom() { throw new Error('boom') })
  app.onError(async (error) => {
    await tick()
    return text(`handled later: ${(error as Error).message}`, { status: 502 })
  })
  await withServer(app, async (s) => {
    const res = await s.fetch('/boom')
    assert.is(res.status, 502)
    assert.is(res.body, 'handled later: boom')
  })
})

onError('returning undefined falls back to the default response', async () => {
  const { lines, logger } = recordingLogger()
  const handled: string[] = []
  const app = createApp({ logger })
  app.get('/missing', function load() { throw new HttpError(404, 'not here') })
  app.get('/broken', async function load() { throw new Error('broken') })
  app.onError((error) => {
    handled.push((error as Error).message)
    return undefined
  })
  await withServer(app, async (s) => {
    const missing = await s.fetch('/missing')
    assert.is(missing.status, 404)
    assert.is(missing.body, 'not here')
    const broken = await s.fetch('/broken')
    assert.is(broken.status, 500)
    assert.is(broken.body, 'Internal Server Error')
    assert.equal(handled, ['not here', 'broken'])
    assert.is(lines.length, 1, lines.join('\n'))
    assert.ok(lines[0]?.includes('GET /broken [load]'), lines[0])
  })
})

onError('an onError that throws still gives a 500, and both errors are logged', async () => {
  const { lines, logger } = recordingLogger()
  const app = createApp({ logger })
  app.get('/sync', function fail() { throw new Error('first failure') })
  app.get('/async', function fail() { throw new Error('first failure') })
  app.onError((_error, req) => {
    if (req.path === '/sync') throw new Error('handler failure')
    return Promise.reject(new Error('handler failure'))
  })
  await withServer(app, async (s) => {
    for (const path of ['/sync', '/async']) {
      lines.length = 0
      const res = await s.fetch(path)
      assert.is(res.status, 500, path)
      assert.is(res.body, 'Internal Server Error', path)
      assert.ok(lines.some((line) => line.includes('handler failure')), lines.join('\n'))
      assert.ok(lines.some((line) => line.includes('first failure')), lines.join('\n'))
    }
  })
})

onError.run()

// ---------------------------------------------------------------------------------------------------------------

const useOrder = suite('use() order')

useOrder('runs app use steps, then each mounted router\'s use steps from the outermost in, then the route\'s steps', async () => {
  const order: string[] = []
  const record = (name: string) => Object.defineProperty(function () { order.push(name) }, 'name', { value: name })
  const app = createApp()
  const outer = new Router()
  const inner = new Router()
  app.use(record('app1'), record('app2'))
  outer.use(record('outer1'))
  inner.use(record('inner1'), async function inner2(_req: RouteRequest, next: Next) {
    order.push('inner2 enter')
    const res = await next()
    order.push('inner2 exit')
    return res
  })
  inner.get('/leaf', record('route1'), function route2() { order.push('route2'); return order.join(' > ') })
  outer.mount('/inner', inner)
  app.mount('/outer', outer)
  await withServer(app, async (s) => {
    const res = await s.fetch('/outer/inner/leaf')
    assert.is(res.status, 200)
    assert.is(res.body, 'app1 > app2 > outer1 > inner1 > inner2 enter > route1 > route2')
    assert.equal(order, ['app1', 'app2', 'outer1', 'inner1', 'inner2 enter', 'route1', 'route2', 'inner2 exit'])
  })
})

useOrder('a router\'s use steps never run for another router\'s routes', async () => {
  const order: string[] = []
  const app = createApp()
  app.use(function appStep() { order.push('app') })
  const posts = new Router()
  posts.use(function postsStep() { order.push('posts') })
  posts.get('/:id', function getPost() { order.push('getPost'); return 'post' })
  const users = new Router()
  users.use(function usersStep() { order.push('users') })
  users.get('/:id', function getUser() { order.push('getUser'); return 'user' })
  app.mount('/posts', posts)
  app.mount('/users', users)
  app.get('/', function home() { order.push('home'); return 'home' })
  await withServer(app, async (s) => {
    assert.is((await s.fetch('/posts/1')).body, 'post')
    assert.equal(order.splice(0), ['app', 'posts', 'getPost'])
    assert.is((await s.fetch('/users/1')).body, 'user')
    assert.equal(order.splice(0), ['app', 'users', 'getUser'])
    assert.is((await s.fetch('/')).body, 'home')
    assert.equal(order.splice(0), ['app', 'home'])
  })
})

useOrder('use steps added after the routes still run before them', async () => {
  const order: string[] = []
  const app = createApp()
  const posts = new Router()
  posts.get('/:id', function getPost() { order.push('getPost'); return order.join(' > ') })
  app.mount('/posts', posts)
  posts.use(function lateRouterStep() { order.push('router') })
  app.use(function lateAppStep() { order.push('app') })
  await withServer(app, async (s) => {
    assert.is((await s.fetch('/posts/1')).body, 'app > router > getPost')
  })
})

useOrder.run()

// ---------------------------------------------------------------------------------------------------------------

const tracing = suite('chain rule with tracing on')

tracing('onion steps still get next() and nest; synchronous steps still answer without awaiting', async () => {
  const traceLines: string[] = []
  const order: string[] = []
  const late: string[] = []
  const app = createApp({ trace: (line) => traceLines.push(line) })
  const stamp = defineStep<{ stamp: string }>(function stamp(req) { req.stamp = 'stamped' })
  app.get('/onion', async function outer(_req: RouteRequest, next: Next) {
    order.push('enter outer')
    const res = await next()
    order.push('exit outer')
    return res.header('x-outer', 'yes')
  }, stamp, async function handler(req) {
    order.push('handler')
    await tick()
    return req.stamp
  })
  app.get('/sync', function first() { queueMicrotask(() => late.push('microtask ran')) }, function handler() { return { late } })
  await withServer(app, async (s) => {
    const res = await s.fetch('/onion')
    assert.is(res.body, 'stamped')
    assert.is(res.headers['x-outer'], 'yes')
    assert.equal(order, ['enter outer', 'handler', 'exit outer'])
    const enterOuter = traceLines.find((line) => line.includes('→ outer')) ?? ''
    const enterHandler = traceLines.find((line) => line.includes('→ handler')) ?? ''
    const indent = (line: string): number => /\] ( *)/.exec(line)?.[1]?.length ?? -1
    assert.ok(indent(enterHandler) > indent(enterOuter), `steps inside next() are indented deeper:\n${traceLines.join('\n')}`)
    const sync = await s.fetch('/sync')
    assert.equal(JSON.parse(sync.body), { late: [] })
    assert.equal(late, ['microtask ran'])
  })
})

tracing.run()
