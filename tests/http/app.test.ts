import { createServer } from 'node:http'
import { connect, type AddressInfo } from 'node:net'
import { once } from 'node:events'
import { request } from 'undici'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createApp, defineStep, EncryptedCookieStorage, generateKey, HttpError, ready, Router, type App, type Next, type RouteRequest } from '../../src/index.js'
import { recordingLogger, serve, type TestServer, withServer } from '../_helpers/http.js'
import { throwsConfig } from '../_helpers/assert.js'

/** A promise with its resolve function, to hold a request open until the test lets it go. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void
  const promise = new Promise<void>((r) => { resolve = r })
  return { promise, resolve }
}

/** A raw HTTP/1.1 connection, to see exactly what the server sends on one socket and when it closes it. */
interface RawConnection {
  send(requestText: string): void
  received(): string
  /** Resolves once `text` has arrived; rejects if the connection closes first. */
  until(text: string): Promise<void>
  readonly closed: Promise<void>
  destroy(): void
}

async function openRaw(port: number): Promise<RawConnection> {
  const socket = connect(port, '127.0.0.1')
  await once(socket, 'connect')
  socket.setEncoding('utf8')
  let data = ''
  let wake = (): void => {}
  socket.on('data', (chunk: string) => {
    data += chunk
    wake()
  })
  socket.on('error', () => {}) // a reset after the server closed the connection is expected
  const closed = new Promise<void>((resolve) => socket.once('close', () => {
    resolve()
    wake()
  }))
  return {
    send: (requestText) => { socket.write(requestText) },
    received: () => data,
    async until(text) {
      while (!data.includes(text)) {
        if (socket.destroyed) throw new Error(`connection closed before ${JSON.stringify(text)} arrived; got ${JSON.stringify(data)}`)
        await new Promise<void>((resolve) => { wake = resolve })
      }
    },
    closed,
    destroy: () => socket.destroy(),
  }
}

const get = (path: string): string => `GET ${path} HTTP/1.1\r\nHost: test\r\n\r\n`
const responseCount = (data: string): number => (data.match(/HTTP\/1\.1 \d{3} /g) ?? []).length

/** Resolves to 'connected' or the error code of a fresh TCP connection. */
function connectOutcome(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve('connected')
    })
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message))
  })
}

const portOf = (s: TestServer): number => (s.server.address() as AddressInfo).port

/** Records whether close() cut the server's connections (its timeout passed) instead of closing them gracefully. */
function watchCut(s: TestServer): { happened(): boolean } {
  let happened = false
  const closeAll = s.server.closeAllConnections.bind(s.server)
  s.server.closeAllConnections = () => {
    happened = true
    closeAll()
  }
  return { happened: () => happened }
}

// ---------------------------------------------------------------------------------------------------------------------

const routes = suite('App#routes')

function buildBlog(): App {
  const app = createApp()
  app.use(function requestId() {})
  app.get('/', function home() { return 'home' })
  app.all('/any', function anything() { return 'any' })
  const posts = new Router()
  posts.use(function loadUser() {})
  posts.get('/:id', function authenticate() {}, function getPost() { return 'post' })
  const comments = new Router()
  comments.use(function countComments() {})
  comments.post('/', function addComment() { return 'comment' })
  comments.delete('/:commentId', () => 'deleted')
  posts.mount('/:id/comments', comments)
  app.mount('/post', posts)
  return app
}

routes('lists method, full path through nested mounts, and the names of every step in order', () => {
  assert.equal(buildBlog().routes(), [
    { method: 'GET', path: '/', steps: ['requestId', 'home'] },
    { method: 'ALL', path: '/any', steps: ['requestId', 'anything'] },
    { method: 'GET', path: '/post/:id', steps: ['requestId', 'loadUser', 'authenticate', 'getPost'] },
    { method: 'POST', path: '/post/:id/comments', steps: ['requestId', 'loadUser', 'countComments', 'addComment'] },
    { method: 'DELETE', path: '/post/:id/comments/:commentId', steps: ['requestId', 'loadUser', 'countComments', 'anonymous'] },
  ])
})

