// The chain rule, proved over real HTTP: how steps are called, what their return values mean, and in which
// order use() steps run. next() is in next.test.ts; errors and onError in errors.test.ts.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  createApp, defineStep, json, Router,
  type Next, type RouteRequest,
} from '../../src/index.js'
import { recordingLogger, withServer } from '../_helpers/http.js'
import { tick } from '../_helpers/async.js'

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
