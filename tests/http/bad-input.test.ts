// Issue #6: each bad input gets a clear 4xx, never a crash, a hang or a stack trace sent to the client. Every
// request goes over real HTTP to an app on port 0: undici for well-formed requests, raw sockets for the rest.
// After each malformed request the server must still answer a normal one, and every wait is bounded.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  createApp, EncryptedCookieStorage, generateKey, type App, type AppOptions, type FormFields, type Query,
} from '../../src/index.js'
import { recordingLogger, sendRaw, withServer, type RawAnswer, type RawResponse, type TestServer } from '../_helpers/http.js'
import { allowOf, listenError, throwsConfig } from '../_helpers/assert.js'
import { sleep } from '../_helpers/async.js'

/** undici options for every request here: no answer within 5 s fails the test instead of hanging it. */
const BOUNDED = { headersTimeout: 5000, bodyTimeout: 5000 }

const JSON_TYPE = { 'content-type': 'application/json' }
const FORM_TYPE = { 'content-type': 'application/x-www-form-urlencoded' }

/** An app that logs into `lines`, with GET /ping for checking that it still serves; `setup` adds the rest. */
function makeApp(setup: (app: App) => void, options: AppOptions = {}): { app: App; lines: string[] } {
  const { lines, logger } = recordingLogger()
  const app = createApp({ logger, ...options })
  app.get('/ping', () => 'pong')
  setup(app)
  return { app, lines }
}

/** One raw request line with the headers it needs: `Host` and, unless `extra` says otherwise, `Connection: close`. */
function rawRequest(requestLine: string, extra = ''): string {
  return `${requestLine} HTTP/1.1\r\nHost: x\r\n${/connection:/i.test(extra) ? '' : 'Connection: close\r\n'}${extra}\r\n`
}

/** One chunk of a chunked request body. */
function chunk(data: string): string {
  return `${Buffer.byteLength(data).toString(16)}\r\n${data}\r\n`
}

/** The first response of a raw exchange; fails when the server sent none. */
function first(answer: RawAnswer, what: string): RawResponse {
  const response = answer.responses[0]
  assert.ok(response !== undefined, `${what}: no response at all (server sent ${JSON.stringify(answer.text)}, closed: ${String(answer.closed)})`)
  return response as RawResponse
}

