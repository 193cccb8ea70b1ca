import { Readable } from 'node:stream'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { bodyLimit, createApp, type App, type AppOptions, type Step } from '../../src/index.js'
import { recordingLogger, type TestServer, withServer } from '../_helpers/http.js'
import { configCode } from '../_helpers/assert.js'

const MiB = 1024 * 1024
const UNICODE = 'héllo wörld ✓ 🚀'

/** An app with a recording logger; `setup` adds its routes. */
function makeApp(setup: (app: App) => void, options: AppOptions = {}): App {
  const app = createApp({ logger: recordingLogger().logger, ...options })
  setup(app)
  return app
}

/** An app with one POST route `/` running `steps`, plus GET `/ping`, to check it still serves. */
function postApp(steps: Step[], options: AppOptions = {}): App {
  return makeApp((app) => {
    app.post('/', ...(steps as [Step]))
    app.get('/ping', () => 'pong')
  }, options)
}

/** A request body sent chunked, without content-length: undici streams a Readable of unknown length. */
function chunked(...chunks: (string | Buffer)[]): Readable {
  return Readable.from(chunks.map((chunk) => Buffer.from(chunk)))
}

async function assertStillServes(server: TestServer): Promise<void> {
  const res = await server.fetch('/ping')
  assert.is(res.status, 200)
  assert.is(res.body, 'pong')
}

/** undici options for a request whose second body read would hang if the body were not cached: fail instead. */
const HANG_GUARD = { headersTimeout: 5000, bodyTimeout: 5000 }

const JSON_HEADERS = { 'content-type': 'application/json' }
const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded' }

/** Answers the size of the body read with `buffer()`. */
const size: Step = async (req) => ({ size: (await req.buffer()).length })

// ---------------------------------------------------------------------------------------------

const json = suite('RouteRequest#json')

json('parses a JSON body', async () => {
  const app = postApp([async (req) => ({ got: await req.json() })])
  await withServer(app, async (server) => {
    const res = await server.fetch('/', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ name: UNICODE, list: [1, 2] }) })
    assert.is(res.status, 200)
    assert.equal(JSON.parse(res.body), { got: { name: UNICODE, list: [1, 2] } })
  })
})

json('gives the same object on a second read, in the same step or a later one', async () => {
  let first: unknown
  const app = postApp([
    async (req) => { first = await req.json() },
    async (req) => {
      const [a, b] = await Promise.all([req.json(), req.json()])
      const c = await req.json()
      return { same: a === first && b === first && c === first, text: await req.text() }
    },
  ])
  await withServer(app, async (server) => {
    const res = await server.fetch('/', { method: 'POST', headers: JSON_HEADERS, body: '{"a":1}', ...HANG_GUARD })
    assert.equal(JSON.parse(res.body), { same: true, text: '{"a":1}' })
    assert.equal(first, { a: 1 })
  })
})

json('accepts a content type with parameters, in any case', async () => {
  const app = postApp([async (req) => ({ got: await req.json() })])
  await withServer(app, async (server) => {
    const res = await server.fetch('/', { method: 'POST', headers: { 'content-type': 'Application/JSON; charset=UTF-8' }, body: '[true]' })
    assert.is(res.status, 200)
    assert.equal(JSON.parse(res.body), { got: [true] })
  })
})

json('accepts +json suffix types', async () => {
  const app = postApp([async (req) => ({ got: await req.json() })])
  await withServer(app, async (server) => {
    for (const type of ['application/vnd.api+json', 'application/problem+json; charset=utf-8', 'application/merge-patch+json']) {
      const res = await server.fetch('/', { method: 'POST', headers: { 'content-type': type }, body: '{"ok":1}' })
      assert.is(res.status, 200, type)
      assert.equal(JSON.parse(res.body), { got: { ok: 1 } })
    }
  })
})

json('answers 415 for a body of another content type', async () => {
  const app = postApp([async (req) => ({ got: await req.json() })])
  await withServer(app, async (server) => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonp', 'text/json']) {
      const res = await server.fetch('/', { method: 'POST', headers: { 'content-type': type }, body: '{"a":1}' })
      assert.is(res.status, 415, type)
      assert.match(res.body, 'application/json')
    }
    await assertStillServes(server)
  })
})

