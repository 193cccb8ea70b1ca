// The HTTP client's core (#7): requests, bodies, middlewares and their rules, redirects, errors, the pool.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  ClientResponse, ConnectionError, createClient, HttpStatusError, RequestAbortedError, RequestTimeoutError,
  TooManyRedirectsError, type ClientMiddleware,
} from '../../src/client/index.js'
import { throwsConfig } from '../_helpers/assert.js'
import { echoApp, serveCounting, type Echo, type EchoServer } from './_server.js'

let server: EchoServer
let other: EchoServer

const requests = suite('client: requests and bodies')
requests.before(async () => { server = await serveCounting(echoApp()) })
requests.after(() => server.close())

requests('get with a baseUrl, query fields and headers over the client\'s', async () => {
  const client = createClient({ baseUrl: server.url, headers: { 'x-client': 'yes', 'x-over': 'client' } })
  const res = await client.get('/echo?a=1', { query: { b: 2, c: ['x', 'y'], d: undefined }, headers: { 'X-Over': 'request' } })
  assert.is(res.status, 200)
  assert.ok(res.ok)
  const echo = await res.json<Echo>()
  assert.equal(echo.query, { a: '1', b: '2', c: ['x', 'y'] })
  assert.is(echo.headers['x-client'], 'yes')
  assert.is(echo.headers['x-over'], 'request')
  assert.is(res.url.href, `${server.url}/echo?a=1&b=2&c=x&c=y`)
  await client.close()
})

requests('json, form and raw bodies, with their content types', async () => {
  const client = createClient({ baseUrl: server.url })
  const json = await (await client.post('/echo', { json: { title: 'x' } })).json<Echo>()
  assert.is(json.body, '{"title":"x"}')
  assert.is(json.headers['content-type'], 'application/json')
  const form = await (await client.put('/echo', { form: { a: 'b c', list: [1, 2] } })).json<Echo>()
  assert.is(form.body, 'a=b+c&list=1&list=2')
  assert.is(form.headers['content-type'], 'application/x-www-form-urlencoded')
  const raw = await (await client.patch('/echo', { body: 'plain', headers: { 'content-type': 'text/plain' } })).json<Echo>()
  assert.is(raw.body, 'plain')
  assert.is(raw.method, 'PATCH')
  const made = await (await client.post('/echo', { body: () => Buffer.from('made') })).json<Echo>()
  assert.is(made.body, 'made')
  await client.close()
})

requests('a non-2xx status is a response, not an error, unless throwOnError asks', async () => {
  const client = createClient({ baseUrl: server.url })
  const res = await client.get('/status/503')
  assert.is(res.status, 503)
  assert.is(await res.text(), 'status 503')
  const error = await client.get('/status/404', { throwOnError: true }).catch((e: unknown) => e)
  assert.instance(error, HttpStatusError)
  assert.is((error as HttpStatusError).code, 'ERR_ROUTECHAIN_CLIENT_HTTP_STATUS')
  assert.is(await (error as HttpStatusError).response.text(), 'status 404', 'the body is still there to read')
  const strict = createClient({ baseUrl: server.url, throwOnError: true })
  assert.instance(await strict.get('/status/500').catch((e: unknown) => e), HttpStatusError)
  assert.is((await strict.get('/status/500', { throwOnError: false })).status, 500)
  await client.close()
  await strict.close()
})

requests('one keep-alive pool per client: sequential requests reuse its connections', async () => {
  const client = createClient({ baseUrl: server.url })
  const before = server.connections()
  for (let i = 0; i < 10; i++) await (await client.get('/echo')).discard()
  // undici may open a second connection while the first finishes its response; never one per request
  assert.ok(server.connections() - before <= 2, `${server.connections() - before} connections for 10 requests`)
  await client.close()
})

requests('refuses what cannot be a request, before sending', async () => {
  const client = createClient()
  assert.match(throwsConfig(() => createClient({ baseUrl: 'not a url' })).message, /baseUrl must be an absolute http\(s\) URL/)
  assert.match((await client.get('/relative').catch((e: Error) => e) as Error).message, /give an absolute URL, or a baseUrl/)
  assert.match((await client.get('ftp://example.test/').catch((e: Error) => e) as Error).message, /http: and https:, not ftp:/)
  assert.match((await client.post(`${server.url}/echo`, { json: 1, body: 'x' }).catch((e: Error) => e) as Error).message, /one of json, form or body/)
  assert.match(throwsConfig(() => createClient({ timeout: 0 })).message, /timeout must be a whole number from 1 up/)
  assert.match(throwsConfig(() => createClient({ middlewares: [1 as never] })).message, /middlewares takes a list of functions/)
  await client.close()
})

