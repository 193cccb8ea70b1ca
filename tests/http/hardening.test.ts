// Regressions from the review of the core (issue #2): bad input and misconfiguration never crash or hang.
import { connect } from 'node:net'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createApp, reply } from '../../src/index.js'
import { rawExchange, recordingLogger, serve, withServer } from '../_helpers/http.js'
import { throwsConfig } from '../_helpers/assert.js'
import { sleep } from '../_helpers/async.js'

const options = suite('createApp options (#2)')

options('refuses unknown options, pointing port and host to listen()', () => {
  assert.match(throwsConfig(() => createApp({ port: 3000 } as never)).message, /app\.listen\(\{ port, host \}\)/)
  assert.match(throwsConfig(() => createApp({ colour: 'red' } as never)).message, /no option "colour"/)
})

options('refuses a logger without the four methods, and wrongly typed routing options', () => {
  assert.match(throwsConfig(() => createApp({ logger: {} as never })).message, /no error\(\) method/)
  assert.match(throwsConfig(() => createApp({ caseSensitive: 'no' as never })).message, /caseSensitive must be true or false/)
  assert.match(throwsConfig(() => createApp({ maxParamLength: 0 })).message, /maxParamLength/)
  assert.match(throwsConfig(() => createApp({ trace: 'yes' as never })).message, /trace takes/)
})

options.run()

const faults = suite('App faults (#2)')

faults('keeps serving when the logger itself throws', async () => {
  const logger = { error() { throw new Error('log sink down') }, warn() {}, info() {}, debug() {} }
  const app = createApp({ logger })
  app.get('/boom', () => { throw new Error('bug') })
  app.get('/ok', () => 'ok')
  await withServer(app, async (s) => {
    assert.is((await s.fetch('/boom')).status, 500)
    assert.is((await s.fetch('/ok')).body, 'ok')
  })
})

faults('keeps serving when the trace sink throws, and says so once', async () => {
  const { lines, logger } = recordingLogger()
  const app = createApp({ logger, trace: () => { throw new Error('sink down') } })
  app.get('/ok', function ok() { return 'ok' })
  await withServer(app, async (s) => {
    assert.is((await s.fetch('/ok')).body, 'ok')
    assert.is((await s.fetch('/ok')).body, 'ok')
  })
  assert.is(lines.filter((line) => line.includes('trace sink threw')).length, 1, lines.join('\n'))
})

faults('a step that reads the body after the client went away gets a 400 error, not a promise that never settles', async () => {
  let outcome: unknown = 'pending'
  const app = createApp({ logger: recordingLogger().logger })
  app.post('/slow', async (req) => {
    await sleep(150)
    try {
      return await req.text()
    } catch (error) {
      outcome = error
      throw error
    }
  })
  await withServer(app, async (s) => {
    const { port } = new URL(s.url)
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write('POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc')
      setTimeout(() => socket.destroy(), 30)
    })
    socket.on('error', () => {})
    for (let waited = 0; outcome === 'pending' && waited < 2000; waited += 25) await sleep(25)
  })
  assert.instance(outcome, Error)
  assert.is((outcome as { status?: number }).status, 400)
})

faults('an invalid header value answers "500 Internal Server Error", not "500 OK"', async () => {
  const app = createApp({ logger: recordingLogger().logger })
  app.get('/bad', () => reply('x', { headers: { 'x-bad': 'a\nb' } }))
  await withServer(app, async (s) => {
    const answer = await rawExchange(s.url, 'GET /bad HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    assert.match(answer, /^HTTP\/1\.1 500 Internal Server Error\r\n/)
  })
})

faults('a 204 or 304 reply goes out without a body or a Content-Length', async () => {
  const app = createApp()
  app.get('/204', () => reply('body', { status: 204 }))
  app.get('/304', () => reply('body', { status: 304 }))
  await withServer(app, async (s) => {
    for (const path of ['/204', '/304']) {
      const res = await s.fetch(path)
      assert.is(res.body, '')
      assert.is(res.headers['content-length'], undefined, path)
    }
  })
})

faults('a body reader limit that is not a whole number is a bug in the app: 500, never an unlimited read', async () => {
  const { lines, logger } = recordingLogger()
  const app = createApp({ logger })
  app.post('/nan', async (req) => (await req.buffer({ limit: Number.NaN })).length)
  await withServer(app, async (s) => {
    const res = await s.fetch('/nan', { method: 'POST', body: 'x'.repeat(2048) })
    assert.is(res.status, 500)
    assert.ok(lines.some((line) => line.includes('body reader limit')), lines.join('\n'))
  })
})

faults('a Map or Set returned from a step is a 500 with a hint, not a silent {}', async () => {
  const { lines, logger } = recordingLogger()
  const app = createApp({ logger })
  app.get('/map', () => new Map([['a', 1]]))
  app.get('/set', () => new Set([1]))
  await withServer(app, async (s) => {
    assert.is((await s.fetch('/map')).status, 500)
    assert.is((await s.fetch('/set')).status, 500)
  })
  assert.ok(lines.some((line) => line.includes('convert it first')), lines.join('\n'))
})

faults('req.path is the path for an absolute-form request target', async () => {
  const app = createApp()
  app.get('/abs', (req) => `${req.path} ${req.url}`)
  await withServer(app, async (s) => {
    const answer = await rawExchange(s.url, 'GET http://example.test/abs?q=1 HTTP/1.1\r\nHost: example.test\r\nConnection: close\r\n\r\n')
    assert.match(answer, /\r\n\r\n\/abs http:\/\/example\.test\/abs\?q=1$/)
  })
})

faults('listening again after close() keeps connections alive again', async () => {
  const app = createApp()
  app.get('/', () => 'ok')
  const first = await serve(app)
  await first.close()
  await withServer(app, async (s) => {
    const res = await s.fetch('/')
    assert.is(res.headers.connection, 'keep-alive')
  })
})

faults.run()
