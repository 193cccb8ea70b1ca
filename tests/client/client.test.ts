// The HTTP client's core (#7): requests, bodies, middlewares and their rules, redirects, errors, the pool.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { Agent, type Dispatcher } from 'undici'
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

requests('params fill a route pattern: each :name encoded, * with its slashes, :: a colon, :name? optional, the query kept', async () => {
  const client = createClient({ baseUrl: server.url })
  const one = await (await client.get('/echo/:id', { params: { id: 'a b/c' } })).json<Echo>()
  assert.is(one.path, '/echo/a%20b%2Fc')
  const wild = await (await client.get('/echo/*', { params: { '*': 'x/y z' }, query: { q: 1 } })).json<Echo>()
  assert.is(wild.path, '/echo/x/y%20z')
  assert.equal(wild.query, { q: '1' })
  const many = await (await client.request({ method: 'PUT', url: '/echo/:a(^\\d+$)-:b/t::x?k=v', params: { a: 7, b: 'two' } })).json<Echo>()
  assert.is(many.method, 'PUT')
  assert.is(many.path, '/echo/7-two/t:x')
  assert.equal(many.query, { k: 'v' })
  // an optional :name? may be given, or left out with its segment; a ? anywhere else starts the query
  assert.is((await (await client.get('/echo/:id?/x', { params: { id: 5 } })).json<Echo>()).path, '/echo/5/x')
  assert.is((await (await client.get('/echo/:id?', { params: {} })).json<Echo>()).path, '/echo')
  const optionalThenQuery = await (await client.get('/echo/:id??k=v', { params: { id: 'a' } })).json<Echo>()
  assert.is(optionalThenQuery.path, '/echo/a')
  assert.equal(optionalThenQuery.query, { k: 'v' })
  await client.close()
})

requests('params refuse a missing, empty, extra or non-text value, before anything is sent', async () => {
  const client = createClient({ baseUrl: server.url })
  const before = server.connections()
  for (const [params, says] of [
    [{}, 'params has no "id"'],
    [{ id: '' }, 'params.id is empty'],
    [{ id: 1, other: 2 }, 'params.other is not a parameter of "/echo/:id"'],
    [{ id: null }, 'params.id must be a string or a number, got null'],
  ] as const) {
    const error = await client.get('/echo/:id', { params: params as never }).then(() => undefined, (e: unknown) => e)
    assert.instance(error, Error)
    assert.match((error as Error).message, says)
  }
  const url = await client.get(new URL(`${server.url}/echo/:id`), { params: { id: 1 } }).then(() => undefined, (e: unknown) => e)
  assert.match((url as Error).message, 'not a URL object')
  assert.is(server.connections(), before, 'nothing was sent')
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
  assert.match(throwsConfig(() => createClient({ timeout: 0 })).message, /timeout must be a whole number from 1 to 2147483647/)
  assert.match(throwsConfig(() => createClient({ middlewares: [1 as never] })).message, /middlewares takes a list of functions/)
  await client.close()
})

