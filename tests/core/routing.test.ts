import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createApp, json, Reply, RoutechainError, Router, type App, type AppOptions, type Next, type RouteRequest } from '../../src/index.js'
import { rawExchange, recordingLogger, withServer } from '../_helpers/http.js'
import { allowOf, listenError } from '../_helpers/assert.js'

/** An app-level onion step that stamps every response it sees. */
async function stamp(_req: RouteRequest, next: Next): Promise<Reply> {
  const res = await next()
  return res.header('x-stamp', 'stamped')
}


// ---------------------------------------------------------------------------------------------------------------------

const miss = suite('App 404 and 405')

miss("answers 404 'Not Found' when no route matches the path", async () => {
  const app = createApp()
  app.get('/here', () => 'here')
  await withServer(app, async (s) => {
    const res = await s.fetch('/missing')
    assert.is(res.status, 404)
    assert.is(res.body, 'Not Found')
    assert.match(String(res.headers['content-type']), /^text\/plain/)
    assert.is(res.headers.allow, undefined)
    assert.is((await s.fetch('/here/deeper')).status, 404)
  })
})

miss('answers 405 with Allow when the path has routes for other methods only', async () => {
  const app = createApp()
  app.post('/items', () => 'created')
  app.put('/items', () => 'replaced')
  await withServer(app, async (s) => {
    const res = await s.fetch('/items')
    assert.is(res.status, 405)
    assert.is(res.body, 'Method Not Allowed')
    assert.equal(allowOf(res.headers), ['OPTIONS', 'POST', 'PUT'])
  })
})

miss('computes Allow per path, params included', async () => {
  const app = createApp()
  app.get('/things/:id', () => 'thing')
  app.delete('/things/:id', () => 'gone')
  app.post('/things', () => 'new')
  await withServer(app, async (s) => {
    assert.equal(allowOf((await s.fetch('/things/9', { method: 'POST' })).headers), ['DELETE', 'GET', 'HEAD', 'OPTIONS'])
    assert.equal(allowOf((await s.fetch('/things', { method: 'GET' })).headers), ['OPTIONS', 'POST'])
  })
})

miss('runs app use steps before the 404 and 405 answers', async () => {
  const app = createApp()
  app.use(stamp)
  app.post('/items', () => 'created')
  await withServer(app, async (s) => {
    const notFound = await s.fetch('/missing')
    assert.is(notFound.status, 404)
    assert.is(notFound.headers['x-stamp'], 'stamped')
    const notAllowed = await s.fetch('/items')
    assert.is(notAllowed.status, 405)
    assert.is(notAllowed.headers['x-stamp'], 'stamped')
  })
})

miss('lets an app use step answer before the 404 is reached', async () => {
  const app = createApp()
  app.use((req) => (req.headers.authorization === undefined ? new Reply('unauthenticated', 401) : undefined))
  app.get('/here', () => 'here')
  await withServer(app, async (s) => {
    assert.is((await s.fetch('/missing')).status, 401)
    assert.is((await s.fetch('/missing', { headers: { authorization: 'x' } })).status, 404)
  })
})

miss.run()

// ---------------------------------------------------------------------------------------------------------------------

const notFound = suite('App#notFound')

notFound('answers unmatched requests with the given step, after the app use steps', async () => {
  const app = createApp()
  app.use(stamp)
  app.notFound((req) => json({ missing: req.path }, { status: 404 }))
  app.post('/items', () => 'created')
  await withServer(app, async (s) => {
    const res = await s.fetch('/nope?x=1')
    assert.is(res.status, 404)
    assert.equal(JSON.parse(res.body), { missing: '/nope' })
    assert.is(res.headers['x-stamp'], 'stamped')
    // a path that exists for other methods still answers 405
    assert.is((await s.fetch('/items')).status, 405)
  })
})

notFound('refuses something that is not a function', () => {
  let caught: unknown
  try {
    createApp().notFound('nope' as never)
  } catch (error) {
    caught = error
  }
  assert.instance(caught, RoutechainError)
  assert.is((caught as RoutechainError).code, 'ERR_ROUTECHAIN_CONFIG')
  assert.match((caught as RoutechainError).message, /notFound\(\) takes a step/)
})

notFound.run()

// ---------------------------------------------------------------------------------------------------------------------

const head = suite('App HEAD')

head('answers HEAD on a GET route with the same headers and no body', async () => {
  const app = createApp()
  const seen: string[] = []
  app.get('/text', (req) => {
    seen.push(req.method)
    return 'hello world'
  })
  app.get('/data', () => ({ a: 1, b: [1, 2, 3] }))
  await withServer(app, async (s) => {
    for (const path of ['/text', '/data']) {
      const get = await s.fetch(path)
      const headRes = await s.fetch(path, { method: 'HEAD' })
      assert.is(headRes.status, 200, path)
      assert.is(headRes.body, '')
      assert.is(headRes.headers['content-length'], get.headers['content-length'])
      assert.is(headRes.headers['content-type'], get.headers['content-type'])
      assert.is(Number(get.headers['content-length']), Buffer.byteLength(get.body))
    }
    assert.equal(seen, ['GET', 'HEAD'])
  })
})

