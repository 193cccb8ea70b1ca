// Faults (#6): clients that go away, streams that fail midway, slow clients, and no failure escaping the app.
import { connect, type Socket } from 'node:net'
import { fileURLToPath } from 'node:url'
import { Readable } from 'node:stream'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { request } from 'undici'
import { createApp, reply } from '../../src/index.js'
import { rawExchange, recordingLogger, withServer } from '../_helpers/http.js'
import { throwsConfig } from '../_helpers/assert.js'
import { deferred, sleep } from '../_helpers/async.js'
import { startServerProcess } from '../../bench/server-process.js'

/** Opens a raw connection to a test server; errors (the server cutting it) are expected and ignored. */
function open(url: string): Promise<Socket> {
  const { port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => resolve(socket))
    socket.on('error', () => {})
    socket.once('error', reject)
  })
}

/** Waits until `check()` holds, polling; fails the test after `ms`. */
async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await sleep(10)
  }
}

/** Resolves with what the server sent on a socket once it closes it, or after `ms` with `timed out`. */
function answerOf(socket: Socket, ms: number): Promise<string> {
  return new Promise((resolve) => {
    let answer = ''
    const timer = setTimeout(() => resolve(`${answer}(timed out)`), ms)
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => { answer += chunk })
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(answer)
    })
  })
}

const aborts = suite('Client aborts and req.signal')

aborts('req.signal aborts when the client goes away mid-response, and long work stops', async () => {
  const { lines, logger } = recordingLogger()
  let iterations = 0
  let reason: unknown
  const started = deferred()
  const app = createApp({ logger })
  app.get('/long', async (req) => {
    started.resolve()
    while (!req.signal.aborted && iterations < 500) {
      iterations++
      await sleep(10)
    }
    reason = req.signal.reason
    return 'done'
  })
  app.get('/ok', () => 'ok')
  await withServer(app, async (s) => {
    const socket = await open(s.url)
    socket.write('GET /long HTTP/1.1\r\nHost: x\r\n\r\n')
    await started.promise
    socket.destroy()
    await until(() => reason !== undefined, 2000, 'the step to see the abort')
    assert.ok(iterations < 100, `the step stopped early (${iterations} iterations)`)
    assert.is((reason as { status?: number }).status, 499)
    assert.is((await s.fetch('/ok')).body, 'ok')
  })
  assert.is(lines.filter((line) => line.startsWith('error')).length, 0, lines.join('\n'))
})

aborts('req.signal aborts when the client goes away while its body is still being sent', async () => {
  let seen: AbortSignal | undefined
  const app = createApp({ logger: recordingLogger().logger })
  app.post('/upload', async (req) => {
    seen = req.signal
    return (await req.text()).length
  })
  await withServer(app, async (s) => {
    const socket = await open(s.url)
    socket.write('POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabc')
    await until(() => seen !== undefined, 2000, 'the step to start')
    socket.destroy()
    await until(() => seen?.aborted === true, 2000, 'the signal to abort')
  })
})

aborts('req.signal stays quiet on a request that completes, and is the same object each time', async () => {
  let signal: AbortSignal | undefined
  const app = createApp()
  app.get('/', (req) => {
    signal = req.signal
    return req.signal === signal ? 'same' : 'different'
  })
  await withServer(app, async (s) => {
    assert.is((await s.fetch('/')).body, 'same')
    await sleep(20)
    assert.is(signal?.aborted, false)
  })
})

aborts('a client that aborts mid-response of a stream leaves nothing open: the stream is destroyed', async () => {
  let destroyed = false
  const sent = deferred()
  const app = createApp({ logger: recordingLogger().logger })
  app.get('/stream', () => {
    let n = 0
    const body = new Readable({
      read() {
        if (n++ === 1) sent.resolve()
        setTimeout(() => this.push(`chunk ${n}\n`), 5)
      },
      destroy(error, callback) {
        destroyed = true
        callback(error)
      },
    })
    return reply(body)
  })
  app.get('/ok', () => 'ok')
  await withServer(app, async (s) => {
    const socket = await open(s.url)
    socket.write('GET /stream HTTP/1.1\r\nHost: x\r\n\r\n')
    await sent.promise
    socket.destroy()
    await until(() => destroyed, 2000, 'the stream to be destroyed')
    assert.is((await s.fetch('/ok')).body, 'ok')
  })
})

aborts.run()

const streams = suite('Failures after a streamed response started')