// Signs that an error's internals went out to the client.
const STACK_SIGNS: readonly (readonly [RegExp, string])[] = [
  [/^\s*at\s/m, 'a stack frame ("at …")'],
  [/file:\/\/|node:internal|node_modules/, 'a module path'],
  [/(?:^|[\s("'])(?:\/[\w.@-]+){2,}/m, 'an absolute file path'],
  [/\.[cm]?[jt]s:\d+/, 'a file:line reference'],
  [/\b\w*Error: /, 'an error class name'],
]

/** Asserts that a response body gives nothing of the server's insides away: no stack frames, no file paths. */
function assertNoStack(body: string, where: string): void {
  for (const [sign, what] of STACK_SIGNS) {
    assert.not.match(body, sign, `${where}: the body shows ${what}: ${JSON.stringify(body.slice(0, 300))}`)
  }
}

/** Asserts a status (and the body's message), and for a 4xx or 5xx that the body holds no stack trace. */
function expectStatus(res: { status: number; body: string }, status: number, where: string, message?: RegExp): void {
  assert.is(res.status, status, `${where}: expected ${status}, got ${res.status} ${JSON.stringify(res.body.slice(0, 200))}`)
  if (message !== undefined) assert.match(res.body, message, `${where}: the message`)
  if (res.status >= 400) assertNoStack(res.body, where)
}

/** The server still answers a normal request: through undici, and on a new raw connection. */
async function assertStillServes(s: TestServer, after: string): Promise<void> {
  const res = await s.fetch('/ping', BOUNDED)
  assert.is(res.status, 200, `after ${after}: GET /ping through undici`)
  assert.is(res.body, 'pong')
  const fresh = await sendRaw(s.url, [rawRequest('GET /ping')])
  const answer = first(fresh, `after ${after}: GET /ping on a new connection`)
  assert.is(answer.status, 200, `after ${after}: GET /ping on a new connection`)
  assert.is(answer.body, 'pong')
}

/** No line was logged at the error level: bad input is the client's problem, not a crash of the app. */
function assertNoErrorLogged(lines: readonly string[]): void {
  const errors = lines.filter((line) => line.startsWith('error '))
  assert.equal(errors, [], `error lines logged:\n${errors.join('\n')}`)
}

const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort()
const POLLUTING_QUERY = '__proto__[x]=1&constructor[prototype][y]=1&__proto__=z&constructor=c&polluted=p'

/** Object.prototype is as it was when this file loaded: no new keys, nothing reachable from a fresh {}. */
function assertNotPolluted(): void {
  assert.equal(Object.getOwnPropertyNames(Object.prototype).sort(), PROTOTYPE_KEYS, 'Object.prototype has new keys')
  const fresh = {} as Record<string, unknown>
  for (const key of ['polluted', 'x', 'y', 'z']) assert.is(fresh[key], undefined, `({}).${key} is set`)
}

/** Waits until `ready()` holds, checking every 10 ms, for at most `ms`; false when it never did. */
async function eventually(ready: () => boolean, ms: number): Promise<boolean> {
  for (let waited = 0; waited <= ms; waited += 10) {
    if (ready()) return true
    await sleep(10)
  }
  return ready()
}

// ---------------------------------------------------------------------------------------------------------------------

const paths = suite('Bad input #6: paths')

paths('malformed percent-encoding in the path gets 400 with a short message, before any step', async () => {
  let ran = 0
  const { app, lines } = makeApp((a) => a.get('/post/:id', (req) => { ran++; return { id: req.params.id } }))
  await withServer(app, async (s) => {
    for (const path of ['/post/%E0%A4%A', '/post/%zz', '/post/%', '/post/%E0', '/post/%C3%28', '/nowhere/%zz']) {
      const answer = await sendRaw(s.url, [rawRequest(`GET ${path}`)])
      const res = first(answer, path)
      expectStatus(res, 400, path, /malformed/i)
      assert.ok(res.body.length < 100, `${path}: a short message, got ${res.body.length} characters`)
      assert.ok(answer.closed, `${path}: the exchange ended`)
    }
    assert.is(ran, 0, 'no step ran for a malformed path')
    await assertStillServes(s, 'malformed percent-encoding')
  })
  assertNoErrorLogged(lines)
})

paths('an encoded NUL byte (%00) in the path gets 400, never reaches a param', async () => {
  const seen: string[] = []
  const { app } = makeApp((a) => a.get('/post/:id', (req) => { seen.push(req.params.id); return { id: req.params.id } }))
  await withServer(app, async (s) => {
    for (const path of ['/post/%00', '/post/a%00b']) {
      expectStatus(first(await sendRaw(s.url, [rawRequest(`GET ${path}`)]), path), 400, path)
    }
    assert.equal(seen, [], 'a param holding a NUL byte reached the step')
    await assertStillServes(s, '%00 in the path')
  })
})

paths('well-formed percent-encoding decodes in params', async () => {
  const { app } = makeApp((a) => a.get('/post/:id', (req) => ({ id: req.params.id })))
  await withServer(app, async (s) => {
    for (const [path, id] of [['/post/caf%C3%A9', 'café'], ['/post/a%20b', 'a b'], ['/post/%E2%9C%93', '✓'], ['/post/plain', 'plain']] as const) {
      const res = await s.fetch(path, BOUNDED)
      expectStatus(res, 200, path)
      assert.equal(JSON.parse(res.body), { id }, path)
    }
  })
})

paths('bad percent-encoding in the query string does not fail the request: the raw text is kept', async () => {
  let query: Query | undefined
  const { app, lines } = makeApp((a) => a.get('/query', (req) => { query = req.query; return 'ok' }))
  await withServer(app, async (s) => {
    const res = first(await sendRaw(s.url, [rawRequest('GET /query?a=%zz&b=%&c=ok%20here')]), 'bad query')
    expectStatus(res, 200, 'bad query')
    assert.is(query?.a, '%zz')
    assert.is(query?.b, '%')
    assert.is(query?.c, 'ok here')
    await assertStillServes(s, 'a bad query string')
  })
  assertNoErrorLogged(lines)
})

paths('a param longer than maxParamLength gets 404 (no route matches it); one at the limit is served', async () => {
  const { app, lines } = makeApp((a) => a.get('/post/:id', (req) => ({ length: req.params.id.length })))
  await withServer(app, async (s) => {
    expectStatus(await s.fetch(`/post/${'a'.repeat(100)}`, BOUNDED), 200, 'a 100-character param')
    expectStatus(await s.fetch(`/post/${'a'.repeat(101)}`, BOUNDED), 404, 'a 101-character param', /^Not Found$/)
    expectStatus(await s.fetch(`/post/${'a'.repeat(5000)}`, BOUNDED), 404, 'a 5000-character param')
    await assertStillServes(s, 'overlong params')
  })
  const short = makeApp((a) => a.get('/post/:id', (req) => req.params.id), { maxParamLength: 10 })
  await withServer(short.app, async (s) => {
    expectStatus(await s.fetch(`/post/${'b'.repeat(10)}`, BOUNDED), 200, 'at maxParamLength: 10')
    expectStatus(await s.fetch(`/post/${'b'.repeat(11)}`, BOUNDED), 404, 'past maxParamLength: 10')
  })
  assertNoErrorLogged(lines)
})

paths('a 100 KB path gets 431 and the connection closes; the server serves the next request', async () => {
  const { app } = makeApp((a) => a.get('/post/:id', (req) => req.params.id))
  await withServer(app, async (s) => {
    const answer = await sendRaw(s.url, [rawRequest(`GET /post/${'a'.repeat(100_000)}`)])
    expectStatus(first(answer, '100 KB path'), 431, '100 KB path')
    assert.ok(answer.closed, 'the server closed the connection')
    await assertStillServes(s, 'a 100 KB path')
  })
})

paths('a long path of many segments, under the header limit, gets 404 quickly', async () => {
  const { app } = makeApp((a) => a.get('/post/:id', (req) => req.params.id))
  await withServer(app, async (s) => {
    const started = Date.now()
    const res = first(await sendRaw(s.url, [rawRequest(`GET /post/${'a/'.repeat(7000)}`)]), 'many segments')
    expectStatus(res, 404, 'many segments')
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`)
    await assertStillServes(s, 'a path of many segments')
  })
})

paths.run()

// ---------------------------------------------------------------------------------------------------------------------

const headers = suite('Bad input #6: headers')

headers('two Content-Length headers with different values get 400, and no step runs', async () => {
  let ran = 0
  const { app } = makeApp((a) => a.post('/text', async (req) => { ran++; return req.text() }))
  await withServer(app, async (s) => {
    const answer = await sendRaw(s.url, ['POST /text HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd'])
    expectStatus(first(answer, 'two Content-Lengths'), 400, 'two Content-Lengths')
    assert.ok(answer.closed, 'the server closed the connection')
    assert.is(ran, 0)
    await assertStillServes(s, 'two Content-Lengths')
  })
})

headers('Content-Length together with Transfer-Encoding: chunked gets 400 (request smuggling)', async () => {
  let ran = 0
  const { app } = makeApp((a) => a.post('/text', async (req) => { ran++; return req.text() }))
  await withServer(app, async (s) => {
    const answer = await sendRaw(s.url, [`POST /text HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n${chunk('abc')}0\r\n\r\n`])
    expectStatus(first(answer, 'CL and TE'), 400, 'CL and TE')
    assert.is(ran, 0)
    await assertStillServes(s, 'Content-Length with Transfer-Encoding')
  })
})

headers('an HTTP/1.1 request without Host gets 400', async () => {
  const { app } = makeApp(() => {})
  await withServer(app, async (s) => {
    const answer = await sendRaw(s.url, ['GET /ping HTTP/1.1\r\nConnection: close\r\n\r\n'])
    expectStatus(first(answer, 'no Host'), 400, 'no Host')
    await assertStillServes(s, 'a request without Host')
  })
})

headers('a request with two Host headers gets 400 (RFC 9112 §3.2), and no step runs', async () => {
  let ran = 0
  const { app } = makeApp((a) => a.get('/host', (req) => { ran++; return String(req.headers.host) }))
  await withServer(app, async (s) => {
    const answer = await sendRaw(s.url, ['GET /host HTTP/1.1\r\nHost: a.test\r\nHost: b.test\r\nConnection: close\r\n\r\n'])
    expectStatus(first(answer, 'two Hosts'), 400, 'two Hosts')
    assert.is(ran, 0, 'a step ran with one of two Host headers')
    await assertStillServes(s, 'two Host headers')
  })
})

headers('a header over 16 KiB gets 431 and the connection closes', async () => {
  const { app } = makeApp(() => {})
  await withServer(app, async (s) => {
    const answer = await sendRaw(s.url, [rawRequest('GET /ping', `X-Big: ${'a'.repeat(17 * 1024)}\r\n`)])
    expectStatus(first(answer, 'a 17 KiB header'), 431, 'a 17 KiB header')
    assert.ok(answer.closed)
    await assertStillServes(s, 'a 17 KiB header')
  })
})

headers('a header name or value with invalid characters gets 400', async () => {
  const { app } = makeApp(() => {})
  await withServer(app, async (s) => {
    const cases = {
      'a space in the name': 'X Bad: v\r\n',
      'a control character in the name': 'X-B\x01ad: v\r\n',
      'a colon-less line': 'no colon here\r\n',
      'a NUL in the value': 'X-Bad: a\x00b\r\n',
      'a bare CR in the value': 'X-Bad: a\rb\r\n',
    }
    for (const [what, header] of Object.entries(cases)) {
      const answer = await sendRaw(s.url, [rawRequest('GET /ping', header)])
      expectStatus(first(answer, what), 400, what)
      assert.ok(answer.closed, `${what}: the connection closed`)
    }
    await assertStillServes(s, 'invalid header characters')
  })
})

headers('many headers: all are kept within the 16 KiB header limit, 431 past it, never a 5xx', async () => {
  const { app, lines } = makeApp((a) => a.get('/count', (req) => ({
    names: Object.keys(req.headers).length,
    repeated: String(req.headers.a ?? '').split(', ').filter(Boolean).length,
  })))
  await withServer(app, async (s) => {
    const many = Array.from({ length: 2500 }, (_, i) => `h${i}:1\r\n`).join('')
    const within = first(await sendRaw(s.url, [rawRequest('GET /count', many)]), '2500 small headers')
    expectStatus(within, 200, '2500 small headers')
    assert.is(JSON.parse(within.body).names, 2502, 'every one of 2500 headers reached the step (with Host and Connection)')
    const repeated = first(await sendRaw(s.url, [rawRequest('GET /count', 'a:1\r\n'.repeat(3000))]), '3000 repeated headers')
    expectStatus(repeated, 200, '3000 repeated headers')
    assert.is(JSON.parse(repeated.body).repeated, 3000, 'every value of a repeated header reached the step')
    const past = await sendRaw(s.url, [rawRequest('GET /count', Array.from({ length: 5000 }, (_, i) => `h${i}:1\r\n`).join(''))])
    expectStatus(first(past, '5000 headers, 44 KB'), 431, '5000 headers, 44 KB')
    await assertStillServes(s, 'many headers')
  })
  assertNoErrorLogged(lines)
})

headers.run()

// ---------------------------------------------------------------------------------------------------------------------

const cookies = suite('Bad input #6: cookies')

/** An app whose GET /cookies answers `req.cookies` (and keeps it in `seen`). */
function cookieApp(): { app: App; lines: string[]; seen: Record<string, string | undefined>[] } {
  const seen: Record<string, string | undefined>[] = []
  const { app, lines } = makeApp((a) => a.get('/cookies', (req) => { seen.push(req.cookies); return { ...req.cookies } }))
  return { app, lines, seen }
}

cookies('invalid cookies never fail the request: what cannot be read is skipped or kept as sent', async () => {
  const { app, lines } = cookieApp()
  await withServer(app, async (s) => {
    const cases: [string, Record<string, string>][] = [
      ['novalue', {}],
      ['novalue; b=2', { b: '2' }],
      ['a=%E0%A4%A', { a: '%E0%A4%A' }],
      ['a=%zz; b=%41', { a: '%zz', b: 'A' }],
      [';;; ; =; b=2;', { b: '2' }],
      ['a=' + 'x'.repeat(8000), { a: 'x'.repeat(8000) }],
    ]
    for (const [header, expected] of cases) {
      const res = await s.fetch('/cookies', { ...BOUNDED, headers: { cookie: header } })
      expectStatus(res, 200, `Cookie: ${header.slice(0, 40)}`)
      const got = JSON.parse(res.body) as Record<string, string>
      for (const [name, value] of Object.entries(expected)) assert.is(got[name], value, `Cookie: ${header.slice(0, 40)}: ${name}`)
      if (Object.keys(expected).length === 0) assert.equal(Object.keys(got).filter((k) => k !== ''), [], `Cookie: ${header}`)
    }
    await assertStillServes(s, 'invalid cookies')
  })
  assertNoErrorLogged(lines)
})

cookies('a cookie named twice: the first one wins, in one header or across two', async () => {
  const { app } = cookieApp()
  await withServer(app, async (s) => {
    const one = await s.fetch('/cookies', { ...BOUNDED, headers: { cookie: 'a=1; b=x; a=2' } })
    expectStatus(one, 200, 'a named twice')
    assert.equal(JSON.parse(one.body), { a: '1', b: 'x' })
    const two = first(await sendRaw(s.url, [rawRequest('GET /cookies', 'Cookie: a=1\r\nCookie: a=2; c=3\r\n')]), 'two Cookie headers')
    expectStatus(two, 200, 'two Cookie headers')
    assert.equal(JSON.parse(two.body), { a: '1', c: '3' })
  })
})

cookies('odd quoting is read as it comes, never an error', async () => {
  const { app } = cookieApp()
  await withServer(app, async (s) => {
    for (const [header, value] of [['a="b', '"b'], ['a="b"c', '"b"c'], ['a=b"', 'b"'], ['a="', '"']] as const) {
      const res = await s.fetch('/cookies', { ...BOUNDED, headers: { cookie: header } })
      expectStatus(res, 200, `Cookie: ${header}`)
      assert.is((JSON.parse(res.body) as Record<string, string>).a, value, `Cookie: ${header}`)
    }
    const quoted = await s.fetch('/cookies', { ...BOUNDED, headers: { cookie: 'a="b"' } })
    expectStatus(quoted, 200, 'Cookie: a="b"')
    assert.ok(['b', '"b"'].includes((JSON.parse(quoted.body) as Record<string, string>).a ?? ''), quoted.body)
  })
})

cookies('cookies named __proto__ or constructor are plain entries and pollute nothing', async () => {
  const { app, seen } = cookieApp()
  await withServer(app, async (s) => {
    const res = await s.fetch('/cookies', { ...BOUNDED, headers: { cookie: '__proto__=x; constructor=y; toString=z; polluted=1' } })
    expectStatus(res, 200, 'prototype-named cookies')
    const got = seen[0]
    assert.ok(got !== undefined)
    assert.is(Object.getOwnPropertyDescriptor(got, '__proto__')?.value, 'x')
    assert.is(got?.constructor, 'y')
    assert.not.ok(Object.prototype.isPrototypeOf(got as object), 'req.cookies inherits from Object.prototype')
    assertNotPolluted()
  })
})

cookies('with sessions: a garbage session cookie gets a fresh session and 200, never a 5xx', async () => {
  const { app, lines } = makeApp((a) => {
    a.get('/visit', async (req) => {
      const session = await req.session<{ visits: number }>()
      const visits = (session.get('visits') ?? 0) + 1
      session.set('visits', visits)
      return { isNew: session.isNew, visits }
    })
  }, { session: { storage: new EncryptedCookieStorage(generateKey()) } })
  await withServer(app, async (s) => {
    const garbage = [
      'session=garbage', 'session=', 'session=%E0%A4%A', 'session="unterminated', 'session="a"b',
      `session=gAAAAA${'x'.repeat(200)}`, `session=${'A'.repeat(4000)}`, 'session=a; session=b', 'session=ab==; other=1',
    ]
    for (const cookie of garbage) {
      const where = `Cookie: ${cookie.slice(0, 40)}`
      const res = await s.fetch('/visit', { ...BOUNDED, headers: { cookie } })
      expectStatus(res, 200, where)
      assert.equal(JSON.parse(res.body), { isNew: true, visits: 1 }, where)
      const setCookie = String(res.headers['set-cookie'])
      assert.match(setCookie, /^session=[^;]{20,}/, `${where}: a fresh session cookie`)
      // the fresh cookie works
      const again = await s.fetch('/visit', { ...BOUNDED, headers: { cookie: setCookie.slice(0, setCookie.indexOf(';')) } })
      assert.equal(JSON.parse(again.body), { isNew: false, visits: 2 }, `${where}: the fresh session carries on`)
    }
    await assertStillServes(s, 'garbage session cookies')
  })
  assertNoErrorLogged(lines)
})

cookies.run()

// ---------------------------------------------------------------------------------------------------------------------

const bodies = suite('Bad input #6: bodies over the limit and lying Content-Length')

/** An app with bodyLimit 1024 whose POST /text answers the body as text; each read's outcome goes to `seen`. */
function bodyApp(): { app: App; lines: string[]; seen: (string | { status: number | undefined })[] } {
  const seen: (string | { status: number | undefined })[] = []
  const { app, lines } = makeApp((a) => {
    a.post('/text', async (req) => {
      try {
        const body = await req.text()
        seen.push(body)
        return { body }
      } catch (error) {
        seen.push({ status: (error as { status?: number }).status })
        throw error
      }
    })
  }, { bodyLimit: 1024 })
  return { app, lines, seen }
}

bodies('Content-Length over the limit: 413 and Connection: close at once, without waiting for the body', async () => {
  const { app, lines, seen } = bodyApp()
  await withServer(app, async (s) => {
    // the client sends 100 of the 100 000 bytes it declared and then goes silent: the answer must not wait for the rest
    const answer = await sendRaw(s.url, [`POST /text HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n${'a'.repeat(100)}`], { end: false, timeout: 3000 })
    const res = first(answer, 'declared 100 000 bytes')
    expectStatus(res, 413, 'declared 100 000 bytes', /1024/)
    assert.is(res.headers.connection, 'close')
    assert.ok(answer.closed, 'the server closed the connection without the rest of the body')
    assert.equal(seen, [{ status: 413 }])
    await assertStillServes(s, 'a declared body over the limit')
  })
  assertNoErrorLogged(lines)
})

bodies('a chunked body over the limit (no Content-Length): 413 and the connection closes', async () => {
  const { app, seen } = bodyApp()
  await withServer(app, async (s) => {
    const answer = await sendRaw(s.url, [`POST /text HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunk('b'.repeat(2048))}0\r\n\r\n`])
    const res = first(answer, 'chunked 2 KiB')
    expectStatus(res, 413, 'chunked 2 KiB', /1024/)
    assert.is(res.headers.connection, 'close')
    assert.ok(answer.closed)
    assert.equal(seen, [{ status: 413 }])
    // just under the limit, chunked, is read whole
    const fits = first(await sendRaw(s.url, [`POST /text HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${chunk('c'.repeat(1000))}${chunk('d'.repeat(24))}0\r\n\r\n`]), 'chunked 1024 bytes')
    expectStatus(fits, 200, 'chunked 1024 bytes')
    await assertStillServes(s, 'a chunked body over the limit')
  })
})

bodies('a body sent slowly: 413 once the limit passes, the connection closes before the client is done', async () => {
  const { app, seen } = bodyApp()
  await withServer(app, async (s) => {
    const parts = ['POST /text HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n', ...Array.from({ length: 40 }, () => chunk('e'.repeat(100)))]
    const answer = await sendRaw(s.url, parts, { gap: 20, end: false, timeout: 4000 })
    const res = first(answer, 'slow chunked body')
    expectStatus(res, 413, 'slow chunked body', /1024/)
    assert.is(res.headers.connection, 'close')
    assert.ok(answer.closed, 'the server closed the connection')
    assert.ok(answer.written < parts.length, `the server waited for all ${parts.length} parts`)
    assert.equal(seen, [{ status: 413 }])
    await assertStillServes(s, 'a slow body over the limit')
  })
})

bodies('Content-Length declares more than is sent, then the client ends: 400, and the step does not hang', async () => {
  const { app, lines, seen } = bodyApp()
  await withServer(app, async (s) => {
    const answer = await sendRaw(s.url, ['POST /text HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc'], { timeout: 3000 })
    assert.ok(answer.closed, 'the connection closed')
    if (answer.responses.length > 0) expectStatus(first(answer, 'short body'), 400, 'short body')
    assert.ok(await eventually(() => seen.length > 0, 2000), 'the body read never settled')
    assert.equal(seen, [{ status: 400 }])
    // the same, with the rest of the body late and still short
    const late = await sendRaw(s.url, ['POST /text HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc', 'de'], { gap: 100, timeout: 3000 })
    assert.ok(late.closed, 'the connection closed')
    if (late.responses.length > 0) expectStatus(first(late, 'late short body'), 400, 'late short body')
    assert.ok(await eventually(() => seen.length > 1, 2000), 'the second body read never settled')
    assert.equal(seen[1], { status: 400 })
    await assertStillServes(s, 'a body shorter than its Content-Length')
  })
  assertNoErrorLogged(lines)
})

bodies('Content-Length declares less than is sent: the step sees exactly the declared bytes; the rest is not body', async () => {
  const { app, seen } = bodyApp()
  await withServer(app, async (s) => {
    // the extra bytes are a well-formed request: node serves it as the next one on the connection
    const pipelined = await sendRaw(s.url, [`POST /text HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc${rawRequest('GET /ping')}`])
    assert.equal(pipelined.responses.map((r) => [r.status, r.body]), [[200, '{"body":"abc"}'], [200, 'pong']])
    assert.equal(seen, ['abc'])
    // the extra bytes are garbage: node refuses them as a request with 400 and closes the connection
    const garbage = await sendRaw(s.url, ['POST /text HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcdefgh'])
    assert.ok(garbage.closed, 'the connection closed')
    assert.ok(garbage.responses.some((r) => r.status === 400), `no 400 for the extra bytes: ${JSON.stringify(garbage.text)}`)
    for (const r of garbage.responses) if (r.status >= 400) assertNoStack(r.body, 'extra bytes')
    assert.ok(await eventually(() => seen.length > 1, 2000), 'the body read never settled')
    const second = seen[1]
    assert.ok(second === 'abc' || (typeof second === 'object' && second.status === 400), `the step saw ${JSON.stringify(second)}`)
    await assertStillServes(s, 'a body longer than its Content-Length')
  })
})

bodies.run()

// ---------------------------------------------------------------------------------------------------------------------

const readers = suite('Bad input #6: JSON and form readers')

/** An app with POST /json and POST /form answering what the readers give. */
function readerApp(): { app: App; lines: string[] } {
  return makeApp((a) => {
    a.post('/json', async (req) => ({ got: await req.json() }))
    a.post('/form', async (req) => ({ got: await req.form() }))
  })
}

readers('invalid JSON gets 400 "invalid JSON"', async () => {
  const { app, lines } = readerApp()
  await withServer(app, async (s) => {
    for (const body of ['{a:1}', '{"a":', '', 'undefined', "{'a':1}", '[1,]', '{"a":1}}', '\u0000']) {
      const res = await s.fetch('/json', { ...BOUNDED, method: 'POST', headers: JSON_TYPE, body })
      expectStatus(res, 400, `JSON ${JSON.stringify(body)}`, /invalid JSON/)
    }
    await assertStillServes(s, 'invalid JSON')
  })
  assertNoErrorLogged(lines)
})

readers('JSON with another content type, or none, gets 415', async () => {
  const { app } = readerApp()
  await withServer(app, async (s) => {
    const body = '{"a":1}'
    expectStatus(await s.fetch('/json', { ...BOUNDED, method: 'POST', headers: { 'content-type': 'text/plain' }, body }), 415, 'text/plain', /text\/plain/)
    expectStatus(await s.fetch('/json', { ...BOUNDED, method: 'POST', headers: FORM_TYPE, body }), 415, 'urlencoded')
    expectStatus(await s.fetch('/json', { ...BOUNDED, method: 'POST', headers: { 'content-type': 'application/jsonp' }, body }), 415, 'application/jsonp')
    expectStatus(await s.fetch('/json', { ...BOUNDED, method: 'POST', body }), 415, 'no content type', /none/)
    // the same body with the right type is read
    expectStatus(await s.fetch('/json', { ...BOUNDED, method: 'POST', headers: JSON_TYPE, body }), 200, 'application/json')
  })
})

readers('the form reader with a JSON content type, or none, gets 415', async () => {
  const { app } = readerApp()
  await withServer(app, async (s) => {
    expectStatus(await s.fetch('/form', { ...BOUNDED, method: 'POST', headers: JSON_TYPE, body: 'a=1' }), 415, 'form as JSON', /application\/json/)
    expectStatus(await s.fetch('/form', { ...BOUNDED, method: 'POST', body: 'a=1' }), 415, 'form without a type')
    expectStatus(await s.fetch('/form', { ...BOUNDED, method: 'POST', headers: FORM_TYPE, body: 'a=1' }), 200, 'form')
  })
})

readers.run()

// ---------------------------------------------------------------------------------------------------------------------

const pollution = suite('Bad input #6: prototype pollution')

/** Fields parsed from POLLUTING_QUERY: flat keys, own properties, on an object with no prototype. */
function assertFlatFields(fields: Query | FormFields | undefined, where: string): void {
  assert.ok(fields !== undefined, `${where}: the step did not run`)
  const got = fields as Record<string, unknown>
  assert.is(Object.getPrototypeOf(got), null, `${where}: has a prototype`)
  assert.is(Object.getOwnPropertyDescriptor(got, '__proto__')?.value, 'z', `${where}: __proto__ is a plain field`)
  assert.is(got['__proto__[x]'], '1')
  assert.is(got['constructor[prototype][y]'], '1')
  assert.is(got.constructor, 'c')
}

pollution('a polluting query string leaves Object.prototype alone; req.query has no prototype', async () => {
  let query: Query | undefined
  const { app } = makeApp((a) => a.get('/query', (req) => { query = req.query; return Object.keys(req.query).length }))
  await withServer(app, async (s) => {
    expectStatus(await s.fetch(`/query?${POLLUTING_QUERY}`, BOUNDED), 200, 'polluting query')
    assertFlatFields(query, 'req.query')
    assertNotPolluted()
  })
})

pollution('a polluting urlencoded form leaves Object.prototype alone; req.form() has no prototype', async () => {
  let form: FormFields | undefined
  const { app } = makeApp((a) => a.post('/form', async (req) => { form = await req.form(); return Object.keys(form).length }))
  await withServer(app, async (s) => {
    expectStatus(await s.fetch('/form', { ...BOUNDED, method: 'POST', headers: FORM_TYPE, body: POLLUTING_QUERY }), 200, 'polluting form')
    assertFlatFields(form, 'req.form()')
    assertNotPolluted()
  })
})

/** POSTs each body as JSON and expects `status`, checking Object.prototype after each. */
async function postJson(s: TestServer, bodies: readonly string[], status: number, message?: RegExp): Promise<void> {
  for (const body of bodies) {
    const res = await s.fetch('/json', { ...BOUNDED, method: 'POST', headers: JSON_TYPE, body })
    expectStatus(res, status, `JSON ${body.length > 80 ? `${body.slice(0, 60)}… (${body.length} chars)` : body}`, message)
    assertNotPolluted()
  }
}

pollution('JSON with a __proto__ key gets 400, at any depth and however the key is escaped', async () => {
  const { app, lines } = readerApp()
  await withServer(app, async (s) => {
    await postJson(s, [
      '{"__proto__":{"polluted":1}}',
      '{"a":1,"__proto__":{"polluted":1}}',
      '[{"nested":{"__proto__":{"polluted":1}}}]',
      '{"\\u005f_proto__":{"polluted":1}}',
    ], 400)
    await assertStillServes(s, '__proto__ in JSON')
  })
  assertNoErrorLogged(lines)
})

pollution('JSON with constructor.prototype gets 400', async () => {
  const { app } = readerApp()
  await withServer(app, async (s) => {
    await postJson(s, [
      '{"constructor":{"prototype":{"polluted":1}}}',
      '{"a":[{"constructor":{"prototype":{"polluted":1}}}]}',
    ], 400)
    await assertStillServes(s, 'constructor.prototype in JSON')
  })
})

pollution('JSON that only mentions those names (in strings, or constructor alone) is read as usual', async () => {
  const { app } = readerApp()
  await withServer(app, async (s) => {
    await postJson(s, [
      '{"note":"__proto__ and constructor.prototype are words here"}',
      '{"constructor":"ok","prototype":"ok"}',
      '{"constructor":{"name":"ok"}}',
      '["__proto__"]',
    ], 200)
  })
})

pollution('JSON nested deeper than 128 levels gets 400; 128 levels and brackets inside strings are fine', async () => {
  const { app, lines } = readerApp()
  const arrays = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth)
  const objects = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)
  await withServer(app, async (s) => {
    await postJson(s, [arrays(129), objects(129), arrays(10_000), `[${'{"a":['.repeat(100)}${']}'.repeat(100)}]`], 400)
    await postJson(s, [arrays(128), objects(128), `{"s":"${'['.repeat(500)}${'{'.repeat(500)}"}`], 200)
    await assertStillServes(s, 'deeply nested JSON')
  })
  assertNoErrorLogged(lines)
})

pollution.run()

// ---------------------------------------------------------------------------------------------------------------------

const methods = suite('Bad input #6: methods')

methods('an unknown method gets 400 from the HTTP parser', async () => {
  const { app } = makeApp(() => {})
  await withServer(app, async (s) => {
    for (const line of ['FOO /ping', 'GETT /ping', 'get /ping', 'G@T /ping']) {
      const answer = await sendRaw(s.url, [rawRequest(line)])
      expectStatus(first(answer, line), 400, line)
      assert.ok(answer.closed)
    }
    await assertStillServes(s, 'unknown methods')
  })
})

methods('a known method with no route for the path gets 405 with Allow; on an unknown path, 404', async () => {
  const { app, lines } = makeApp((a) => a.get('/only-get', () => 'got'))
  await withServer(app, async (s) => {
    for (const method of ['PROPFIND', 'PATCH', 'DELETE', 'MKCOL']) {
      const res = first(await sendRaw(s.url, [rawRequest(`${method} /only-get`)]), method)
      expectStatus(res, 405, method, /Method Not Allowed/)
      assert.equal(allowOf(res.headers), ['GET', 'HEAD', 'OPTIONS'], method)
    }
    const patch = await s.fetch('/only-get', { ...BOUNDED, method: 'PATCH', body: '{}' })
    expectStatus(patch, 405, 'PATCH through undici')
    expectStatus(first(await sendRaw(s.url, [rawRequest('PROPFIND /missing')]), 'PROPFIND /missing'), 404, 'PROPFIND /missing')
    await assertStillServes(s, 'unrouted methods')
  })
  assertNoErrorLogged(lines)
})

methods('OPTIONS gets 204 with Allow', async () => {
  const { app } = makeApp((a) => a.get('/only-get', () => 'got'))
  await withServer(app, async (s) => {
    const res = await s.fetch('/only-get', { ...BOUNDED, method: 'OPTIONS' })
    expectStatus(res, 204, 'OPTIONS')
    assert.is(res.body, '')
    assert.equal(allowOf(res.headers), ['GET', 'HEAD', 'OPTIONS'])
  })
})

methods.run()

// ---------------------------------------------------------------------------------------------------------------------

const config = suite('Bad input #6: unsafe route regexes')

const UNSAFE = '/:id(^(a+)+$)'

config('a route with an unsafe regex is refused with ERR_ROUTECHAIN_CONFIG naming the regex, when the app builds', () => {
  const error = throwsConfig(() => {
    const app = createApp({ logger: recordingLogger().logger })
    app.get(UNSAFE, () => 'x')
    return app.handler
  })
  assert.match(error.message, /\(a\+\)\+/, 'the message names the regex')
  assert.match(error.message, /unsafe|not safe|backtrack/i, 'the message says what is wrong with it')
})

config('listen() rejects an app with an unsafe regex, also under a mount', async () => {
  const app = createApp({ logger: recordingLogger().logger })
  app.mount('/n', (r) => r.get(UNSAFE, () => 'x'))
  const error = await listenError(app)
  assert.match(error.message, /\(a\+\)\+/)
})

config('a safe regex param still matches what it should and 404s the rest', async () => {
  const { app } = makeApp((a) => a.get('/n/:id(^\\d+$)', (req) => req.params.id))
  await withServer(app, async (s) => {
    expectStatus(await s.fetch('/n/123', BOUNDED), 200, '/n/123')
    expectStatus(await s.fetch(`/n/${'a'.repeat(50)}!`, BOUNDED), 404, 'a non-matching param')
  })
})

config.run()
