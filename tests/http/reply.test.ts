import { Readable } from 'node:stream'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { request } from 'undici'
import { createApp, html, HttpError, json, redirect, reply, Reply, RoutechainError, text, type App, type Step } from '../../src/index.js'
import { recordingLogger, type TestServer, withServer } from '../_helpers/http.js'
import { configCode } from '../_helpers/assert.js'

const TEXT = 'text/plain; charset=utf-8'
const JSON_TYPE = 'application/json; charset=utf-8'
const UNICODE = 'héllo wörld ✓ 🚀'

/** An app with one GET route at `/` answering with `step`; errors go to a recording logger. */
function appWith(step: Step): { app: App; lines: string[] } {
  const { lines, logger } = recordingLogger()
  const app = createApp({ logger })
  app.get('/', step)
  return { app, lines }
}

/** GETs `/` from an app whose only route returns `value`. */
async function answer(value: () => unknown): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string; lines: string[] }> {
  const { app, lines } = appWith(value)
  let result: Awaited<ReturnType<TestServer['fetch']>> | undefined
  await withServer(app, async (server) => { result = await server.fetch('/') })
  return { ...(result as Awaited<ReturnType<TestServer['fetch']>>), lines }
}

/** Resolves as `promise` does, or fails the test if it has not settled within 5 s (a hang guard, not a timing check). */
async function settles<T>(promise: Promise<T>, what: string): Promise<T> {
  let guard: NodeJS.Timeout | undefined
  const hang = new Promise<never>((_, reject) => { guard = setTimeout(() => reject(new Error(`${what} hung`)), 5000) })
  try {
    return await Promise.race([promise, hang])
  } finally {
    clearTimeout(guard)
  }
}

// ---------------------------------------------------------------------------------------------

const returned = suite('step return value')

returned('a string goes out as 200 text/plain with its length in bytes', async () => {
  const res = await answer(() => UNICODE)
  assert.is(res.status, 200)
  assert.is(res.headers['content-type'], TEXT)
  assert.is(res.headers['content-length'], String(Buffer.byteLength(UNICODE)))
  assert.is.not(res.headers['content-length'], String(UNICODE.length))
  assert.is(res.body, UNICODE)
})

returned('a plain object goes out as 200 JSON', async () => {
  const res = await answer(() => ({ name: UNICODE, n: 1 }))
  assert.is(res.status, 200)
  assert.is(res.headers['content-type'], JSON_TYPE)
  assert.is(res.headers['content-length'], String(Buffer.byteLength(res.body)))
  assert.equal(JSON.parse(res.body), { name: UNICODE, n: 1 })
})

returned('an array goes out as 200 JSON', async () => {
  const res = await answer(() => [1, 'two', { three: 3 }])
  assert.is(res.status, 200)
  assert.is(res.headers['content-type'], JSON_TYPE)
  assert.equal(JSON.parse(res.body), [1, 'two', { three: 3 }])
})

returned('a number, including 0, goes out as 200 JSON', async () => {
  for (const value of [42, 0]) {
    const res = await answer(() => value)
    assert.is(res.status, 200)
    assert.is(res.headers['content-type'], JSON_TYPE)
    assert.is(res.body, String(value))
  }
})

returned('a boolean, including false, goes out as 200 JSON', async () => {
  for (const value of [true, false]) {
    const res = await answer(() => value)
    assert.is(res.status, 200)
    assert.is(res.headers['content-type'], JSON_TYPE)
    assert.is(res.body, String(value))
  }
})

returned('null goes out as 204 with no body', async () => {
  const res = await answer(() => null)
  assert.is(res.status, 204)
  assert.is(res.body, '')
  assert.is(res.headers['content-type'], undefined)
})

returned('a Uint8Array goes out as application/octet-stream with content-length', async () => {
  const bytes = new Uint8Array([0, 1, 2, 250, 255])
  const res = await answer(() => bytes)
  assert.is(res.status, 200)
  assert.is(res.headers['content-type'], 'application/octet-stream')
  assert.is(res.headers['content-length'], '5')
})