routes('lists a router mounted twice under each prefix', () => {
  const app = createApp()
  const shared = new Router()
  shared.get('/ping', function ping() { return 'pong' })
  app.mount('/a', shared)
  app.mount('/b', shared)
  assert.equal(app.routes().map((r) => `${r.method} ${r.path}`), ['GET /a/ping', 'GET /b/ping'])
})

routes('lists what the app serves', async () => {
  const app = buildBlog()
  const listed = app.routes()
  await withServer(app, async (s) => {
    assert.is((await s.fetch('/post/1/comments', { method: 'POST' })).body, 'comment')
    assert.is((await s.fetch('/any', { method: 'PATCH' })).body, 'any')
    assert.is((await s.fetch('/post/1')).body, 'post')
  })
  assert.equal(app.routes(), listed)
})

routes('returns a copy that callers may change', () => {
  const app = buildBlog()
  app.routes().length = 0
  assert.is(app.routes().length, 5)
})

routes.run()

// ---------------------------------------------------------------------------------------------------------------------

const printRoutes = suite('App#printRoutes')

printRoutes('returns an aligned METHOD/PATH/STEPS table and logs it through logger.info', () => {
  const { logger, lines } = recordingLogger()
  const app = createApp({ logger })
  const posts = new Router()
  posts.get('/:id', function authenticate() {}, function getPost() { return 'post' })
  posts.delete('/:id', function removePost() { return 'gone' })
  app.mount('/post', posts)
  const table = app.printRoutes()
  const rows = table.split('\n')
  assert.is(rows.length, 3)
  assert.match(rows[0] ?? '', /^METHOD\s+PATH\s+STEPS$/)
  assert.match(rows[1] ?? '', /^GET\s+\/post\/:id\s+authenticate → getPost$/)
  assert.match(rows[2] ?? '', /^DELETE\s+\/post\/:id\s+removePost$/)
  // columns line up
  const pathColumn = rows[0]?.indexOf('PATH')
  const stepsColumn = rows[0]?.indexOf('STEPS')
  for (const row of rows.slice(1)) {
    assert.is(row.indexOf('/post'), pathColumn)
    assert.is(row.search(/(authenticate|removePost)/), stepsColumn)
  }
  assert.equal(lines, [`info ${table}`])
})

printRoutes('shows the name given to defineStep(name, step), and anonymous for a nameless arrow (#13)', async () => {
  const { logger } = recordingLogger()
  const app = createApp({ logger })
  const authenticate = defineStep<{ user: string }>('authenticate', (req) => { req.user = 'alice' })
  app.get('/me', authenticate, (req) => req.user)
  const table = app.printRoutes()
  assert.match(table, /GET\s+\/me\s+authenticate → anonymous/)
  assert.is(await (await app.request('/me')).text(), 'alice', 'the named step still runs and adds')
  throwsConfig(() => defineStep('', () => undefined), /the name is empty/)
  throwsConfig(() => defineStep('x', 'not a function' as never), /must be a function/)
})

printRoutes.run()

// ---------------------------------------------------------------------------------------------------------------------

const frozen = suite('App (routes are fixed once serving)')

frozen('refuses routes, use steps and mounts added after listen(), and does not serve them', async () => {
  const app = createApp()
  app.get('/before', () => 'before')
  await withServer(app, async (s) => {
    throwsConfig(() => app.get('/after', () => 'after'), /route GET \/after: .*before app\.listen\(\) or app\.handler/)
    throwsConfig(() => app.use(() => undefined), /use\(\): .*before app\.listen\(\)/)
    throwsConfig(() => app.mount('/late', new Router().get('/x', () => 'x')), /mount\(\): .*before app\.listen\(\)/)
    throwsConfig(() => app.all('/after', () => 'after'), /before app\.listen\(\)/)
    assert.is((await s.fetch('/after')).status, 404)
    assert.is((await s.fetch('/late/x')).status, 404)
    assert.is((await s.fetch('/before')).body, 'before')
  })
})