requests.run()

const middlewares = suite('client: middlewares')
middlewares.before(async () => { server = await serveCounting(echoApp()) })
middlewares.after(() => server.close())

function tag(name: string, order: string[]): ClientMiddleware {
  return async (req, next) => {
    order.push(`${name} in`)
    const res = await next({ ...req, headers: { ...req.headers, [`x-${name}`]: '1' } })
    order.push(`${name} out`)
    return res
  }
}

middlewares('run outermost first, as an onion, and may change the request', async () => {
  const order: string[] = []
  const client = createClient({ baseUrl: server.url, middlewares: [tag('a', order), tag('b', order)] })
  const echo = await (await client.get('/echo')).json<Echo>()
  assert.equal(order, ['a in', 'b in', 'b out', 'a out'])
  assert.is(echo.headers['x-a'], '1')
  assert.is(echo.headers['x-b'], '1')
  await client.close()
})

middlewares('a request\'s own middlewares replace the client\'s; [] runs none; with() adds innermost', async () => {
  const order: string[] = []
  const client = createClient({ baseUrl: server.url, middlewares: [tag('a', order)] })
  await (await client.get('/echo', { middlewares: [tag('own', order)] })).discard()
  assert.equal(order, ['own in', 'own out'])
  order.length = 0
  await (await client.request({ method: 'GET', url: '/echo' }, { middlewares: [] })).discard()
  assert.equal(order, [])
  const more = client.with(tag('b', order))
  await (await more.get('/echo')).discard()
  assert.equal(order, ['a in', 'b in', 'b out', 'a out'])
  assert.is(client.middlewares.length, 1, 'with() leaves the original client alone')
  await client.close()
})

middlewares('may call next more than once, and answer without the network', async () => {
  let calls = 0
  const twice: ClientMiddleware = async (_req, next) => {
    calls++
    await (await next()).discard()
    return next()
  }
  const client = createClient({ baseUrl: server.url, middlewares: [twice] })
  const before = server.connections()
  assert.is((await client.get('/echo')).status, 200)
  assert.is(calls, 1)
  const cached = new ClientResponse({ status: 200, body: 'from cache', url: new URL(server.url) })
  const cache: ClientMiddleware = async () => cached
  assert.is(await (await client.get('/echo', { middlewares: [cache] })).text(), 'from cache')
  assert.ok(server.connections() - before <= 2)
  await client.close()
})

middlewares('next is bounded, and a middleware must resolve to a response', async () => {
  const forever: ClientMiddleware = async (_req, next) => {
    for (;;) await (await next()).discard()
  }
  const client = createClient({ baseUrl: server.url })
  const error = await client.get('/echo', { middlewares: [forever] }).catch((e: unknown) => e)
  assert.is((error as { code?: string }).code, 'ERR_ROUTECHAIN_NEXT')
  assert.match((error as Error).message, /more than 100 times/)
  const text = (async () => 'not a response') as unknown as ClientMiddleware
  assert.match((await client.get('/echo', { middlewares: [text] }).catch((e: Error) => e) as Error).message, /resolved to string, not a response/)
  // a middleware that returns undefined passes on, as a server step does
  const quiet = (async () => undefined) as unknown as ClientMiddleware
  assert.is((await client.get('/echo', { middlewares: [quiet] })).status, 200)
  await client.close()
})

middlewares.run()

const redirects = suite('client: redirects')
redirects.before(async () => {
  server = await serveCounting(echoApp())
  other = await serveCounting(echoApp())
})
redirects.after(async () => {
  await server.close()
  await other.close()
})

redirects('followed, with the final URL and the count on the response', async () => {
  const client = createClient({ baseUrl: server.url })
  const res = await client.get('/redirect/302?to=/redirect/301%3Fto%3D/echo/end')
  assert.is(res.status, 200)
  assert.is(res.url.pathname, '/echo/end')
  assert.is(res.redirects, 2)
  await client.close()
})