returned('a Buffer goes out as application/octet-stream with content-length', async () => {
  const res = await answer(() => Buffer.from(UNICODE))
  assert.is(res.status, 200)
  assert.is(res.headers['content-type'], 'application/octet-stream')
  assert.is(res.headers['content-length'], String(Buffer.byteLength(UNICODE)))
  assert.is(res.body, UNICODE)
})

returned('a node Readable is streamed: chunked, no content-length', async () => {
  const res = await answer(() => Readable.from(['one,', 'two,', 'three']))
  assert.is(res.status, 200)
  assert.is(res.headers['content-length'], undefined)
  assert.is(res.headers['transfer-encoding'], 'chunked')
  assert.is(res.body, 'one,two,three')
})

returned('a web ReadableStream is streamed', async () => {
  const res = await answer(() => new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('web '))
      controller.enqueue(new TextEncoder().encode(UNICODE))
      controller.close()
    },
  }))
  assert.is(res.status, 200)
  assert.is(res.headers['content-length'], undefined)
  assert.is(res.headers['transfer-encoding'], 'chunked')
  assert.is(res.body, `web ${UNICODE}`)
})

returned('an async generator is streamed', async () => {
  async function* lines(): AsyncGenerator<string> {
    yield 'a\n'
    await new Promise((resolve) => setImmediate(resolve))
    yield 'b\n'
  }
  const res = await answer(() => lines())
  assert.is(res.status, 200)
  assert.is(res.headers['content-length'], undefined)
  assert.is(res.headers['transfer-encoding'], 'chunked')
  assert.is(res.body, 'a\nb\n')
})

returned('a web Response is sent as is: status, headers, every set-cookie, body', async () => {
  const res = await answer(() => {
    const headers = new Headers({ 'x-custom': 'yes', 'content-type': 'text/csv' })
    headers.append('set-cookie', 'a=1; Path=/')
    headers.append('set-cookie', 'b=2; Path=/; HttpOnly')
    return new Response('id,name\n1,ann\n', { status: 201, headers })
  })
  assert.is(res.status, 201)
  assert.is(res.headers['x-custom'], 'yes')
  assert.is(res.headers['content-type'], 'text/csv')
  assert.equal(res.headers['set-cookie'], ['a=1; Path=/', 'b=2; Path=/; HttpOnly'])
  assert.is(res.body, 'id,name\n1,ann\n')
})

returned('a web Response with no body keeps its status', async () => {
  const res = await answer(() => new Response(null, { status: 202, headers: { 'x-queued': '1' } }))
  assert.is(res.status, 202)
  assert.is(res.headers['x-queued'], '1')
  assert.is(res.body, '')
})

returned('a returned function is a 500 and is logged', async () => {
  const res = await answer(() => () => 'not called')
  assert.is(res.status, 500)
  assert.is.not(res.body, 'not called')
  assert.ok(res.lines.some((line) => line.startsWith('error')), 'an error is logged')
})

returned('a returned symbol is a 500', async () => {
  const res = await answer(() => Symbol('nope'))
  assert.is(res.status, 500)
})

returned.run()

// ---------------------------------------------------------------------------------------------

const jsonSuite = suite('json()')

jsonSuite('answers 200 application/json with the serialised data', async () => {
  const res = await answer(() => json({ ok: true, name: UNICODE }))
  assert.is(res.status, 200)
  assert.is(res.headers['content-type'], JSON_TYPE)
  assert.is(res.headers['content-length'], String(Buffer.byteLength(res.body)))
  assert.equal(JSON.parse(res.body), { ok: true, name: UNICODE })
})

jsonSuite('takes a status and headers, with header names lower-cased', async () => {
  const res = await answer(() => json({ id: 7 }, { status: 201, headers: { 'X-Id': '7', Location: '/things/7' } }))
  assert.is(res.status, 201)
  assert.is(res.headers['x-id'], '7')
  assert.is(res.headers.location, '/things/7')
  assert.is(res.headers['content-type'], JSON_TYPE)
})

jsonSuite('lets the headers override the content type', () => {
  const r = json({ title: 'x' }, { headers: { 'Content-Type': 'application/problem+json' } })
  assert.is(r.headers['content-type'], 'application/problem+json')
})

