// fromConnect() beyond the conformance table (#16): middleware that hooks `res` (compression compressing the
// chain's answer, streamed ones too; morgan logging status and length), over node:http, app.request() and
// app.fetch() alike, read as bytes; a client that leaves while a middleware holds the request; and the
// start-up refusals of Express-shaped steps.
import { Readable } from 'node:stream'
import { gunzipSync } from 'node:zlib'
import compression from 'compression'
import morgan from 'morgan'
import multer from 'multer'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { request } from 'undici'
import { createApp, fromConnect, reply, text, type App } from '../../src/index.js'
import { recordingLogger } from '../_helpers/http.js'

interface BytesAnswer { status: number; headers: Record<string, string>; body: Buffer }

type Send = (path: string, init?: { method?: string; headers?: Record<string, string>; body?: Uint8Array }) => Promise<BytesAnswer>

const webAnswer = async (response: Response): Promise<BytesAnswer> =>
  ({ status: response.status, headers: Object.fromEntries(response.headers), body: Buffer.from(await response.arrayBuffer()) })

/** The three entry points, each answering with the body's bytes. */
const ENTRIES: readonly { name: string; open(app: App): Promise<{ send: Send; close(): Promise<void> }> }[] = [
  {
    name: 'node:http',
    async open(app) {
      const server = await app.listen({ port: 0, host: '127.0.0.1' })
      return {
        async send(path, init = {}) {
          const res = await request(server.url + path, { method: (init.method ?? 'GET') as 'GET', headers: init.headers ?? {}, body: init.body ?? null })
          const headers: Record<string, string> = {}
          for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
          return { status: res.statusCode, headers, body: Buffer.from(await res.body.arrayBuffer()) }
        },
        close: () => app.close({ timeout: 1000 }),
      }
    },
  },
  {
    name: 'app.request',
    async open(app) {
      return { send: async (path, init = {}) => webAnswer(await app.request(path, init)), close: async () => {} }
    },
  },
  {
    name: 'app.fetch',
    async open(app) {
      return { send: async (path, init = {}) => webAnswer(await app.fetch(new Request(`http://localhost${path}`, init), { ip: '127.0.0.1' })), close: async () => {} }
    },
  },
]

const LONG = 'routechain '.repeat(2000)

function compressedApp(): App {
  const app = createApp({ logger: recordingLogger().logger }).use(fromConnect(compression()))
  app.get('/long', () => LONG)
  app.get('/short', () => 'tiny')
  app.get('/stream', () => reply(Readable.from(['streamed ', 'in ', 'parts '.repeat(500)]), { headers: { 'content-type': 'text/plain' } }))
  app.get('/json', () => ({ items: Array.from({ length: 300 }, (_, i) => ({ id: i })) }))
  return app
}

