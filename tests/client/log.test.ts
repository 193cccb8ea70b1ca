// The client's logRequests() middleware: one line per request, and never a credential in it.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ConnectionError, createClient, logRequests, retry, type RequestLogEntry } from '../../src/client/index.js'
import { reply, type App } from '../../src/index.js'
import { throwsConfig } from '../_helpers/assert.js'
import { sleep } from '../_helpers/async.js'
import { recordingLogger } from '../_helpers/http.js'
import { echoApp, serveCounting, type EchoServer } from './_server.js'

let server: EchoServer

function routes(app: App): void {
  app.get('/login', () => reply('in', { headers: { 'set-cookie': ['session=setc00kie; HttpOnly', 'other=2nd-c00kie'], 'x-visible': 'shown' } }))
  app.get('/links', () => reply('here', {
    headers: {
      location: 'https://user:pa55@other.example/next?page=3&token=T0K#fr4g',
      'content-location': '/copy?api_key=K3Y&lang=en',
      link: '<https://api.example/items?page=2&access_token=L1NK>; rel="next", </items?page=9>; rel="last"',
    },
  }))
  app.get('/pause', async () => {
    await sleep(60)
    return 'done'
  })
}

/** A sink that records lines and entries. */
function recorder(): { lines: string[]; entries: RequestLogEntry[]; sink: (line: string, entry: RequestLogEntry) => void } {
  const lines: string[] = []
  const entries: RequestLogEntry[] = []
  return { lines, entries, sink: (line, entry) => { lines.push(line); entries.push(entry) } }
}

const log = suite('logRequests')
log.before(async () => { server = await serveCounting(echoApp(routes)) })
log.after(() => server.close())

log('one line per request: method, URL, status and duration', async () => {
  const { lines, entries, sink } = recorder()
  const client = createClient({ baseUrl: server.url, middlewares: [logRequests(sink)] })
  await (await client.get('/echo?page=2')).discard()
  await (await client.post('/echo', { json: { a: 1 } })).discard()
  await (await client.get('/status/404')).discard()
  assert.is(lines.length, 3)
  assert.match(lines[0] ?? '', /^GET http:\/\/127\.0\.0\.1:\d+\/echo\?page=2 200 \d+ms$/)
  assert.match(lines[1] ?? '', /^POST http:\/\/127\.0\.0\.1:\d+\/echo 200 \d+ms$/)
  assert.match(lines[2] ?? '', /^GET http:\/\/127\.0\.0\.1:\d+\/status\/404 404 \d+ms$/)
  const entry = entries[0] as RequestLogEntry
  assert.is(entry.method, 'GET')
  assert.is(entry.url, `${server.url}/echo?page=2`)
  assert.is(entry.status, 200)
  assert.is(entry.error, undefined)
  assert.type(entry.durationMs, 'number')
  await client.close()
})

log('the duration runs to the response\'s headers', async () => {
  const { entries, sink } = recorder()
  const client = createClient({ baseUrl: server.url, middlewares: [logRequests(sink)] })
  assert.is(await (await client.get('/pause')).text(), 'done')
  const ms = entries[0]?.durationMs ?? -1
  assert.ok(ms >= 40 && ms < 5000, `${ms} ms for a 60 ms route`)
  await client.close()
})

log('never the Authorization, Proxy-Authorization, Cookie or Set-Cookie values, nor the URL\'s password', async () => {
  const { lines, entries, sink } = recorder()
  const client = createClient({
    baseUrl: server.url,
    headers: { authorization: 'Bearer s3cr3t-auth', 'proxy-authorization': 'Basic pr0xy-s3cr3t', cookie: 'sid=c00kie-value', 'x-api-key': 'k3y-value', 'x-keep': 'kept' },
    middlewares: [logRequests(sink)],
  })
  const target = new URL(`${server.url}/login`)
  target.username = 'user'
  target.password = 'hunter2'
  const res = await client.get(target)
  assert.is(res.status, 200)
  await res.discard()
  const everything = JSON.stringify({ lines, entries })
  for (const secret of ['s3cr3t-auth', 'pr0xy-s3cr3t', 'c00kie', 'k3y-value', 'hunter2', 'user@']) {
    assert.not.ok(everything.includes(secret), `the log shows ${secret}`)
  }
  const entry = entries[0] as RequestLogEntry
  assert.is(entry.url, `${server.url}/login`)
  assert.is(entry.requestHeaders.authorization, '[redacted]')
  assert.is(entry.requestHeaders['proxy-authorization'], '[redacted]')
  assert.is(entry.requestHeaders.cookie, '[redacted]')
  assert.is(entry.requestHeaders['x-api-key'], '[redacted]')
  assert.is(entry.requestHeaders['x-keep'], 'kept')
  assert.is(entry.responseHeaders['set-cookie'], '[redacted]')
  assert.is(entry.responseHeaders['x-visible'], 'shown')
  await client.close()
})