jsonSuite('serialises undefined as null rather than sending no body', () => {
  assert.is(json(undefined).body, 'null')
})

jsonSuite('refuses a status outside 100-999', () => {
  assert.is(configCode(() => json({}, { status: 1000 })), 'ERR_ROUTECHAIN_CONFIG')
  assert.is(configCode(() => json({}, { status: 99 })), 'ERR_ROUTECHAIN_CONFIG')
  assert.is(configCode(() => json({}, { status: 200.5 })), 'ERR_ROUTECHAIN_CONFIG')
})

jsonSuite('accepts headers as a web Headers, keeping each set-cookie', async () => {
  const res = await answer(() => {
    const headers = new Headers([['X-Request-Id', 'abc'], ['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2']])
    return json([1], { headers })
  })
  assert.is(res.headers['x-request-id'], 'abc')
  assert.equal(res.headers['set-cookie'], ['a=1', 'b=2'])
  assert.is(res.headers['content-type'], JSON_TYPE)
})

jsonSuite.run()

// ---------------------------------------------------------------------------------------------

const textSuite = suite('text()')

textSuite('answers text/plain with the byte length of the text', async () => {
  const res = await answer(() => text(UNICODE, { status: 202 }))
  assert.is(res.status, 202)
  assert.is(res.headers['content-type'], TEXT)
  assert.is(res.headers['content-length'], String(Buffer.byteLength(UNICODE)))
  assert.is(res.body, UNICODE)
})

textSuite.run()

// ---------------------------------------------------------------------------------------------

const htmlSuite = suite('html()')

htmlSuite('answers text/html; charset=utf-8', async () => {
  const res = await answer(() => html('<p>héllo</p>', { headers: { 'x-frame-options': 'DENY' } }))
  assert.is(res.status, 200)
  assert.is(res.headers['content-type'], 'text/html; charset=utf-8')
  assert.is(res.headers['x-frame-options'], 'DENY')
  assert.is(res.body, '<p>héllo</p>')
})

htmlSuite.run()

// ---------------------------------------------------------------------------------------------

const redirectSuite = suite('redirect()')

redirectSuite('answers 303 See Other with a location and an empty body by default', async () => {
  const res = await answer(() => redirect('/login?next=%2Fhome'))
  assert.is(res.status, 303)
  assert.is(res.headers.location, '/login?next=%2Fhome')
  assert.is(res.headers['content-length'], '0')
  assert.is(res.body, '')
})

redirectSuite('takes another 3xx status', async () => {
  const res = await answer(() => redirect('https://example.com/new', 301))
  assert.is(res.status, 301)
  assert.is(res.headers.location, 'https://example.com/new')
})

redirectSuite('throws a config error for a status that is not 3xx', () => {
  assert.is(configCode(() => redirect('/x', 200)), 'ERR_ROUTECHAIN_CONFIG')
  assert.is(configCode(() => redirect('/x', 404)), 'ERR_ROUTECHAIN_CONFIG')
  assert.is(configCode(() => redirect('/x', 400)), 'ERR_ROUTECHAIN_CONFIG')
  assert.is(configCode(() => redirect('/x', 299)), 'ERR_ROUTECHAIN_CONFIG')
})

redirectSuite('throws a config error for a status that is not a whole number', () => {
  assert.is(configCode(() => redirect('/x', 301.5)), 'ERR_ROUTECHAIN_CONFIG')
  assert.is(configCode(() => redirect('/x', Number.NaN)), 'ERR_ROUTECHAIN_CONFIG')
})

redirectSuite('redirect.local() takes a path on this site (#13)', async () => {
  const res = await answer(() => redirect.local('/posts/1?tab=comments#top'))
  assert.is(res.status, 303)
  assert.is(res.headers.location, '/posts/1?tab=comments#top')
  assert.is((await answer(() => redirect.local('/login', 302))).status, 302)
})