frozen('refuses changes once app.handler has been read, without listening', () => {
  const app = createApp()
  app.get('/before', () => 'before')
  void app.handler
  throwsConfig(() => app.post('/after', () => 'after'), /route POST \/after: this router already serves requests/)
  throwsConfig(() => app.use(() => undefined), /before app\.listen\(\) or app\.handler/)
})

frozen('refuses changes to routers mounted in the app, at any depth', async () => {
  const app = createApp()
  const child = new Router()
  const grandchild = new Router()
  child.get('/x', () => 'x')
  grandchild.get('/y', () => 'y')
  child.mount('/g', grandchild)
  app.mount('/c', child)
  let built: Router<{}, '/cb'> | undefined
  app.mount('/cb', (r) => {
    r.get('/z', () => 'z')
    built = r
  })
  await withServer(app, async (s) => {
    throwsConfig(() => child.get('/new', () => 'new'), /route GET \/new: .*before app\.listen\(\)/)
    throwsConfig(() => child.use(() => undefined), /use\(\): /)
    throwsConfig(() => child.mount('/m', new Router()), /mount\(\): /)
    throwsConfig(() => grandchild.delete('/y', () => 'no'), /before app\.listen\(\)/)
    throwsConfig(() => built?.get('/zz', () => 'zz'), /before app\.listen\(\)/)
    assert.is((await s.fetch('/c/new')).status, 404)
    assert.is((await s.fetch('/c/g/y')).body, 'y')
  })
})

frozen('leaves routers that are not mounted in the serving app open to changes', async () => {
  const app = createApp()
  app.get('/', () => 'home')
  const other = new Router()
  await withServer(app, async () => {
    other.get('/x', () => 'x')
    other.use(() => undefined)
  })
  const second = createApp()
  second.mount('/o', other)
  await withServer(second, async (s) => {
    assert.is((await s.fetch('/o/x')).body, 'x')
  })
})

frozen.run()

// ---------------------------------------------------------------------------------------------------------------------

const handler = suite('App#handler')