requests('refuses a method, header name or header value that cannot be sent, naming it rather than undici', async () => {
  const client = createClient({ baseUrl: server.url })
  const before = server.connections()
  const cases: [Record<string, string>, RegExp][] = [
    [{ 'x-a': 'one\r\nx-injected: 1' }, /the value of header "x-a" holds CR, LF, NUL/],
    [{ 'x-a': 'nul\0' }, /the value of header "x-a"/],
    [{ 'x-a': 'euro \u20ac' }, /beyond U\+00FF/],
    [{ 'x a': 'v' }, /the header name "x a" is not an HTTP token/],
    [{ 'x-a:': 'v' }, /"x-a:" is not an HTTP token/],
    [{ '': 'v' }, /the header name "" is not an HTTP token/],
  ]
  for (const [headers, message] of cases) {
    const error = await client.get('/echo', { headers }).catch((e: unknown) => e) as Error & { code?: string }
    assert.is(error.code, 'ERR_ROUTECHAIN_CONFIG', JSON.stringify(headers))
    assert.match(error.message, message)
    assert.not.match(error.message, /injected/, 'the value, perhaps a credential, is not repeated')
  }
  for (const method of ['GE T', 'GET\r\nX: 1', '', 'GET/1']) {
    const error = await client.request({ method, url: '/echo' }).catch((e: unknown) => e) as Error & { code?: string }
    assert.is(error.code, 'ERR_ROUTECHAIN_CONFIG', JSON.stringify(method))
    assert.match(error.message, /the method must be an HTTP token/)
  }
  throwsConfig(() => createClient({ headers: { authorization: 'Bearer a\nb' } }), /the value of header "authorization"/)
  assert.is(server.connections(), before, 'nothing was sent')
  const echo = await (await client.request({ method: 'get', url: '/echo', headers: { 'X-Tab': 'a\tb', 'x-latin': 'caf\u00e9' } })).json<Echo>()
  assert.is(echo.method, 'GET')
  assert.is(echo.headers['x-tab'], 'a\tb')
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

/** An Agent that counts the requests dispatched through it. */
class CountingAgent extends Agent {
  dispatches = 0

  override dispatch(options: Agent.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    this.dispatches++
    return super.dispatch(options, handler)
  }
}

const pass: ClientMiddleware = (req, next) => next(req)

middlewares('#1 clients sharing one middlewares array, or one per-request list, each send through their own dispatcher', async () => {
  const shared: ClientMiddleware[] = [pass]
  const first = new CountingAgent()
  const second = new CountingAgent()
  const a = createClient({ baseUrl: server.url, middlewares: shared, dispatcher: first })
  const b = createClient({ baseUrl: server.url, middlewares: shared, dispatcher: second })
  await (await a.get('/echo')).discard()
  await (await b.get('/echo')).discard()
  assert.equal([first.dispatches, second.dispatches], [1, 1], 'client middlewares')
  const perRequest: ClientMiddleware[] = [pass, pass]
  const none: ClientMiddleware[] = []
  for (const list of [perRequest, none, shared]) {
    await (await a.get('/echo', { middlewares: list })).discard()
    await (await b.get('/echo', { middlewares: list })).discard()
  }
  assert.equal([first.dispatches, second.dispatches], [4, 4], 'per-request middlewares')
  await first.close()
  await second.close()
})

middlewares('#1 closing one client leaves another with the same middlewares working', async () => {
  const shared: ClientMiddleware[] = [pass]
  const a = createClient({ baseUrl: server.url, middlewares: shared })
  const b = createClient({ baseUrl: server.url, middlewares: shared })
  await (await a.get('/echo', { middlewares: shared })).discard()
  await a.close()
  assert.is((await b.get('/echo')).status, 200)
  assert.is((await b.get('/echo', { middlewares: shared })).status, 200)
  assert.is((await b.with(pass).get('/echo', { middlewares: shared })).status, 200)
  await b.close()
})

middlewares('#1 client.middlewares is a frozen copy; a per-request list changed in place is followed', async () => {
  const order: string[] = []
  const list: ClientMiddleware[] = [tag('a', order)]
  const client = createClient({ baseUrl: server.url, middlewares: list })
  assert.is.not(client.middlewares, list)
  assert.ok(Object.isFrozen(client.middlewares))
  list.push(tag('late', order))
  await (await client.get('/echo')).discard()
  assert.equal(order, ['a in', 'a out'], 'the client kept the list it was made with')
  order.length = 0
  await (await client.get('/echo', { middlewares: list })).discard()
  list.pop()
  await (await client.get('/echo', { middlewares: list })).discard()
  assert.equal(order, ['a in', 'late in', 'late out', 'a out', 'a in', 'a out'])
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

redirects('a redirect to GET drops every header that describes the body', async () => {
  const client = createClient({ baseUrl: server.url })
  const headers = { 'content-type': 'text/plain', 'content-language': 'en', 'content-location': '/x', 'x-keep': 'yes' }
  const echo = await (await client.post('/redirect/303', { body: 'text', headers })).json<Echo>()
  assert.is(echo.method, 'GET')
  for (const name of ['content-type', 'content-length', 'content-language', 'content-location']) assert.is(echo.headers[name], undefined, name)
  assert.is(echo.headers['x-keep'], 'yes')
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