redirectSuite('redirect.local() answers 400 for any target a browser would take to another host (#13)', async () => {
  for (const target of ['//evil.example', '/\\evil.example', '\\\\evil.example', 'https://evil.example/', 'evil.example',
    '/\t/evil.example', '/\n/evil.example', ' /x', 'javascript:alert(1)', '', '/%0a/evil']) {
    const res = await answer(() => redirect.local(target))
    if (target === '/%0a/evil') {
      assert.is(res.status, 303, 'an encoded newline stays an encoded path segment')
      continue
    }
    assert.is(res.status, 400, JSON.stringify(target))
    assert.is(res.body, 'the redirect target must be a path on this site')
    assert.is(res.headers.location, undefined)
  }
})

redirectSuite.run()

// ---------------------------------------------------------------------------------------------

const replySuite = suite('reply()')

replySuite('keeps the content type that comes with the kind of body', async () => {
  const res = await answer(() => reply({ a: 1 }, { status: 201, headers: { 'x-a': '1' } }))
  assert.is(res.status, 201)
  assert.is(res.headers['content-type'], JSON_TYPE)
  assert.is(res.headers['x-a'], '1')
  assert.equal(JSON.parse(res.body), { a: 1 })
  assert.is(reply('hi').headers['content-type'], TEXT)
  assert.is(reply(new Uint8Array(1)).headers['content-type'], 'application/octet-stream')
})

replySuite('uses the content type from the headers over the one of the body kind', async () => {
  const res = await answer(() => reply(Readable.from(['a,b\n', '1,2\n']), { headers: { 'Content-Type': 'text/csv' } }))
  assert.is(res.status, 200)
  assert.is(res.headers['content-type'], 'text/csv')
  assert.is(res.headers['content-length'], undefined)
  assert.is(res.body, 'a,b\n1,2\n')
  assert.is(reply('x', { headers: new Headers({ 'content-type': 'text/markdown' }) }).headers['content-type'], 'text/markdown')
})

replySuite('keeps every header of a web Response it wraps, with the given headers on top', async () => {
  const response = new Response('hi', { headers: [['x-kept', 'yes'], ['set-cookie', 'a=1'], ['set-cookie', 'b=2'], ['x-over', 'old']] })
  const res = await answer(() => reply(response, { status: 202, headers: { 'x-over': 'new' } }))
  assert.is(res.status, 202)
  assert.is(res.headers['x-kept'], 'yes')
  assert.is(res.headers['x-over'], 'new')
  assert.equal(res.headers['set-cookie'], ['a=1', 'b=2'])
  assert.is(res.body, 'hi')
})

replySuite('answers 204 for a null body unless given a status', () => {
  assert.is(reply(null).status, 204)
  assert.is(reply(null).body, null)
  assert.is(reply(null, { status: 202 }).status, 202)
})

replySuite.run()

// ---------------------------------------------------------------------------------------------

const header = suite('Reply#header()')

header('sets a header by its lower-case name and chains', async () => {
  const res = await answer(() => {
    const r = text('ok')
    const same = r.header('X-Trace', 'abc').header('Set-Cookie', ['a=1', 'b=2']).header('X-Count', 3)
    if (same !== r) throw new Error('header() did not return the reply')
    return r
  })
  assert.is(res.status, 200)
  assert.is(res.headers['x-trace'], 'abc')
  assert.is(res.headers['x-count'], '3')
  assert.equal(res.headers['set-cookie'], ['a=1', 'b=2'])
  assert.is(res.body, 'ok')
})

header('replaces a header set before under another case', () => {
  const r = new Reply('x', 200, { 'content-type': TEXT }).header('Content-Type', 'text/x-custom')
  assert.equal(r.headers, { 'content-type': 'text/x-custom' })
})

header.run()

// ---------------------------------------------------------------------------------------------

const head = suite('HEAD on a GET route')

head('answers a streaming route with headers only, without waiting for the stream', async () => {
  const endless = new Readable({ read() {} }) // never ends: a GET would hang on it
  const { app } = appWith(() => endless)
  app.get('/after', () => 'still serving')
  await withServer(app, async (server) => {
    const res = await settles(server.fetch('/', { method: 'HEAD' }), 'HEAD on an endless stream')
    assert.is(res.status, 200)
    assert.is(res.body, '')
    assert.ok(endless.destroyed, 'the unread stream is destroyed')
    assert.is((await server.fetch('/after')).body, 'still serving')
  })
})