handler('serves through a plain node:http server', async () => {
  const app = createApp()
  const posts = new Router()
  posts.get('/:id', (req) => ({ id: req.params.id }))
  app.mount('/post', posts)
  const server = createServer(app.handler)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  try {
    const ok = await request(`${base}/post/5`)
    assert.is(ok.statusCode, 200)
    assert.equal(await ok.body.json(), { id: '5' })
    const missing = await request(`${base}/nope`)
    assert.is(missing.statusCode, 404)
    assert.is(await missing.body.text(), 'Not Found')
    const notAllowed = await request(`${base}/post/5`, { method: 'POST' })
    assert.is(notAllowed.statusCode, 405)
    await notAllowed.body.text()
  } finally {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
  assert.is(app.port, undefined)
})

handler('throws a misconfigured route table when read', () => {
  const app = createApp()
  app.get('/dup', () => 'one')
  app.get('/dup', () => 'two')
  throwsConfig(() => app.handler, /cannot add route GET \/dup/)
})

handler.run()

// ---------------------------------------------------------------------------------------------------------------------

const listen = suite('App#listen')

listen('resolves to the server with the port it chose and its url', async () => {
  const app = createApp()
  app.get('/where', () => 'here')
  const server = await app.listen({ port: 0 })
  try {
    assert.ok(server.port > 0)
    assert.is(server.port, (server.address() as AddressInfo).port)
    assert.is(server.url, `http://127.0.0.1:${server.port}`)
    assert.is(app.port, server.port)
    const res = await request(`${server.url}/where`)
    assert.is(await res.body.text(), 'here')
  } finally {
    await app.close()
  }
})

listen('brackets an IPv6 host in the url', async () => {
  const app = createApp()
  app.get('/where', () => 'here')
  const server = await app.listen({ port: 0, host: '::1' })
  try {
    assert.is(server.url, `http://[::1]:${server.port}`)
    const res = await request(`${server.url}/where`)
    assert.is(await res.body.text(), 'here')
  } finally {
    await app.close()
  }
})

listen.run()

// ---------------------------------------------------------------------------------------------------------------------

const close = suite('App#close')

function slowApp(): { app: App; entered: Promise<void>; release: () => void } {
  const app = createApp()
  const entered = deferred()
  const gate = deferred()
  app.get('/slow', async () => {
    entered.resolve()
    await gate.promise
    return 'done'
  })
  app.get('/fast', () => 'fast')
  return { app, entered: entered.promise, release: gate.resolve }
}

close('lets an in-flight request finish with 200 while refusing new connections', async () => {
  const { app, entered, release } = slowApp()
  const s = await serve(app)
  const port = portOf(s)
  const conn = await openRaw(port)
  try {
    conn.send(get('/slow'))
    await entered
    const closing = app.close({ timeout: 10_000 })
    assert.is(await connectOutcome(port), 'ECONNREFUSED')
    release()
    await conn.until('done')
    assert.match(conn.received(), /^HTTP\/1\.1 200 OK\r\n/)
    assert.match(conn.received(), /\r\n\r\ndone$/)
    conn.destroy()
    await closing
  } finally {
    conn.destroy()
    await s.close()
  }
})

close('lets an in-flight request finish through undici too', async () => {
  const { app, entered, release } = slowApp()
  const s = await serve(app)
  try {
    const inFlight = s.fetch('/slow', { reset: true })
    await entered
    const closing = app.close({ timeout: 10_000 })
    release()
    const res = await inFlight
    assert.is(res.status, 200)
    assert.is(res.body, 'done')
    await closing
  } finally {
    await s.close()
  }
})

close('closes the connection of an in-flight request once its response is sent, without waiting for the cut', async () => {
  const { app, entered, release } = slowApp()
  const s = await serve(app)
  s.server.keepAliveTimeout = 60_000 // node's own keep-alive timer must not be what closes it
  const cut = watchCut(s)
  const conn = await openRaw(portOf(s))
  try {
    conn.send(get('/slow'))
    await entered
    const closing = app.close({ timeout: 5_000 })
    release()
    await conn.until('done')
    await conn.closed
    assert.is(cut.happened(), false, 'the connection stayed open until close() cut it at its timeout')
    assert.is(responseCount(conn.received()), 1)
    await closing
  } finally {
    conn.destroy()
    await s.close()
  }
})

close('closes idle keep-alive connections, without waiting for the cut', async () => {
  const { app } = slowApp()
  const s = await serve(app)
  s.server.keepAliveTimeout = 60_000
  const cut = watchCut(s)
  const conn = await openRaw(portOf(s))
  try {
    conn.send(get('/fast'))
    await conn.until('\r\n\r\nfast')
    assert.match(conn.received(), /connection: keep-alive/i)
    const closing = app.close({ timeout: 5_000 })
    await conn.closed
    assert.is(cut.happened(), false, 'the idle connection stayed open until close() cut it at its timeout')
    await closing
  } finally {
    conn.destroy()
    await s.close()
  }
})

close('cuts a request that never finishes once the timeout passes', async () => {
  const app = createApp()
  const entered = deferred()
  app.get('/never', () => {
    entered.resolve()
    return new Promise(() => {})
  })
  const s = await serve(app)
  const port = portOf(s)
  try {
    const cut = watchCut(s)
    const outcome = s.fetch('/never').then(() => 'answered', () => 'cut')
    await entered.promise
    await app.close({ timeout: 50 })
    assert.is(await outcome, 'cut')
    assert.is(cut.happened(), true)
    assert.is(await connectOutcome(port), 'ECONNREFUSED')
  } finally {
    await s.close()
  }
})

close('resolves at once when the app is not listening', async () => {
  const app = createApp()
  app.get('/', () => 'home')
  await app.close()
  assert.is(app.port, undefined)
})

close('with drain, goes on serving while ready() answers 503 closing, then refuses new connections', async () => {
  const { app, entered, release } = slowApp()
  app.get('/ready', ready())
  const s = await serve(app)
  const port = portOf(s)
  try {
    assert.is((await s.fetch('/ready')).status, 200)
    const inFlight = s.fetch('/slow', { reset: true })
    await entered
    let closed = false
    const closing = app.close({ drain: 400, timeout: 10_000 }).then(() => { closed = true })
    const probe = await s.fetch('/ready', { reset: true })
    assert.is(probe.status, 503)
    assert.is(probe.body, 'closing')
    assert.is(probe.headers['retry-after'], '1')
    const served = await s.fetch('/fast', { reset: true })
    assert.is(served.status, 200, 'a request arriving in the drain window is still served')
    assert.is(served.headers.connection, 'close', 'responses in the drain window close their connection')
    assert.is(closed, false)
    release()
    assert.is((await inFlight).body, 'done')
    await closing
    assert.is(await connectOutcome(port), 'ECONNREFUSED')
  } finally {
    release()
    await s.close()
  }
})

close('ready() answers 503 through app.request() once close() begins, and 200 again after listen()', async () => {
  const app = createApp().get('/ready', ready())
  assert.is((await app.request('/ready')).status, 200)
  await app.close()
  const refused = await app.request('/ready')
  assert.is(refused.status, 503)
  assert.is(await refused.text(), 'closing')
  const s = await serve(app)
  try {
    assert.is((await s.fetch('/ready')).status, 200)
  } finally {
    await s.close()
  }
})

close('refuses a drain that is not a whole number of ms', async () => {
  const app = createApp().get('/', () => 'home')
  for (const drain of [-1, 1.5, Number.NaN]) {
    await app.close({ drain }).then(
      () => assert.unreachable(`close({ drain: ${drain} }) resolved`),
      (error: unknown) => assert.match(String(error), /close\(\{ drain \}\) takes a whole number of ms from 0 up/),
    )
  }
  throwsConfig(() => ready({ check: 'yes' as never }), /ready\(\{ check \}\) takes a function/)
})

close.run()

// ---------------------------------------------------------------------------------------------------------------------

const trace = suite('App trace')

const TIME = /\d+\.\d{3}ms/g
const untimed = (lines: string[]): string[] => lines.map((line) => line.replace(TIME, '<t>'))

async function timing(_req: RouteRequest, next: Next): Promise<unknown> {
  return await next()
}

function tracedApp(options: Parameters<typeof createApp>[0]): App {
  const app = createApp(options)
  app.use(timing)
  const posts = new Router()
  posts.use(function loadUser() {})
  posts.get('/:id', function getPost(req) { return `post ${req.params.id}` })
  posts.delete('/:id', function denied() { throw new HttpError(403, 'no') })
  app.mount('/post', posts)
  return app
}

trace('prints each step entered and left, deeper inside onion steps, with times', async () => {
  const lines: string[] = []
  const app = tracedApp({ trace: (line) => lines.push(line) })
  await withServer(app, async (s) => {
    assert.is((await s.fetch('/post/1')).body, 'post 1')
  })
  assert.equal(untimed(lines), [
    '[trace #1] GET /post/1 → /post/:id',
    '[trace #1]   → timing',
    '[trace #1]     → loadUser',
    '[trace #1]     ← loadUser <t>',
    '[trace #1]     → getPost',
    '[trace #1]     ← getPost answered in <t>',
    '[trace #1]   ← timing answered in <t>',
    '[trace #1] 200 in <t>',
  ])
  for (const line of lines.filter((l) => l.includes('←') || / in /.test(l))) assert.match(line, /\d+\.\d{3}ms$/)
})

trace('numbers requests and shows a step that threw and the error status', async () => {
  const lines: string[] = []
  const app = tracedApp({ trace: (line) => lines.push(line), logger: recordingLogger().logger })
  await withServer(app, async (s) => {
    await s.fetch('/post/1')
    lines.length = 0
    assert.is((await s.fetch('/post/1', { method: 'DELETE' })).status, 403)
  })
  assert.equal(untimed(lines), [
    '[trace #2] DELETE /post/1 → /post/:id',
    '[trace #2]   → timing',
    '[trace #2]     → loadUser',
    '[trace #2]     ← loadUser <t>',
    '[trace #2]     → denied',
    '[trace #2]     ← denied threw after <t>',
    '[trace #2]   ← timing answered in <t>',
    '[trace #2] 403 in <t>',
  ])
})

trace('writes to logger.info with trace: true', async () => {
  const { logger, lines } = recordingLogger()
  const app = tracedApp({ trace: true, logger })
  await withServer(app, async (s) => {
    await s.fetch('/post/1')
  })
  assert.ok(lines.length > 0)
  assert.ok(lines.every((line) => line.startsWith('info [trace #1] ')), lines.join('\n'))
  assert.ok(lines.some((line) => line.includes('→ getPost')))
})

/** Runs `fn` with ROUTECHAIN_TRACE set to `value` (or unset), restoring it afterwards. */
function withTraceEnv<T>(value: string | undefined, fn: () => T): T {
  const saved = process.env.ROUTECHAIN_TRACE
  if (value === undefined) delete process.env.ROUTECHAIN_TRACE
  else process.env.ROUTECHAIN_TRACE = value
  try {
    return fn()
  } finally {
    if (saved === undefined) delete process.env.ROUTECHAIN_TRACE
    else process.env.ROUTECHAIN_TRACE = saved
  }
}

trace('prints nothing when tracing is off', async () => {
  const off = recordingLogger()
  const byDefault = recordingLogger()
  const apps = [
    tracedApp({ trace: false, logger: off.logger }),
    withTraceEnv(undefined, () => tracedApp({ logger: byDefault.logger })),
    withTraceEnv('1', () => tracedApp({ trace: false, logger: off.logger })),
  ]
  for (const app of apps) {
    await withServer(app, async (s) => {
      assert.is((await s.fetch('/post/1')).body, 'post 1')
    })
  }
  assert.equal(off.lines, [])
  assert.equal(byDefault.lines, [])
})

trace('is turned on by ROUTECHAIN_TRACE=1, writing to logger.info', async () => {
  const { logger, lines } = recordingLogger()
  const app = withTraceEnv('1', () => tracedApp({ logger }))
  await withServer(app, async (s) => {
    await s.fetch('/post/1')
  })
  assert.equal(untimed(lines).slice(0, 2), ['info [trace #1] GET /post/1 → /post/:id', 'info [trace #1]   → timing'])
  assert.ok(lines.some((line) => line.includes('← getPost answered in')))
})

trace.run()

const logging = suite('createApp({ logger })')

/** Runs `run` with console.debug recorded, and always puts it back. */
async function withConsoleDebug(run: (lines: unknown[][]) => Promise<void>): Promise<void> {
  const lines: unknown[][] = []
  const original = console.debug
  console.debug = (...args: unknown[]) => { lines.push(args) }
  try {
    await run(lines)
  } finally {
    console.debug = original
  }
}

logging('the default logger keeps debug lines to itself; logger: console asks for them (#13)', async () => {
  const tampered = async (app: App): Promise<number> => {
    app.get('/me', async (req) => (await req.session()).get('user') ?? 'nobody')
    const res = await app.request('/me', { headers: { cookie: 'session=tampered' } })
    assert.is(await res.text(), 'nobody')
    return res.status
  }
  const session = { storage: new EncryptedCookieStorage(generateKey()) }
  await withConsoleDebug(async (lines) => {
    assert.is(await tampered(createApp({ session })), 200)
    assert.equal(lines, [], 'no debug line by default')
    assert.is(await tampered(createApp({ session, logger: console })), 200)
    assert.is(lines.length, 1)
    assert.match(String(lines[0]?.[0]), /session cookie did not load/)
  })
})

logging.run()
