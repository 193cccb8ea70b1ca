// The client's errors: what undici throws becomes one client error per kind of failure, while sending and while
// reading the body (#3), and every error names its URL redacted as log lines do (#5).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { Agent, type Dispatcher } from 'undici'
import {
  ClientClosedError, ConnectionError, createClient, HttpStatusError, RequestTimeoutError, type ClientError,
} from '../../src/client/index.js'
import { serveRaw } from './_raw-server.js'
import { echoApp, serveCounting, type EchoServer } from './_server.js'

let server: EchoServer

/** What a promise rejects with; fails the test when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

/** Asserts a ConnectionError whose reason matches, and returns it. */
function connectionError(error: unknown, reason: RegExp): ConnectionError {
  assert.instance(error, ConnectionError, String(error))
  const failure = error as ConnectionError
  assert.is(failure.code, 'ERR_ROUTECHAIN_CLIENT_CONNECTION')
  assert.match(failure.reason, reason)
  return failure
}

const translated = suite('ClientError: what undici throws')
translated.before(async () => { server = await serveCounting(echoApp()) })
translated.after(() => server.close())

translated('#3 a request after close(), or through a destroyed dispatcher: ClientClosedError', async () => {
  const client = createClient({ baseUrl: server.url })
  await (await client.get('/echo')).discard()
  await client.close()
  const closed = await rejection(client.get('/echo'))
  assert.instance(closed, ClientClosedError)
  assert.not.instance(closed, ConnectionError)
  assert.is((closed as ClientClosedError).code, 'ERR_ROUTECHAIN_CLIENT_CLOSED')
  assert.match((closed as Error).message, /the client is closed/)
  const agent = new Agent()
  await agent.destroy()
  const given = createClient({ baseUrl: server.url, dispatcher: agent })
  assert.instance(await rejection(given.get('/echo')), ClientClosedError)
})

translated('#3 a TLS failure is a ConnectionError with the TLS code as reason', async () => {
  const client = createClient()
  // https:// to a plain HTTP server: the handshake reads an HTTP answer
  const error = await rejection(client.get(server.url.replace('http:', 'https:') + '/echo'))
  connectionError(error, /^ERR_SSL_/)
  await client.close()
})

translated('#3 a malformed response or oversized headers are ConnectionErrors', async () => {
  const client = createClient()
  const garbage = await serveRaw('garbage\r\n\r\n')
  // undici 7 gives its parser errors no code: the reason is their name
  connectionError(await rejection(client.get(garbage.url)), /^(?:HPE_\w+|HTTPParserError)$/)
  const big = await serveRaw(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(20_000)}\r\nContent-Length: 0\r\n\r\n`)
  connectionError(await rejection(client.get(big.url)), /^UND_ERR_HEADERS_OVERFLOW$/)
  await client.close()
  await garbage.close()
  await big.close()
})

translated('#3 failures while reading the body are translated the same way', async () => {
  const client = createClient()
  const chunk = await serveRaw('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')
  const badChunk = await client.get(chunk.url)
  assert.is(badChunk.status, 200)
  connectionError(await rejection(badChunk.text()), /^(?:HPE_\w+|HTTPParserError)$/)
  const short = await serveRaw('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc')
  connectionError(await rejection((await client.get(short.url)).text()), /^UND_ERR_SOCKET$/)
  const limited = new Agent({ maxResponseSize: 4 })
  const tooLarge = await createClient({ dispatcher: limited }).get(`${server.url}/echo`)
  connectionError(await rejection(tooLarge.json()), /^UND_ERR_RES_EXCEEDED_MAX_SIZE$/)
  await limited.close()
  await client.close()
  await chunk.close()
  await short.close()
})

translated('#3 undici\'s own headersTimeout and bodyTimeout: a RequestTimeoutError that names them, not "0 ms"', async () => {
  const slowHeaders = new Agent({ headersTimeout: 50 })
  const headers = await rejection(createClient({ dispatcher: slowHeaders }).get(`${server.url}/slow`))
  assert.instance(headers, RequestTimeoutError)
  assert.match((headers as Error).message, /undici's own headersTimeout/)
  assert.not.match((headers as Error).message, /\b0 ms/)
  const held = await serveRaw('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc', { hold: true })
  const slowBody = new Agent({ bodyTimeout: 50 })
  const res = await createClient({ dispatcher: slowBody }).get(held.url)
  const body = await rejection(res.text())
  assert.instance(body, RequestTimeoutError)
  assert.match((body as Error).message, /undici's own bodyTimeout/)
  await slowHeaders.close()
  await slowBody.destroy()
  await held.close()
})

translated('#3 a dispatcher that throws null or a string: passed on as it is, not a TypeError from reading it', async () => {
  for (const thrown of [null, undefined, 'broken', 42]) {
    const throwing = { request: () => Promise.reject(thrown) } as unknown as Dispatcher
    const client = createClient({ dispatcher: throwing })
    assert.is(await rejection(client.get(`${server.url}/echo`)), thrown)
    const timed = await rejection(client.get(`${server.url}/echo`, { timeout: 1000 }))
    assert.is(timed, thrown, 'with a timeout too')
  }
})

translated.run()

const redacted = suite('ClientError#url')
redacted.before(async () => { server = await serveCounting(echoApp()) })
redacted.after(() => server.close())

redacted('#5 names the URL without user info, fragment or secret query values, in `url` and the message', async () => {
  const client = createClient({ timeout: 50 })
  const target = new URL(`${server.url}/slow?page=2&access_token=T0KEN&sig=S1G&code=C0DE#fr4gment`)
  target.username = 'user'
  target.password = 'hunter2'
  const error = await rejection(client.get(target)) as ClientError
  assert.instance(error, RequestTimeoutError)
  assert.is(error.url, `${server.url}/slow?page=2&access_token=[redacted]&sig=[redacted]&code=[redacted]`)
  assert.ok(error.message.includes(error.url))
  for (const secret of ['T0KEN', 'S1G', 'C0DE', 'fr4gment', 'hunter2', 'user@']) {
    assert.not.ok(`${error.message} ${error.url}`.includes(secret), secret)
  }
  const status = await rejection(client.get(`${server.url}/status/404?api_key=K3Y`, { throwOnError: true })) as HttpStatusError
  assert.instance(status, HttpStatusError)
  assert.is(status.url, `${server.url}/status/404?api_key=[redacted]`)
  await status.response.discard()
  await client.close()
})

redacted.run()