head('answers HEAD on a GET route of a mounted router', async () => {
  const app = createApp()
  const r = new Router()
  r.get('/:id', (req) => `item ${req.params.id}`)
  app.mount('/items', r)
  await withServer(app, async (s) => {
    const res = await s.fetch('/items/12', { method: 'HEAD' })
    assert.is(res.status, 200)
    assert.is(res.headers['content-length'], String(Buffer.byteLength('item 12')))
    assert.is(res.body, '')
  })
})

head('lets an explicit head() route win over the implicit one', async () => {
  const app = createApp()
  app.get('/h', () => 'from get')
  app.head('/h', () => new Reply(null, 200, { 'x-from': 'head' }))
  await withServer(app, async (s) => {
    const res = await s.fetch('/h', { method: 'HEAD' })
    assert.is(res.status, 200)
    assert.is(res.headers['x-from'], 'head')
    assert.is((await s.fetch('/h')).body, 'from get')
  })
})

head('lets an explicit head() in a mounted router win over a GET at the same full path', async () => {
  const app = createApp()
  app.get('/m/z', () => 'from get')
  const r = new Router()
  r.head('/z', () => new Reply(null, 200, { 'x-from': 'head' }))
  app.mount('/m', r)
  await withServer(app, async (s) => {
    assert.is((await s.fetch('/m/z', { method: 'HEAD' })).headers['x-from'], 'head')
    assert.is((await s.fetch('/m/z')).body, 'from get')
  })
})

head('lets an explicit head() win when its param names differ from the GET route', async () => {
  const app = createApp()
  app.get('/a/:id', (req) => `get ${req.params.id}`)
  app.head('/a/:key', () => new Reply(null, 200, { 'x-from': 'head' }))
  await withServer(app, async (s) => {
    assert.is((await s.fetch('/a/1', { method: 'HEAD' })).headers['x-from'], 'head')
    assert.is((await s.fetch('/a/1')).body, 'get 1')
  })
})

head('answers HEAD with 405 and no body where the path has no GET', async () => {
  const app = createApp()
  app.post('/only-post', () => 'posted')
  await withServer(app, async (s) => {
    const res = await s.fetch('/only-post', { method: 'HEAD' })
    assert.is(res.status, 405)
    assert.is(res.body, '')
    assert.equal(allowOf(res.headers), ['OPTIONS', 'POST'])
  })
})

head.run()

// ---------------------------------------------------------------------------------------------------------------------

const options = suite('App OPTIONS')

options('answers OPTIONS with 204 and Allow when the path has no OPTIONS route', async () => {
  const app = createApp()
  app.use(stamp)
  app.get('/o', () => 'get')
  app.post('/o', () => 'post')
  await withServer(app, async (s) => {
    const res = await s.fetch('/o', { method: 'OPTIONS' })
    assert.is(res.status, 204)
    assert.is(res.body, '')
    assert.equal(allowOf(res.headers), ['GET', 'HEAD', 'OPTIONS', 'POST'])
    assert.is(res.headers['x-stamp'], 'stamped')
  })
})

options('answers OPTIONS for an unknown path with 404', async () => {
  const app = createApp()
  app.get('/o', () => 'get')
  await withServer(app, async (s) => {
    const res = await s.fetch('/unknown', { method: 'OPTIONS' })
    assert.is(res.status, 404)
    assert.is(res.body, 'Not Found')
  })
})

options('lets an explicit options() route answer instead', async () => {
  const app = createApp()
  app.get('/o', () => 'get')
  app.options('/o', () => new Reply(null, 200, { allow: 'GET, OPTIONS', 'x-from': 'options' }))
  await withServer(app, async (s) => {
    const res = await s.fetch('/o', { method: 'OPTIONS' })
    assert.is(res.status, 200)
    assert.is(res.headers['x-from'], 'options')
  })
})