head('cancels a web ReadableStream it does not send', async () => {
  let cancelled = false
  const { app } = appWith(() => new ReadableStream({ pull() {}, cancel() { cancelled = true } }))
  await withServer(app, async (server) => {
    const res = await settles(server.fetch('/', { method: 'HEAD' }), 'HEAD on an endless web stream')
    assert.is(res.status, 200)
    assert.is(res.body, '')
    assert.ok(cancelled, 'the stream is cancelled')
  })
})

head('never starts an async generator it does not send', async () => {
  let started = false
  const { app } = appWith(() => (async function* () {
    started = true
    for (;;) {
      yield 'forever'
      await new Promise((resolve) => setImmediate(resolve))
    }
  })())
  await withServer(app, async (server) => {
    const res = await settles(server.fetch('/', { method: 'HEAD' }), 'HEAD on an endless generator')
    assert.is(res.status, 200)
    assert.is(res.body, '')
    assert.is(started, false)
  })
})

head('sends the headers of a text route without its body', async () => {
  const { app } = appWith(() => UNICODE)
  await withServer(app, async (server) => {
    const res = await server.fetch('/', { method: 'HEAD' })
    assert.is(res.status, 200)
    assert.is(res.headers['content-length'], String(Buffer.byteLength(UNICODE)))
    assert.is(res.body, '')
  })
})

head.run()

// ---------------------------------------------------------------------------------------------

const failing = suite('streamed response that fails')

/** A route that streams a first chunk, waits for `release`, then fails with `boom`. */
function failingStreamApp(kind: 'generator' | 'readable' | 'web stream'): { app: App; lines: string[]; release: () => void } {
  let release!: () => void
  const released = new Promise<void>((resolve) => { release = resolve })
  const { app, lines } = appWith(() => {
    if (kind === 'generator') {
      return (async function* () {
        yield 'first chunk\n'
        await released
        throw new Error('boom')
      })()
    }
    if (kind === 'web stream') {
      return new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(new TextEncoder().encode('first chunk\n'))
          await released
          controller.error(new Error('boom'))
        },
      })
    }
    const stream = new Readable({ read() {} })
    stream.push('first chunk\n')
    void released.then(() => stream.destroy(new Error('boom')))
    return stream
  })
  app.get('/next', () => 'next request answered')
  return { app, lines, release }
}

for (const kind of ['generator', 'readable', 'web stream'] as const) {
  failing(`closes the connection when a ${kind} fails after the headers went out, logs once, keeps serving`, async () => {
    const { app, lines, release } = failingStreamApp(kind)
    await withServer(app, async (server) => {
      const res = await request(`${server.url}/`)
      assert.is(res.statusCode, 200) // the headers are out before the stream fails
      release()
      let failed = false
      try {
        const body = await settles(res.body.text(), 'reading the failed stream')
        failed = body !== 'first chunk\n' // a truncated body counts too
      } catch {
        failed = true
      }
      assert.ok(failed, 'the client sees the response fail')
      const next = await server.fetch('/next')
      assert.is(next.status, 200)
      assert.is(next.body, 'next request answered')
      const errors = lines.filter((line) => line.startsWith('error'))
      assert.is(errors.length, 1, `logged once: ${JSON.stringify(lines)}`)
      assert.match(errors[0] ?? '', 'boom')
    })
  })
}

failing('a client that goes away mid-stream ends the stream and is not logged as an error', async () => {
  const endless = new Readable({ read() {} })
  endless.push('some data\n')
  const closed = new Promise<void>((resolve) => endless.once('close', resolve))
  const { app, lines } = appWith(() => endless)
  app.get('/next', () => 'next')
  await withServer(app, async (server) => {
    const abort = new AbortController()
    const res = await request(`${server.url}/`, { signal: abort.signal })
    assert.is(res.statusCode, 200)
    abort.abort()
    await res.body.text().catch(() => undefined)
    await settles(closed, 'closing the stream after the client left')
    assert.is((await server.fetch('/next')).body, 'next')
    assert.equal(lines.filter((line) => line.startsWith('error')), [])
  })
})