json('answers 415 for a body with no content type', async () => {
  const app = postApp([async (req) => ({ got: await req.json() })])
  await withServer(app, async (server) => {
    const res = await server.fetch('/', { method: 'POST', body: Buffer.from('{"a":1}') })
    assert.is(res.status, 415)
  })
})

json('answers 400 with a short message for invalid JSON, then keeps serving', async () => {
  const app = postApp([async (req) => ({ got: await req.json() })])
  await withServer(app, async (server) => {
    for (const body of ['{"a":', 'not json at all', '']) {
      const res = await server.fetch('/', { method: 'POST', headers: JSON_HEADERS, body })
      assert.is(res.status, 400, JSON.stringify(body))
      assert.match(res.body, /json/i)
      assert.ok(res.body.length < 100, `short: ${res.body}`)
      assert.not.match(res.body, /at JSON\.parse|Unexpected|SyntaxError/)
    }
    await assertStillServes(server)
  })
})

json('answers 400 again on a second read of invalid JSON', async () => {
  const app = postApp([async (req) => {
    const outcomes: string[] = []
    for (let i = 0; i < 2; i++) {
      await req.json().then(() => outcomes.push('parsed'), (error: { status?: number }) => outcomes.push(String(error.status)))
    }
    return outcomes
  }])
  await withServer(app, async (server) => {
    const res = await server.fetch('/', { method: 'POST', headers: JSON_HEADERS, body: '{', ...HANG_GUARD })
    assert.equal(JSON.parse(res.body), ['400', '400'])
  })
})

json.run()

// ---------------------------------------------------------------------------------------------

const text = suite('RouteRequest#text')

text('reads the body as UTF-8 whatever its content type', async () => {
  const app = postApp([async (req) => ({ got: await req.text() })])
  await withServer(app, async (server) => {
    for (const headers of [{ 'content-type': 'text/plain; charset=utf-8' }, JSON_HEADERS, {}]) {
      const res = await server.fetch('/', { method: 'POST', headers, body: Buffer.from(UNICODE) })
      assert.is(res.status, 200)
      assert.equal(JSON.parse(res.body), { got: UNICODE })
    }
  })
})

text('reads a multi-byte character split across chunks', async () => {
  const bytes = Buffer.from('✓')
  const app = postApp([async (req) => ({ got: await req.text() })])
  await withServer(app, async (server) => {
    const res = await server.fetch('/', { method: 'POST', body: chunked(bytes.subarray(0, 1), bytes.subarray(1)) })
    assert.equal(JSON.parse(res.body), { got: '✓' })
  })
})

text('gives the same text on a second read', async () => {
  const app = postApp([async (req) => [await req.text(), await req.text()]])
  await withServer(app, async (server) => {
    const res = await server.fetch('/', { method: 'POST', body: 'once', ...HANG_GUARD })
    assert.equal(JSON.parse(res.body), ['once', 'once'])
  })
})

text('is empty for a request without a body', async () => {
  const app = makeApp((a) => a.get('/', async (req) => ({ got: await req.text() })))
  await withServer(app, async (server) => {
    const res = await server.fetch('/')
    assert.equal(JSON.parse(res.body), { got: '' })
  })
})

text.run()

// ---------------------------------------------------------------------------------------------

const form = suite('RouteRequest#form')

form('parses an urlencoded body: repeated keys become arrays, + becomes a space', async () => {
  const app = postApp([async (req) => await req.form()])
  await withServer(app, async (server) => {
    const res = await server.fetch('/', {
      method: 'POST', headers: FORM_HEADERS, body: 'name=Ann+Lee&tag=a&tag=b+c&city=caf%C3%A9&plus=1%2B1&empty=',
    })
    assert.is(res.status, 200)
    assert.equal(JSON.parse(res.body), { name: 'Ann Lee', tag: ['a', 'b c'], city: 'café', plus: '1+1', empty: '' })
  })
})