options('answers OPTIONS * with 204 and every method the app serves', async () => {
  const app = createApp()
  app.get('/a', () => 'get')
  app.delete('/b', () => 'delete')
  await withServer(app, async (s) => {
    const raw = await rawExchange(s.url, 'OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    assert.match(raw, /^HTTP\/1\.1 204 /)
    const allow = /\r\nallow: ([^\r]*)/i.exec(raw)?.[1]?.split(', ').sort()
    assert.equal(allow, ['DELETE', 'GET', 'HEAD', 'OPTIONS'])
  })
})

options.run()

// ---------------------------------------------------------------------------------------------------------------------

const malformed = suite('App malformed URLs')

malformed('answers 400 to bad percent-encoding and keeps serving', async () => {
  const { logger, lines } = recordingLogger()
  const app = createApp({ logger })
  let calls = 0
  app.get('/post/:id', (req) => {
    calls++
    return `post ${req.params.id}`
  })
  app.get('/', () => 'home')
  await withServer(app, async (s) => {
    for (const path of ['/%zz', '/post/%E0%A4%A', '/post/%', '/post/%E0%A4']) {
      const res = await s.fetch(path)
      assert.is(res.status, 400, path)
      assert.is(res.body, 'Bad Request: malformed URL')
    }
    assert.is(calls, 0)
    assert.is((await s.fetch('/post/ok')).body, 'post ok')
    assert.is((await s.fetch('/')).body, 'home')
  })
  assert.equal(lines, [])
})

malformed('answers 400 for a method that has no routes at all', async () => {
  const app = createApp()
  app.get('/post/:id', () => 'post')
  await withServer(app, async (s) => {
    const res = await s.fetch('/post/%E0%A4%A', { method: 'DELETE' })
    assert.is(res.status, 400)
  })
})

malformed('decodes well-formed percent-encoding in params', async () => {
  const app = createApp()
  app.get('/post/:id', (req) => req.params.id)
  await withServer(app, async (s) => {
    assert.is((await s.fetch('/post/caf%C3%A9')).body, 'café')
    assert.is((await s.fetch('/post/a%2Fb')).body, 'a/b')
  })
})

malformed.run()

// ---------------------------------------------------------------------------------------------------------------------

const routing = suite('createApp routing options')

async function statuses(opts: AppOptions, register: (app: App) => void, paths: string[]): Promise<number[]> {
  const app = createApp(opts)
  register(app)
  const out: number[] = []
  await withServer(app, async (s) => {
    for (const path of paths) out.push((await s.fetch(path)).status)
  })
  return out
}

routing('ignoreTrailingSlash matches /a/ to /a', async () => {
  const register = (app: App): void => { app.get('/a', () => 'a') }
  assert.equal(await statuses({}, register, ['/a', '/a/']), [200, 404])
  assert.equal(await statuses({ ignoreTrailingSlash: true }, register, ['/a', '/a/']), [200, 200])
})

routing('ignoreTrailingSlash applies to a prefix route', async () => {
  const register = (app: App): void => { app.mount('/post', (r) => { r.get('/', () => 'index') }) }
  assert.equal(await statuses({}, register, ['/post', '/post/']), [200, 404])
  assert.equal(await statuses({ ignoreTrailingSlash: true }, register, ['/post', '/post/']), [200, 200])
})

routing('ignoreDuplicateSlashes matches //a//b to /a/b', async () => {
  const register = (app: App): void => { app.get('/a/b', () => 'ab') }
  assert.equal(await statuses({}, register, ['/a/b', '//a//b']), [200, 404])
  assert.equal(await statuses({ ignoreDuplicateSlashes: true }, register, ['/a/b', '//a//b']), [200, 200])
})

routing('caseSensitive: false matches paths in any case and keeps param values as sent', async () => {
  const register = (app: App): void => {
    app.get('/Hello', () => 'hello')
    app.get('/users/:name', (req) => req.params.name)
  }
  assert.equal(await statuses({}, register, ['/Hello', '/hello']), [200, 404])
  assert.equal(await statuses({ caseSensitive: false }, register, ['/Hello', '/hello', '/HELLO']), [200, 200, 200])
  const app = createApp({ caseSensitive: false })
  register(app)
  await withServer(app, async (s) => {
    assert.is((await s.fetch('/USERS/AnnE')).body, 'AnnE')
  })
})

routing('maxParamLength: a longer param does not match (404)', async () => {
  const register = (app: App): void => { app.get('/p/:id', (req) => req.params.id) }
  assert.equal(await statuses({ maxParamLength: 5 }, register, ['/p/12345', '/p/123456']), [200, 404])
  assert.equal(await statuses({}, register, [`/p/${'x'.repeat(100)}`, `/p/${'x'.repeat(101)}`]), [200, 404])
})

routing.run()

// ---------------------------------------------------------------------------------------------------------------------

const duplicates = suite('App#listen (duplicate routes)')

duplicates('refuses the same method and path twice, at listen()', async () => {
  const app = createApp()
  app.get('/dup', () => 'one')
  app.get('/dup', () => 'two') // registration itself does not throw
  const error = await listenError(app)
  assert.match(error.message, /cannot add route GET \/dup/)
  assert.match(error.message, /registered once/)
  assert.is(app.port, undefined)
})

duplicates('refuses a duplicate that only appears through a mount', async () => {
  const app = createApp()
  app.post('/post/x', () => 'app')
  const post = new Router()
  post.post('/x', () => 'router')
  app.mount('/post', post)
  const error = await listenError(app)
  assert.match(error.message, /cannot add route POST \/post\/x/)
})

duplicates('refuses a duplicate between a multi-method route and a verb route', async () => {
  const app = createApp()
  app.route(['GET', 'PUT'], '/x', () => 'multi')
  app.put('/x', () => 'put')
  const error = await listenError(app)
  assert.match(error.message, /cannot add route PUT \/x/)
})

duplicates('accepts one path with different methods', async () => {
  const app = createApp()
  app.get('/x', () => 'get')
  app.post('/x', () => 'post')
  await withServer(app, async (s) => {
    assert.is((await s.fetch('/x')).body, 'get')
    assert.is((await s.fetch('/x', { method: 'POST' })).body, 'post')
  })
})

duplicates.run()