failing.run()

// ---------------------------------------------------------------------------------------------

const httpError = suite('HttpError')

httpError('is a RoutechainError with code ERR_ROUTECHAIN_HTTP, a status and a name', () => {
  const cause = new Error('db down')
  const error = new HttpError(409, 'already exists', { cause })
  assert.instance(error, HttpError)
  assert.instance(error, RoutechainError)
  assert.instance(error, Error)
  assert.is(error.code, 'ERR_ROUTECHAIN_HTTP')
  assert.is(error.name, 'HttpError')
  assert.is(error.status, 409)
  assert.is(error.message, 'already exists')
  assert.is(error.cause, cause)
  assert.equal(error.headers, {})
})

httpError('defaults the message to the status text', () => {
  assert.is(new HttpError(404).message, 'Not Found')
  assert.is(new HttpError(503).message, 'Service Unavailable')
})

httpError('refuses a status outside 400-599 with ERR_ROUTECHAIN_CONFIG', () => {
  for (const status of [200, 301, 399, 600, 404.5, Number.NaN]) {
    assert.is(configCode(() => new HttpError(status)), 'ERR_ROUTECHAIN_CONFIG', `status ${status}`)
  }
  assert.is(configCode(() => new HttpError(400)), undefined)
  assert.is(configCode(() => new HttpError(599)), undefined)
})

httpError('exposes 4xx messages and hides 5xx ones by default', () => {
  assert.is(new HttpError(400).expose, true)
  assert.is(new HttpError(499).expose, true)
  assert.is(new HttpError(500).expose, false)
  assert.is(new HttpError(503).expose, false)
  assert.is(new HttpError(500, 'm', { expose: true }).expose, true)
  assert.is(new HttpError(404, 'm', { expose: false }).expose, false)
})

httpError('thrown 4xx: answers its status, message and headers', async () => {
  const res = await answer(() => {
    throw new HttpError(401, 'who are you?', { headers: { 'www-authenticate': 'Bearer realm="api"' } })
  })
  assert.is(res.status, 401)
  assert.is(res.body, 'who are you?')
  assert.is(res.headers['www-authenticate'], 'Bearer realm="api"')
  assert.is(res.headers['content-type'], TEXT)
})

httpError('thrown 5xx: answers its status, hides and logs the message', async () => {
  const res = await answer(async () => {
    throw new HttpError(503, 'database password rejected', { headers: { 'retry-after': '5' } })
  })
  assert.is(res.status, 503)
  assert.not.match(res.body, 'password')
  assert.is(res.headers['retry-after'], '5')
  assert.ok(res.lines.some((line) => line.startsWith('error') && line.includes('database password rejected')), 'logged')
})

httpError('expose overrides the default either way', async () => {
  const shown = await answer(() => { throw new HttpError(502, 'upstream said no', { expose: true }) })
  assert.is(shown.status, 502)
  assert.is(shown.body, 'upstream said no')
  const hidden = await answer(() => { throw new HttpError(422, 'internal detail', { expose: false }) })
  assert.is(hidden.status, 422)
  assert.not.match(hidden.body, 'internal detail')
})

httpError.run()

// ---------------------------------------------------------------------------------------------

const routechainError = suite('RoutechainError')

routechainError('carries a stable code and the name RoutechainError', () => {
  const cause = new Error('inner')
  const error = new RoutechainError('ERR_ROUTECHAIN_SOMETHING', 'it broke', { cause })
  assert.instance(error, Error)
  assert.is(error.name, 'RoutechainError')
  assert.is(error.code, 'ERR_ROUTECHAIN_SOMETHING')
  assert.is(error.message, 'it broke')
  assert.is(error.cause, cause)
})

routechainError('is what configuration mistakes throw, with code ERR_ROUTECHAIN_CONFIG', () => {
  assert.is(configCode(() => createApp({ bodyLimit: -1 })), 'ERR_ROUTECHAIN_CONFIG')
  assert.is(configCode(() => redirect('/', 200)), 'ERR_ROUTECHAIN_CONFIG')
})

routechainError.run()