for (const [name, body] of [
  ['a Readable', () => {
    let pushed = false
    return new Readable({
      read() {
        if (pushed) return
        pushed = true
        this.push('first ')
        setTimeout(() => this.destroy(new Error('disk gone')), 20)
      },
    })
  }],
  ['an async generator', () => (async function* () {
    yield 'first '
    await sleep(20)
    throw new Error('disk gone')
  })()],
] as const) {
  streams(`${name} that fails midway: the connection is cut, the error logged once, the server goes on`, async () => {
    const { lines, logger } = recordingLogger()
    const app = createApp({ logger })
    app.get('/stream', () => reply(body()))
    app.get('/ok', () => 'ok')
    await withServer(app, async (s) => {
      const res = await request(`${s.url}/stream`)
      assert.is(res.statusCode, 200)
      const failure = await res.body.text().then(() => undefined, (error: unknown) => error)
      assert.instance(failure, Error, 'the client sees the response cut short, not a complete one')
      assert.is((await s.fetch('/ok')).body, 'ok')
    })
    const logged = lines.filter((line) => line.includes('disk gone'))
    assert.is(logged.length, 1, lines.join('\n'))
    assert.match(logged[0] as string, /^error .*connection closed/)
  })
}

streams.run()

const slow = suite('Slow clients: header and request timeouts')

slow('defaults are 10 s for headers, 30 s for the whole request and 5 s keep-alive', async () => {
  const app = createApp()
  app.get('/', () => 'ok')
  const server = await app.listen()
  try {
    assert.is(server.headersTimeout, 10_000)
    assert.is(server.requestTimeout, 30_000)
    assert.is(server.keepAliveTimeout, 5_000)
  } finally {
    await app.close()
  }
})

slow('a slowloris trickle of headers gets 408 and is cut after headersTimeout, while others are served', async () => {
  const app = createApp({ headersTimeout: 300, requestTimeout: 1000 })
  app.get('/ok', () => 'ok')
  await withServer(app, async (s) => {
    const trickles = await Promise.all(Array.from({ length: 20 }, () => open(s.url)))
    const answers = trickles.map((socket) => answerOf(socket, 3000))
    const began = Date.now()
    const drip = setInterval(() => { for (const socket of trickles) if (!socket.destroyed) socket.write('X-a: b\r\n') }, 50)
    for (const socket of trickles) socket.write('GET /ok HTTP/1.1\r\nHost: x\r\n')
    try {
      assert.is((await s.fetch('/ok')).body, 'ok', 'a normal client is served during the trickle')
      const results = await Promise.all(answers)
      const took = Date.now() - began
      for (const answer of results) assert.match(answer, /^HTTP\/1\.1 408 Request Timeout\r\n/)
      assert.ok(took < 2500, `the trickling connections were cut after ${took} ms`)
    } finally {
      clearInterval(drip)
    }
    assert.is((await s.fetch('/ok')).body, 'ok')
  })
})

slow('a body trickled slower than requestTimeout gets 408', async () => {
  const app = createApp({ headersTimeout: 200, requestTimeout: 400, logger: recordingLogger().logger })
  app.post('/upload', async (req) => (await req.text()).length)
  await withServer(app, async (s) => {
    const socket = await open(s.url)
    const answer = answerOf(socket, 3000)
    socket.write('POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n')
    const drip = setInterval(() => { if (!socket.destroyed) socket.write('a') }, 50)
    try {
      assert.match(await answer, /^HTTP\/1\.1 408 Request Timeout\r\n/)
    } finally {
      clearInterval(drip)
    }
  })
})

slow('timeouts are checked at start-up', () => {
  assert.match(throwsConfig(() => createApp({ headersTimeout: 0 })).message, /headersTimeout must be a whole number of milliseconds/)
  assert.match(throwsConfig(() => createApp({ requestTimeout: 1.5 })).message, /requestTimeout must be/)
  assert.match(throwsConfig(() => createApp({ headersTimeout: 5000, requestTimeout: 1000 })).message, /must not be longer than requestTimeout/)
})

slow.run()

const strict = suite('No failure escapes: --unhandled-rejections=strict')

/** The GET routes of tests/_helpers/strict-app.ts, each failing in its own way. */
const STRICT_ROUTES = [
  '/throw', '/reject', '/rejected-promise', '/after-next', '/onerror', '/tojson', '/bigint', '/stream-error',
  '/generator-error', '/session-save', '/next-twice', '/undefined',
]

strict('every way a step, a reply or a session save can fail leaves the process serving', async () => {
  const script = fileURLToPath(new URL('../_helpers/strict-app.js', import.meta.url))
  const app = await startServerProcess('the strict app', process.execPath, ['--unhandled-rejections=strict', script])
  try {
    for (const path of STRICT_ROUTES) {
      const res = await request(app.url + path).then(async (r) => ({ status: r.statusCode, body: await r.body.text().catch(() => '(cut)') }), () => ({ status: 0, body: '(cut)' }))
      assert.ok(res.status === 0 || res.status === 200 || res.status >= 500, `${path}: ${res.status}`)
      assert.not.match(res.body, /\n\s+at /, `${path} leaks no stack trace`)
    }
    // a client that sends half a body and leaves, while its step waits to read it
    await rawExchange(app.url, 'POST /body-gone HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc').catch(() => '')
    await sleep(150)
    const alive = await request(`${app.url}/alive`)
    assert.is(await alive.body.text(), 'alive', `the process still serves; its log:\n${app.stderr()}`)
    assert.not.match(app.stderr(), /unhandled|uncaught/i)
  } finally {
    await app.stop()
  }
})

strict.run()