redirects('303 and a POST\'s 302 become GET without a body; 307 and 308 keep the method and body', async () => {
  const client = createClient({ baseUrl: server.url })
  for (const code of [303, 302]) {
    const echo = await (await client.post(`/redirect/${code}`, { json: { a: 1 } })).json<Echo>()
    assert.is(echo.method, 'GET', String(code))
    assert.is(echo.body, '')
    assert.is(echo.headers['content-type'], undefined)
  }
  for (const code of [307, 308]) {
    const echo = await (await client.put(`/redirect/${code}`, { json: { a: 1 } })).json<Echo>()
    assert.is(echo.method, 'PUT', String(code))
    assert.is(echo.body, '{"a":1}')
  }
  await client.close()
})

redirects('bounded: past maxRedirects a TooManyRedirectsError; 0 returns the redirect itself', async () => {
  const client = createClient({ baseUrl: server.url, maxRedirects: 2 })
  const loop = `/redirect/302?to=${encodeURIComponent('/redirect/302?to=/redirect/302')}`
  const error = await client.get(loop).catch((e: unknown) => e)
  assert.instance(error, TooManyRedirectsError)
  assert.is((error as TooManyRedirectsError).code, 'ERR_ROUTECHAIN_CLIENT_TOO_MANY_REDIRECTS')
  const res = await client.get('/redirect/302', { maxRedirects: 0 })
  assert.is(res.status, 302)
  assert.is(res.header('location'), '/echo')
  await client.close()
})

redirects('a redirect to another origin drops Authorization and Cookie', async () => {
  const client = createClient({ baseUrl: server.url, headers: { authorization: 'Bearer secret', cookie: 'a=b', 'x-keep': 'yes' } })
  const echo = await (await client.get(`/redirect/302?to=${encodeURIComponent(`${other.url}/echo`)}`)).json<Echo>()
  assert.is(echo.headers.authorization, undefined)
  assert.is(echo.headers.cookie, undefined)
  assert.is(echo.headers['x-keep'], 'yes')
  const same = await (await client.get('/redirect/302')).json<Echo>()
  assert.is(same.headers.authorization, 'Bearer secret', 'the same origin keeps them')
  await client.close()
})

redirects('a 307 with a one-shot stream body is returned, not re-sent', async () => {
  const client = createClient({ baseUrl: server.url })
  const { Readable } = await import('node:stream')
  const res = await client.post('/redirect/307', { body: Readable.from([Buffer.from('once')]) })
  assert.is(res.status, 307)
  await client.close()
})

redirects.run()

const failures = suite('client: failures')
failures.before(async () => { server = await serveCounting(echoApp()) })
failures.after(() => server.close())

failures('a timeout is a RequestTimeoutError with a stable code', async () => {
  const client = createClient({ baseUrl: server.url, timeout: 100 })
  const started = Date.now()
  const error = await client.get('/slow').catch((e: unknown) => e)
  assert.instance(error, RequestTimeoutError)
  assert.is((error as RequestTimeoutError).code, 'ERR_ROUTECHAIN_CLIENT_TIMEOUT')
  assert.ok(Date.now() - started < 900)
  assert.is(await (await client.get('/echo', { timeout: 5000 })).json<Echo>().then((e) => e.path), '/echo')
  await client.close()
})

failures('a refused connection is a ConnectionError naming the reason', async () => {
  const closed = await serveCounting(echoApp())
  const url = closed.url
  await closed.close()
  const client = createClient()
  const error = await client.get(`${url}/echo`).catch((e: unknown) => e)
  assert.instance(error, ConnectionError)
  assert.is((error as ConnectionError).code, 'ERR_ROUTECHAIN_CLIENT_CONNECTION')
  assert.is((error as ConnectionError).reason, 'ECONNREFUSED')
  await client.close()
})

failures('the request\'s signal aborts it: RequestAbortedError', async () => {
  const client = createClient({ baseUrl: server.url })
  const controller = new AbortController()
  setTimeout(() => controller.abort(), 50)
  const error = await client.get('/slow', { signal: controller.signal }).catch((e: unknown) => e)
  assert.instance(error, RequestAbortedError)
  assert.is((error as RequestAbortedError).code, 'ERR_ROUTECHAIN_CLIENT_ABORTED')
  await client.close()
})

failures('error messages never show the URL\'s password', async () => {
  const client = createClient({ timeout: 100 })
  const target = new URL(`${server.url}/slow`)
  target.username = 'user'
  target.password = 'hunter2'
  const error = await client.get(target).catch((e: Error) => e) as Error
  assert.not.match(error.message, /hunter2/)
  assert.match(error.message, /GET http:\/\/127\.0\.0\.1:\d+\/slow/)
  await client.close()
})

failures.run()
