// WebSocket routes (#15) over real sockets on loopback: the route's whole chain runs on the upgrade request
// (app and router use steps, params, session), a step that answers refuses with that HTTP response, the session
// is saved in the 101; 426/404/405 for the wrong kind of request; the origin check, maxConnections, a bad key;
// 1009 and 1007 from ws; messages sent while an async handler starts are kept; the heartbeat; app.close() 1001.
// Clients: undici's WebSocket and ws's, and raw HTTP upgrade requests where the refusal itself is under test.
import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { WebSocket as UndiciWebSocket } from 'undici'
import { WebSocket } from 'ws'
import { createApp, defineStep, EncryptedCookieStorage, generateKey, HttpError, Router, type App } from '../../src/index.js'
import { within } from '../_helpers/async.js'
import { recordingLogger } from '../_helpers/http.js'

interface Handshake {
  readonly status: number
  readonly headers: Record<string, string | string[] | undefined>
  readonly body: string
}

const KEY = 'dGhlIHNhbXBsZSBub25jZQ=='

/** Sends an upgrade request and reads what comes back: the 101's headers, or a refusal with its body. */
function handshake(port: number, path: string, headers: Record<string, string> = {}): Promise<Handshake> {
  return within(new Promise((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1', port, path,
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': KEY, ...headers },
    })
    req.on('upgrade', (res, socket) => { socket.destroy(); resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' }) })
    req.on('response', (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => { body += chunk.toString() })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  }), 5000, `upgrade ${path}`)
}

/** Opens a ws client and resolves once it is open, with the messages it gets. */
async function open(url: string, headers: Record<string, string> = {}): Promise<{ socket: WebSocket; messages: string[]; closed: Promise<{ code: number }> }> {
  const socket = new WebSocket(url, { headers })
  const messages: string[] = []
  socket.on('message', (data) => messages.push(data.toString()))
  const closed = new Promise<{ code: number }>((resolve) => socket.on('close', (code) => resolve({ code })))
  await within(new Promise<void>((resolve, reject) => { socket.once('open', () => resolve()); socket.once('error', reject) }), 5000, `opening ${url}`)
  return { socket, messages, closed }
}

const waitFor = async (what: string, test: () => boolean): Promise<void> => {
  const until = Date.now() + 5000
  while (!test()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

interface User { name: string }
const authenticate = defineStep<{ user: User }>('authenticate', (req) => {
  const token = req.query.token
  if (token === 'bad') throw new HttpError(401, 'unauthenticated', { headers: { 'www-authenticate': 'Bearer' } })
  req.user = { name: typeof token === 'string' ? token : 'anonymous' }
})

function liveApp(options: Parameters<typeof createApp>[0] = {}): { app: App; seen: string[] } {
  const seen: string[] = []
  const app = createApp({ logger: recordingLogger().logger, session: { storage: new EncryptedCookieStorage(generateKey()) }, ...options })
  app.use(function appStep(req) { seen.push(`app ${req.route}`) })
  const posts = new Router()
  posts.use(function routerStep(req) { seen.push(`router ${req.route}`) })
  posts.ws('/:id/live', authenticate, async function stamp(req) {
    const session = await req.session()
    session.set('visits', Number(session.get('visits') ?? 0) + 1)
  }, (socket, req) => {
    socket.send(JSON.stringify({ hello: req.user.name, post: req.params.id, route: req.route }))
    socket.on('message', (data) => socket.send(`echo ${data.toString()}`))
  })
  posts.get('/:id', (req) => `post ${req.params.id}`)
  app.mount('/posts', posts)
  app.get('/plain', () => 'plain')
  return { app, seen }
}

const test = suite('WebSocket routes')

test('the whole chain runs on the upgrade; the handler gets the typed request; messages echo', async () => {
  const { app, seen } = liveApp()
  const server = await app.listen({ port: 0 })
  try {
    const client = new UndiciWebSocket(`ws://127.0.0.1:${server.port}/posts/7/live?token=alice`)
    const messages: string[] = []
    client.addEventListener('message', (event) => messages.push(String(event.data)))
    await within(new Promise((resolve) => client.addEventListener('open', resolve)), 5000, 'open')
    client.send('hi')
    await waitFor('two messages', () => messages.length === 2)
    assert.equal(JSON.parse(messages[0] as string), { hello: 'alice', post: '7', route: '/posts/:id/live' })
    assert.is(messages[1], 'echo hi')
    assert.equal(seen, ['app /posts/:id/live', 'router /posts/:id/live'])
    client.close()
    assert.equal(app.routes().find((r) => r.method === 'WS'), { method: 'WS', path: '/posts/:id/live', steps: ['appStep', 'routerStep', 'authenticate', 'stamp', 'websocket'] })
  } finally {
    await app.close({ timeout: 1000 })
  }
})

test('a step that answers refuses the upgrade with that response; a changed session is saved in the 101', async () => {
  const { app } = liveApp()
  const server = await app.listen({ port: 0 })
  try {
    const refused = await handshake(server.port, '/posts/7/live?token=bad')
    assert.is(refused.status, 401)
    assert.is(refused.body, 'unauthenticated')
    assert.is(refused.headers['www-authenticate'], 'Bearer')
    const accepted = await handshake(server.port, '/posts/7/live?token=bob')
    assert.is(accepted.status, 101)
    const cookie = accepted.headers['set-cookie']
    assert.ok(Array.isArray(cookie) && /^session=.+; Path=\/;.*HttpOnly; SameSite=Lax$/.test(cookie[0] as string), String(cookie))
  } finally {
    await app.close({ timeout: 1000 })
  }
})

test('426 for a plain GET of a WebSocket path; 404 for an upgrade to no route; 405 to an HTTP-only path', async () => {
  const { app } = liveApp()
  const server = await app.listen({ port: 0 })
  try {
    const plain = await fetch(`${server.url}/posts/7/live`)
    assert.is(plain.status, 426)
    assert.is(plain.headers.get('upgrade'), 'websocket')
    assert.is((await handshake(server.port, '/nowhere')).status, 404)
    const httpOnly = await handshake(server.port, '/plain')
    assert.is(httpOnly.status, 405)
    assert.is(httpOnly.headers.allow, 'GET, HEAD, OPTIONS')
    assert.is((await fetch(`${server.url}/posts/7`)).status, 200, 'the GET route beside it still answers')
  } finally {
    await app.close({ timeout: 1000 })
  }
})

test('another origin gets 403 unless allowed; an upgrade that is not WebSocket or has a bad key gets 400', async () => {
  const { app } = liveApp({ websocket: { allowedOrigins: ['https://blog.example'] } })
  const server = await app.listen({ port: 0 })
  try {
    const path = '/posts/1/live?token=a'
    assert.is((await handshake(server.port, path, { origin: 'https://evil.example' })).status, 403)
    assert.is((await handshake(server.port, path, { origin: 'https://blog.example' })).status, 101)
    assert.is((await handshake(server.port, path, { origin: `http://127.0.0.1:${server.port}` })).status, 101)
    assert.is((await handshake(server.port, path, { upgrade: 'h2c' })).status, 400)
    assert.is((await handshake(server.port, path, { 'sec-websocket-key': 'short' })).status, 400)
  } finally {
    await app.close({ timeout: 1000 })
  }
})

test('maxConnections bounds open sockets: past it, 503; room comes back when one closes', async () => {
  const { app } = liveApp({ websocket: { maxConnections: 2 } })
  const server = await app.listen({ port: 0 })
  try {
    const url = `ws://127.0.0.1:${server.port}/posts/1/live`
    const first = await open(url)
    const second = await open(url)
    assert.is((await handshake(server.port, '/posts/1/live')).status, 503)
    first.socket.close()
    await first.closed
    await waitFor('room', () => true)
    const third = await open(url)
    second.socket.close()
    third.socket.close()
  } finally {
    await app.close({ timeout: 1000 })
  }
})

test('an oversized message closes with 1009; invalid UTF-8 in a text frame with 1007', async () => {
  const { app } = liveApp({ websocket: { maxPayload: 1024 } })
  const server = await app.listen({ port: 0 })
  try {
    const url = `ws://127.0.0.1:${server.port}/posts/1/live`
    const big = await open(url)
    big.socket.send('x'.repeat(2048))
    assert.is((await within(big.closed, 5000, 'close after a big message')).code, 1009)
    const bad = await open(url)
    bad.socket.send(Buffer.from([0xc3, 0x28]), { binary: false })
    assert.is((await within(bad.closed, 5000, 'close after invalid UTF-8')).code, 1007)
  } finally {
    await app.close({ timeout: 1000 })
  }
})

test('messages that arrive while an async handler starts are not lost', async () => {
  const app = createApp({ logger: recordingLogger().logger })
  app.ws('/slow', async (socket) => {
    await new Promise((resolve) => setTimeout(resolve, 100))
    socket.on('message', (data) => socket.send(`got ${data.toString()}`))
  })
  const server = await app.listen({ port: 0 })
  try {
    const client = await open(`ws://127.0.0.1:${server.port}/slow`)
    client.socket.send('early')
    await waitFor('the answer', () => client.messages.length === 1)
    assert.equal(client.messages, ['got early'])
    client.socket.close()
  } finally {
    await app.close({ timeout: 1000 })
  }
})

test('the heartbeat closes a peer that stops answering pings', async () => {
  const app = createApp({ logger: recordingLogger().logger, websocket: { heartbeat: 50 } })
  app.ws('/quiet', () => {})
  const server = await app.listen({ port: 0 })
  try {
    // a raw socket that completes the handshake and then never answers a ping
    const socket = connect(server.port, '127.0.0.1')
    let data = ''
    socket.on('data', (chunk: Buffer) => { data += chunk.toString('latin1') })
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()))
    socket.write(`GET /quiet HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${KEY}\r\n\r\n`)
    await within(closed, 5000, 'the server closing a silent peer')
    assert.match(data, /^HTTP\/1\.1 101 /)
  } finally {
    await app.close({ timeout: 1000 })
  }
})

test('app.close() closes open sockets with 1001', async () => {
  const { app } = liveApp()
  const server = await app.listen({ port: 0 })
  const client = await open(`ws://127.0.0.1:${server.port}/posts/1/live`)
  await app.close({ timeout: 2000 })
  assert.is((await within(client.closed, 5000, 'close on shutdown')).code, 1001)
})

test('on your own server: server.on("upgrade", app.upgrade) beside app.handler', async () => {
  const { createServer } = await import('node:http')
  const { app } = liveApp()
  const server = createServer(app.handler)
  server.on('upgrade', app.upgrade)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const port = (server.address() as { port: number }).port
  try {
    const client = await open(`ws://127.0.0.1:${port}/posts/3/live?token=carol`)
    await waitFor('hello', () => client.messages.length === 1)
    assert.is(JSON.parse(client.messages[0] as string).hello, 'carol')
    client.socket.close()
    await client.closed
  } finally {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
})

test('the text trace and the tracing channel see an upgrade like any request, with its 101', async () => {
  const { subscribe, unsubscribe } = await import('node:diagnostics_channel')
  const lines: string[] = []
  const app = createApp({ logger: recordingLogger().logger, trace: (line) => lines.push(line) })
  app.ws('/traced/:id', function check() {}, (socket) => socket.close())
  const statuses: number[] = []
  const onEnd = (message: unknown): void => { statuses.push((message as { status?: number }).status ?? -1) }
  subscribe('tracing:routechain.request:asyncEnd', onEnd)
  const server = await app.listen({ port: 0 })
  try {
    assert.is((await handshake(server.port, '/traced/5')).status, 101)
    await waitFor('the trace to end', () => lines.some((line) => / 101 in /.test(line)))
    assert.match(lines[0] as string, /^\[trace #1\] GET \/traced\/5 → \/traced\/:id$/)
    assert.ok(lines.some((line) => line.includes('→ check')), lines.join('\n'))
    await waitFor('the channel to hear of the answer', () => statuses.length === 1)
    assert.equal(statuses, [101])
  } finally {
    unsubscribe('tracing:routechain.request:asyncEnd', onEnd)
    await app.close({ timeout: 1000 })
  }
})

test('misconfiguration throws at start-up', () => {
  assert.throws(() => createApp({ websocket: { maxPayload: 0 } }), /websocket.maxPayload/)
  assert.throws(() => createApp({ websocket: { allowedOrigins: ['https://a.example/path'] } }), /is not an origin/)
  assert.throws(() => createApp({ websocket: { nope: 1 } as never }), /has no "nope"/)
  assert.throws(() => (createApp().ws as unknown as (p: string) => void)('/x'), /the last argument must be the handler/)
})

test.run()