for (const entry of ENTRIES) {
  const test = suite(`fromConnect over ${entry.name}`)

  test('compression: a long answer is gzipped and decodes to what the step returned; a short one is left alone', async () => {
    const channel = await entry.open(compressedApp())
    try {
      const gzip = { headers: { 'accept-encoding': 'gzip' } }
      const long = await channel.send('/long', gzip)
      assert.is(long.status, 200)
      assert.is(long.headers['content-encoding'], 'gzip')
      assert.is(long.headers.vary, 'Accept-Encoding')
      assert.is(long.headers['content-length'], undefined, 'the uncompressed length is gone')
      assert.ok(long.body.length < LONG.length / 10, `compressed to ${long.body.length} bytes`)
      assert.is(gunzipSync(long.body).toString(), LONG)

      const short = await channel.send('/short', gzip)
      assert.is(short.headers['content-encoding'], undefined)
      assert.is(short.body.toString(), 'tiny')
      assert.is(short.headers['content-length'], '4')

      const streamed = await channel.send('/stream', gzip)
      assert.is(streamed.headers['content-encoding'], 'gzip')
      assert.is(gunzipSync(streamed.body).toString(), `streamed in ${'parts '.repeat(500)}`)

      const data = await channel.send('/json', gzip)
      assert.is(data.headers['content-type'], 'application/json; charset=utf-8')
      assert.is(JSON.parse(gunzipSync(data.body).toString()).items.length, 300)

      const plain = await channel.send('/long')
      assert.is(plain.headers['content-encoding'], undefined, 'no gzip for a client that did not ask')
      assert.is(plain.body.toString(), LONG)
    } finally {
      await channel.close()
    }
  })

  test("morgan: logs each request's method, URL, status and length once the answer is written", async () => {
    const lines: string[] = []
    const app = createApp({ logger: recordingLogger().logger })
      .use(fromConnect(morgan(':method :url :status :res[content-length]', { stream: { write: (line: string) => { lines.push(line.trim()) } } })))
      .get('/hello/:name', (req) => `hello ${req.params.name}`)
      .get('/teapot', () => text('short and stout', { status: 418 }))
    const channel = await entry.open(app)
    try {
      assert.is((await channel.send('/hello/ann?x=1')).body.toString(), 'hello ann')
      assert.is((await channel.send('/teapot')).status, 418)
      assert.is((await channel.send('/nowhere')).status, 404)
      for (let i = 0; i < 50 && lines.length < 3; i++) await new Promise((resolve) => setTimeout(resolve, 10))
      assert.equal(lines, ['GET /hello/ann?x=1 200 9', 'GET /teapot 418 15', 'GET /nowhere 404 9'])
    } finally {
      await channel.close()
    }
  })

  test('multer: a file past its size limit is an error the app can answer, not a truncated file', async () => {
    const app = createApp({ logger: recordingLogger().logger })
      .onError((error) => (error as { code?: string }).code === 'LIMIT_FILE_SIZE' ? text('file too large', { status: 413 }) : undefined)
    let reached = false
    app.post('/upload', fromConnect(multer({ limits: { fileSize: 10 } }).single('f')), () => { reached = true; return 'stored' })
    const boundary = 'b0undary'
    const body = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="a.bin"\r\n\r\n${'x'.repeat(100)}\r\n--${boundary}--\r\n`)
    const channel = await entry.open(app)
    try {
      const answer = await channel.send('/upload', { method: 'POST', body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } })
      assert.is(answer.status, 413)
      assert.is(answer.body.toString(), 'file too large')
      assert.is(reached, false)
    } finally {
      await channel.close()
    }
  })

  test.run()
}

const lifecycle = suite('fromConnect: lifecycle and start-up checks')

lifecycle('a client that leaves while a middleware holds the request frees it: the middleware sees close, nothing is answered', async () => {
  const { lines, logger } = recordingLogger()
  let closed!: () => void
  const sawClose = new Promise<void>((resolve) => { closed = resolve })
  const app = createApp({ logger }).get('/hang', fromConnect((_req: unknown, res: { on(e: string, f: () => void): void }) => {
    res.on('close', closed) // and never calls next
  }), () => 'unreachable')
  const controller = new AbortController()
  const answer = app.request('/hang', { signal: controller.signal })
  setTimeout(() => controller.abort(), 20)
  await sawClose
  const response = await answer
  assert.is(response.status, 499)
  assert.equal(lines.filter((line) => line.startsWith('error') && !line.includes('499')), [])
})

lifecycle('an Express middleware passed directly is refused at start-up, naming fromConnect', () => {
  const app = createApp()
  const express = function expressStyle(_req: unknown, _res: unknown, next: () => void): void { next() }
  assert.throws(() => app.get('/x', express as never), /step 1 \(expressStyle\) takes \(req, res, next\).*fromConnect\(middleware\)/)
  assert.throws(() => app.use(express as never), /fromConnect\(middleware\)/)
  const errorHandler = (_err: unknown, _req: unknown, _res: unknown, _next: unknown): void => {}
  assert.throws(() => app.get('/y', errorHandler as never), /Express error handler.*app\.onError/)
  assert.throws(() => fromConnect(errorHandler as never), /error handler.*onError/)
  assert.throws(() => fromConnect('helmet' as never), /fromConnect\(\) takes an Express\/connect middleware/)
})

lifecycle.run()