form('accepts a content type with a charset parameter', async () => {
  const app = postApp([async (req) => await req.form()])
  await withServer(app, async (server) => {
    const res = await server.fetch('/', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' }, body: 'a=1' })
    assert.is(res.status, 200)
    assert.equal(JSON.parse(res.body), { a: '1' })
  })
})

form('answers 415 for a body of another content type, or none', async () => {
  const app = postApp([async (req) => await req.form()])
  await withServer(app, async (server) => {
    for (const headers of [JSON_HEADERS, { 'content-type': 'text/plain' }, {}]) {
      const res = await server.fetch('/', { method: 'POST', headers, body: 'a=1' })
      assert.is(res.status, 415, JSON.stringify(headers))
      assert.match(res.body, 'application/x-www-form-urlencoded or multipart/form-data')
    }
    await assertStillServes(server)
  })
})

form('gives the same fields object on a second read', async () => {
  const app = postApp([async (req) => {
    const a = await req.form()
    return { same: a === (await req.form()), a }
  }])
  await withServer(app, async (server) => {
    const res = await server.fetch('/', { method: 'POST', headers: FORM_HEADERS, body: 'x=1', ...HANG_GUARD })
    assert.equal(JSON.parse(res.body), { same: true, a: { x: '1' } })
  })
})

form('treats __proto__ as a plain field and does not pollute Object.prototype', async () => {
  const app = postApp([async (req) => {
    const fields = await req.form()
    return { own: Object.prototype.hasOwnProperty.call(fields, '__proto__'), value: fields['__proto__'] ?? null }
  }])
  await withServer(app, async (server) => {
    const res = await server.fetch('/', { method: 'POST', headers: FORM_HEADERS, body: '__proto__=x&__proto__[admin]=1' })
    assert.equal(JSON.parse(res.body), { own: true, value: 'x' })
    assert.is(({} as Record<string, unknown>)['admin'], undefined)
  })
})

form.run()

// ---------------------------------------------------------------------------------------------

const buffer = suite('RouteRequest#buffer')

buffer('gives the raw bytes of the body, unchanged', async () => {
  const bytes = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x7f, 0xc3])
  const app = postApp([async (req) => ({ hex: (await req.buffer()).toString('hex'), isBuffer: Buffer.isBuffer(await req.buffer()) })])
  await withServer(app, async (server) => {
    const res = await server.fetch('/', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes, ...HANG_GUARD })
    assert.equal(JSON.parse(res.body), { hex: bytes.toString('hex'), isBuffer: true })
  })
})

buffer('joins a body sent in several chunks', async () => {
  const app = postApp([async (req) => ({ got: (await req.buffer()).toString() })])
  await withServer(app, async (server) => {
    const res = await server.fetch('/', { method: 'POST', body: chunked('one,', 'two,', 'three') })
    assert.equal(JSON.parse(res.body), { got: 'one,two,three' })
  })
})

buffer('gives the same Buffer on a second read', async () => {
  const app = postApp([async (req) => ({ same: (await req.buffer()) === (await req.buffer()) })])
  await withServer(app, async (server) => {
    const res = await server.fetch('/', { method: 'POST', body: 'abc', ...HANG_GUARD })
    assert.equal(JSON.parse(res.body), { same: true })
  })
})

buffer('rejects when the upload fails mid-body, and the server keeps serving', async () => {
  const app = postApp([size])
  await withServer(app, async (server) => {
    const body = new Readable({ read() {} })
    body.push('partial')
    setImmediate(() => body.destroy(new Error('client gave up')))
    await server.fetch('/', { method: 'POST', body }).catch(() => undefined)
    await assertStillServes(server)
  })
})

buffer.run()

// ---------------------------------------------------------------------------------------------

const appLimit = suite('createApp({ bodyLimit })')