log('query values of sensitive names are redacted; the others stay as written', async () => {
  const { lines, entries, sink } = recorder()
  const client = createClient({ baseUrl: server.url, middlewares: [logRequests(sink)] })
  const query = 'page=2&access_token=tok-1&api_key=key-2&client_secret=sec-3&X-Amz-Signature=sig-4&code=c0de-5&password=pw-6&q=a%20b&flag'
  await (await client.get(`/echo?${query}`)).discard()
  assert.is(
    entries[0]?.url,
    `${server.url}/echo?page=2&access_token=[redacted]&api_key=[redacted]&client_secret=[redacted]&X-Amz-Signature=[redacted]&code=[redacted]&password=[redacted]&q=a%20b&flag`,
  )
  for (const secret of ['tok-1', 'key-2', 'sec-3', 'sig-4', 'c0de-5', 'pw-6']) assert.not.ok(lines.join('\n').includes(secret), secret)
  await client.close()
})

log('#5 URLs in location, content-location and link headers, and the request\'s fragment, are redacted as the URL is', async () => {
  const { lines, entries, sink } = recorder()
  const client = createClient({ baseUrl: server.url, middlewares: [logRequests(sink)] })
  await (await client.get('/links?sig=S1G#s3ction', { headers: { referer: 'https://app.example/page?session=SE55' } })).discard()
  const entry = entries[0] as RequestLogEntry
  assert.is(entry.url, `${server.url}/links?sig=[redacted]`)
  assert.is(entry.requestHeaders.referer, 'https://app.example/page?session=[redacted]')
  assert.is(entry.responseHeaders.location, 'https://other.example/next?page=3&token=[redacted]')
  assert.is(entry.responseHeaders['content-location'], '/copy?api_key=[redacted]&lang=en')
  assert.is(entry.responseHeaders.link, '<https://api.example/items?page=2&access_token=[redacted]>; rel="next", </items?page=9>; rel="last"')
  const everything = JSON.stringify({ lines, entries })
  for (const secret of ['S1G', 's3ction', 'SE55', 'pa55', 'T0K', 'fr4g', 'K3Y', 'L1NK']) assert.not.ok(everything.includes(secret), secret)
  await client.close()
})

log('a failure is logged with its code, then thrown', async () => {
  const closed = await serveCounting(echoApp())
  const url = closed.url
  await closed.close()
  const { lines, entries, sink } = recorder()
  const client = createClient({ middlewares: [logRequests(sink)] })
  const error = await client.get(`${url}/echo?token=t0k`).catch((e: unknown) => e)
  assert.instance(error, ConnectionError)
  assert.match(lines[0] ?? '', /^GET http:\/\/127\.0\.0\.1:\d+\/echo\?token=\[redacted\] ERR_ROUTECHAIN_CLIENT_CONNECTION \d+ms$/)
  assert.is(entries[0]?.status, undefined)
  assert.is(entries[0]?.error, 'ERR_ROUTECHAIN_CLIENT_CONNECTION')
  assert.equal(entries[0]?.responseHeaders, {})
  await client.close()
})

log('a logger: its info() gets the line', async () => {
  const { lines, logger } = recordingLogger()
  const client = createClient({ baseUrl: server.url, middlewares: [logRequests(logger)] })
  await (await client.get('/echo')).discard()
  assert.is(lines.length, 1)
  assert.match(lines[0] ?? '', /^info GET http:\/\/127\.0\.0\.1:\d+\/echo 200 \d+ms$/)
  await client.close()
})

log('a sink that throws, or rejects, does not fail the request', async () => {
  const throwing = logRequests(() => { throw new Error('sink broke') })
  const rejecting = logRequests(async () => { throw new Error('async sink broke') })
  const badLogger = logRequests({ info() { throw new Error('logger broke') } })
  const client = createClient({ baseUrl: server.url, middlewares: [throwing, rejecting, badLogger] })
  const res = await client.get('/echo')
  assert.is(res.status, 200)
  await res.discard()
  await sleep(10) // a rejection left unhandled would surface by now
  await client.close()
})

log('outside retry(), one line per call; inside, one per attempt', async () => {
  const outer = recorder()
  const inner = recorder()
  const client = createClient({
    baseUrl: server.url,
    middlewares: [logRequests(outer.sink), retry({ attempts: 3, backoff: { base: 1, max: 2 } }), logRequests(inner.sink)],
  })
  await (await client.get('/status/503')).discard()
  assert.is(outer.lines.length, 1)
  assert.is(inner.lines.length, 3)
  assert.ok(inner.lines.every((line) => / 503 \d+ms$/.test(line)))
  await client.close()
})

log('refuses a sink that is neither a function nor a logger', () => {
  throwsConfig(() => logRequests(42 as never), /takes a function \(line, entry\) => void, or a logger with an info\(line\) method/)
  throwsConfig(() => logRequests({} as never))
  throwsConfig(() => logRequests(null as never))
})

log.run()
