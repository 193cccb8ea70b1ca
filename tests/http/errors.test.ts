// How thrown and returned errors become responses, and how app.onError takes over, over real HTTP.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  createApp, HttpError, json, text,
  
} from '../../src/index.js'
import { recordingLogger, withServer } from '../_helpers/http.js'
import { tick } from '../_helpers/async.js'

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