appLimit('defaults to 1 MiB: a body of exactly 1 MiB is read', async () => {
  await withServer(postApp([size]), async (server) => {
    const res = await server.fetch('/', { method: 'POST', body: Buffer.alloc(MiB, 'a') })
    assert.is(res.status, 200)
    assert.equal(JSON.parse(res.body), { size: MiB })
  })
})

appLimit('defaults to 1 MiB: one byte more with content-length is 413 with connection: close', async () => {
  await withServer(postApp([size]), async (server) => {
    const res = await server.fetch('/', { method: 'POST', body: Buffer.alloc(MiB + 1, 'a') })
    assert.is(res.status, 413)
    assert.is(res.headers.connection, 'close')
    assert.match(res.body, String(MiB))
    await assertStillServes(server)
  })
})

appLimit('defaults to 1 MiB: a larger body sent chunked, without content-length, is 413', async () => {
  const seen: (string | undefined)[] = []
  const record: Step = (req) => { seen.push(req.headers['content-length'], req.headers['transfer-encoding']) }
  await withServer(postApp([record, size]), async (server) => {
    const piece = Buffer.alloc(64 * 1024, 'b')
    const res = await server.fetch('/', { method: 'POST', body: chunked(...Array.from({ length: 17 }, () => piece)) })
    assert.equal(seen, [undefined, 'chunked'], 'the body was sent without content-length')
    assert.is(res.status, 413)
    assert.is(res.headers.connection, 'close')
    await assertStillServes(server)
  })
})

appLimit('sets the limit for every reader', async () => {
  const app = makeApp((a) => {
    a.post('/buffer', size)
    a.post('/text', async (req) => (await req.text()).length)
    a.post('/json', async (req) => req.json())
    a.post('/form', async (req) => req.form())
    a.get('/ping', () => 'pong')
  }, { bodyLimit: 10 })
  await withServer(app, async (server) => {
    const cases: [string, Record<string, string>, string, string][] = [
      ['/buffer', {}, '0123456789', '0123456789x'],
      ['/text', {}, '0123456789', '0123456789x'],
      ['/json', JSON_HEADERS, '"01234567"', '"012345678"'],
      ['/form', FORM_HEADERS, 'a=01234567', 'a=012345678'],
    ]
    for (const [path, headers, fits, over] of cases) {
      assert.is((await server.fetch(path, { method: 'POST', headers, body: fits })).status, 200, `${path} at the limit`)
      const res = await server.fetch(path, { method: 'POST', headers, body: over })
      assert.is(res.status, 413, `${path} over the limit`)
      assert.is(res.headers.connection, 'close')
    }
    assert.is((await server.fetch('/text', { method: 'POST', body: chunked('012345', '6789x') })).status, 413, 'chunked')
    await assertStillServes(server)
  })
})

appLimit('a limit of 0 refuses any body but reads an empty one', async () => {
  await withServer(postApp([size], { bodyLimit: 0 }), async (server) => {
    assert.is((await server.fetch('/', { method: 'POST', body: '' })).status, 200)
    assert.is((await server.fetch('/', { method: 'POST', body: 'x' })).status, 413)
  })
})

appLimit('refuses a limit that is not a whole number of bytes with ERR_ROUTECHAIN_CONFIG', () => {
  for (const limit of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.is(configCode(() => createApp({ bodyLimit: limit })), 'ERR_ROUTECHAIN_CONFIG', String(limit))
  }
  assert.is(configCode(() => createApp({ bodyLimit: 0 })), undefined)
})

appLimit('closes the connection after an oversized chunked body even when a step catches the 413 (#2)', async () => {
  const app = postApp([
    async (req) => {
      try {
        await req.buffer()
        return 'read'
      } catch {
        return 'caught'
      }
    },
  ], { bodyLimit: 4 })
  await withServer(app, async (server) => {
    const res = await server.fetch('/', { method: 'POST', body: chunked('0123', '4567', '89') })
    assert.is(res.body, 'caught')
    assert.is(res.headers.connection, 'close')
    await assertStillServes(server)
  })
})

appLimit.run()

// ---------------------------------------------------------------------------------------------

const stepLimit = suite('bodyLimit()')

stepLimit('sets the limit for the route it is on, and only that route', async () => {
  const app = makeApp((a) => {
    a.post('/small', bodyLimit(5), size)
    a.post('/default', size)
    a.get('/ping', () => 'pong')
  })
  await withServer(app, async (server) => {
    assert.is((await server.fetch('/small', { method: 'POST', body: '12345' })).status, 200)
    const over = await server.fetch('/small', { method: 'POST', body: '123456' })
    assert.is(over.status, 413)
    assert.is(over.headers.connection, 'close')
    assert.is((await server.fetch('/small', { method: 'POST', body: chunked('123', '456') })).status, 413)
    assert.equal(JSON.parse((await server.fetch('/default', { method: 'POST', body: '123456' })).body), { size: 6 })
    await assertStillServes(server)
  })
})

stepLimit('can raise the limit above the app one', async () => {
  const app = makeApp((a) => {
    a.post('/upload', bodyLimit(100), size)
    a.post('/other', size)
  }, { bodyLimit: 10 })
  await withServer(app, async (server) => {
    const body = 'x'.repeat(50)
    assert.equal(JSON.parse((await server.fetch('/upload', { method: 'POST', body })).body), { size: 50 })
    assert.is((await server.fetch('/other', { method: 'POST', body })).status, 413)
  })
})

stepLimit('applies to every route of a router it is used on', async () => {
  const app = makeApp((a) => {
    a.mount('/api', (api) => {
      api.use(bodyLimit(4))
      api.post('/a', size)
    })
  })
  await withServer(app, async (server) => {
    assert.is((await server.fetch('/api/a', { method: 'POST', body: '1234' })).status, 200)
    assert.is((await server.fetch('/api/a', { method: 'POST', body: '12345' })).status, 413)
  })
})

stepLimit('refuses a limit that is not a whole number of bytes with ERR_ROUTECHAIN_CONFIG', () => {
  for (const limit of [-1, 2.5, Number.NaN]) assert.is(configCode(() => bodyLimit(limit)), 'ERR_ROUTECHAIN_CONFIG', String(limit))
  assert.is(configCode(() => bodyLimit(0)), undefined)
})

stepLimit.run()

// ---------------------------------------------------------------------------------------------

const readerLimit = suite('BodyOptions.limit')

readerLimit('limits one read, for each reader', async () => {
  const app = makeApp((a) => {
    a.post('/json', async (req) => req.json({ limit: 8 }))
    a.post('/text', async (req) => req.text({ limit: 8 }))
    a.post('/form', async (req) => req.form({ limit: 8 }))
    a.post('/buffer', async (req) => (await req.buffer({ limit: 8 })).length)
    a.get('/ping', () => 'pong')
  })
  await withServer(app, async (server) => {
    const cases: [string, Record<string, string>, string][] = [
      ['/json', JSON_HEADERS, '"123456"'],
      ['/text', {}, '12345678'],
      ['/form', FORM_HEADERS, 'a=123456'],
      ['/buffer', {}, '12345678'],
    ]
    for (const [path, headers, fits] of cases) {
      assert.is((await server.fetch(path, { method: 'POST', headers, body: fits })).status, 200, `${path} at the limit`)
      const over = await server.fetch(path, { method: 'POST', headers, body: `${fits}9` })
      assert.is(over.status, 413, `${path} over the limit`)
      assert.is(over.headers.connection, 'close')
      const streamed = await server.fetch(path, { method: 'POST', headers, body: chunked(fits, '9') })
      assert.is(streamed.status, 413, `${path} over the limit, chunked`)
    }
    await assertStillServes(server)
  })
})

readerLimit('wins over the route and app limits', async () => {
  const app = makeApp((a) => {
    a.post('/', bodyLimit(4), async (req) => (await req.text({ limit: 20 })).length)
  }, { bodyLimit: 2 })
  await withServer(app, async (server) => {
    const res = await server.fetch('/', { method: 'POST', body: 'x'.repeat(20) })
    assert.is(res.status, 200)
    assert.is(res.body, '20')
  })
})

readerLimit.run()
