import { IncomingMessage } from 'node:http'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createApp, type RouteRequest } from '../../src/index.js'
import { recordingLogger, type TestResponse, type TestServer, withServer } from '../_helpers/http.js'

/**
 * Registers `path` for every method with a step that hands the request to `inspect` and answers what it
 * returns, then requests `target`. Returns the response and the request the step saw.
 */
async function see(
  path: string, target: string, inspect: (req: RouteRequest) => unknown, options: Parameters<TestServer['fetch']>[1] = {},
): Promise<{ res: TestResponse; req: RouteRequest }> {
  const app = createApp({ logger: recordingLogger().logger })
  let seen: RouteRequest | undefined
  app.all(path, (req: RouteRequest) => {
    seen = req
    return inspect(req)
  })
  let res: TestResponse | undefined
  await withServer(app, async (server) => { res = await server.fetch(target, options) })
  if (res === undefined || seen === undefined) throw new Error('the route did not run')
  return { res, req: seen }
}

// ---------------------------------------------------------------------------------------------

const method = suite('RouteRequest#method')

method('is the request method, upper case', async () => {
  for (const verb of ['GET', 'POST', 'DELETE', 'PATCH'] as const) {
    const { res } = await see('/m', '/m', (req) => req.method, { method: verb })
    assert.is(res.body, verb)
  }
})

method.run()

// ---------------------------------------------------------------------------------------------

const url = suite('RouteRequest#url')

url('is the request target as sent: path and query string, still encoded', async () => {
  const { res } = await see('/p/:name', '/p/caf%C3%A9?q=a%20b&x=1', (req) => req.url)
  assert.is(res.body, '/p/caf%C3%A9?q=a%20b&x=1')
})

url.run()

// ---------------------------------------------------------------------------------------------

const path = suite('RouteRequest#path')

path('is the url without its query string, still percent-encoded', async () => {
  const { res } = await see('/p/:name', '/p/caf%C3%A9?q=1&r=2', (req) => req.path)
  assert.is(res.body, '/p/caf%C3%A9')
})

path('is the whole url when there is no query string', async () => {
  const { res } = await see('/a/b', '/a/b', (req) => req.path)
  assert.is(res.body, '/a/b')
})

path('ends at the first "?" even when the query holds another', async () => {
  const { res } = await see('/a', '/a?next=/b?c=d', (req) => req.path)
  assert.is(res.body, '/a')
})

path.run()

// ---------------------------------------------------------------------------------------------

const params = suite('RouteRequest#params')

params('holds the path parameters by name', async () => {
  const { res } = await see('/users/:userId/posts/:postId', '/users/42/posts/abc', (req) => req.params)
  assert.equal(JSON.parse(res.body), { userId: '42', postId: 'abc' })
})

params('are percent-decoded', async () => {
  const { res } = await see('/p/:name', '/p/caf%C3%A9', (req) => ({ name: req.params.name }))
  assert.is(JSON.parse(res.body).name, 'café')
})

params('decode encoded spaces and reserved characters', async () => {
  const { res } = await see('/p/:name', '/p/a%20b%26c%3Dd', (req) => ({ name: req.params.name }))
  assert.is(JSON.parse(res.body).name, 'a b&c=d')
})

params('are not taken from the query string', async () => {
  const { res } = await see('/p/:name', '/p/x?name=y', (req) => ({ name: req.params.name }))
  assert.is(JSON.parse(res.body).name, 'x')
})

params('decode an encoded slash inside one parameter', async () => {
  const { res } = await see('/p/:name', '/p/a%2Fb', (req) => ({ name: req.params.name }))
  assert.is(JSON.parse(res.body).name, 'a/b')
})

params('answer 400 for malformed percent-encoding, and the server keeps serving', async () => {
  const app = createApp({ logger: recordingLogger().logger })
  app.get('/p/:name', (req) => ({ name: req.params.name }))
  await withServer(app, async (server) => {
    const bad = await server.fetch('/p/%zz')
    assert.is(bad.status, 400)
    const good = await server.fetch('/p/ok')
    assert.equal(JSON.parse(good.body), { name: 'ok' })
  })
})

params.run()

// ---------------------------------------------------------------------------------------------

const query = suite('RouteRequest#query')

query('holds the decoded query fields', async () => {
  const { res } = await see('/q', '/q?name=caf%C3%A9&greeting=hello+world&empty=&flag', (req) => req.query)
  assert.equal(JSON.parse(res.body), { name: 'café', greeting: 'hello world', empty: '', flag: '' })
})

query('turns a repeated key into an array, in order', async () => {
  const { res } = await see('/q', '/q?tag=a&tag=b&tag=c&one=1', (req) => req.query)
  assert.equal(JSON.parse(res.body), { tag: ['a', 'b', 'c'], one: '1' })
})

query('is empty without a query string', async () => {
  const { res } = await see('/q', '/q', (req) => ({ keys: Object.keys(req.query) }))
  assert.equal(JSON.parse(res.body), { keys: [] })
})

query('is also parsed for requests no route matches', async () => {
  const app = createApp({ logger: recordingLogger().logger })
  app.get('/q', () => 'unused')
  app.notFound((req) => ({ status: 'missing', q: req.query.q }))
  await withServer(app, async (server) => {
    const res = await server.fetch('/elsewhere?q=a%2Bb')
    assert.equal(JSON.parse(res.body), { status: 'missing', q: 'a+b' })
  })
})

query('treats __proto__ as a plain key and does not pollute Object.prototype', async () => {
  const { res, req } = await see('/q', '/q?__proto__=polluted&__proto__[isAdmin]=1&constructor[prototype][isAdmin]=1&toString=x', (r) => {
    const q = r.query
    return {
      own: Object.prototype.hasOwnProperty.call(q, '__proto__'),
      proto: q['__proto__'],
      toString: q.toString,
      hasOwnKeys: Object.keys(q).sort(),
    }
  })
  const out = JSON.parse(res.body)
  assert.is(out.own, true)
  assert.is(out.proto, 'polluted')
  assert.is(out.toString, 'x')
  assert.equal(out.hasOwnKeys, ['__proto__', '__proto__[isAdmin]', 'constructor[prototype][isAdmin]', 'toString'])
  assert.is(({} as Record<string, unknown>)['isAdmin'], undefined)
  assert.is(Object.getPrototypeOf({}), Object.prototype)
  assert.is(typeof Object.prototype.toString, 'function')
  assert.is(req.query['__proto__'], 'polluted')
})

query('keeps malformed percent-encoding as it is rather than failing', async () => {
  const { res } = await see('/q', '/q?a=%zz&b=100%', (req) => req.query)
  assert.is(res.status, 200)
  assert.equal(JSON.parse(res.body), { a: '%zz', b: '100%' })
})

query('is parsed once and gives the same object on each read', async () => {
  const { res } = await see('/q', '/q?a=1', (req) => ({ same: req.query === req.query }))
  assert.equal(JSON.parse(res.body), { same: true })
})

query.run()

// ---------------------------------------------------------------------------------------------

const headers = suite('RouteRequest#headers')

headers('holds the request headers with lower-case names', async () => {
  const { res } = await see('/h', '/h', (req) => ({ custom: req.headers['x-custom'], host: req.headers.host, type: req.headers['content-type'] }), {
    headers: { 'X-Custom': 'Value', 'Content-Type': 'text/plain' },
  })
  const out = JSON.parse(res.body)
  assert.is(out.custom, 'Value')
  assert.is(out.type, 'text/plain')
  assert.match(out.host, /^127\.0\.0\.1:\d+$/)
})

headers.run()

// ---------------------------------------------------------------------------------------------

const cookies = suite('RouteRequest#cookies')

cookies('are parsed from the cookie header and decoded', async () => {
  const { res } = await see('/c', '/c', (req) => req.cookies, { headers: { cookie: 'sid=abc123; theme=dark; name=caf%C3%A9' } })
  assert.equal(JSON.parse(res.body), { sid: 'abc123', theme: 'dark', name: 'café' })
})

cookies('are an empty object without a cookie header', async () => {
  const { res } = await see('/c', '/c', (req) => ({ cookies: req.cookies, keys: Object.keys(req.cookies).length }))
  assert.equal(JSON.parse(res.body), { cookies: {}, keys: 0 })
})

cookies('do not crash on a malformed cookie header', async () => {
  const { res } = await see('/c', '/c', (req) => ({ sid: req.cookies.sid ?? null, count: Object.keys(req.cookies).length }), {
    headers: { cookie: ';;; =novalue; bad%E0%A4%A; sid=ok; broken=%E0%A4%A; =; justtext' },
  })
  assert.is(res.status, 200)
  assert.is(JSON.parse(res.body).sid, 'ok')
})

cookies('keep a value whose percent-encoding is invalid as it is', async () => {
  const { res } = await see('/c', '/c', (req) => ({ broken: req.cookies.broken ?? null }), { headers: { cookie: 'broken=%E0%A4%A' } })
  assert.is(res.status, 200)
  assert.is(JSON.parse(res.body).broken, '%E0%A4%A')
})

cookies('treat a __proto__ cookie as a plain key', async () => {
  const { res } = await see('/c', '/c', (req) => ({
    own: Object.prototype.hasOwnProperty.call(req.cookies, '__proto__'),
    value: req.cookies['__proto__'] ?? null,
    a: req.cookies.a ?? null,
  }), { headers: { cookie: '__proto__=x; a=1' } })
  assert.equal(JSON.parse(res.body), { own: true, value: 'x', a: '1' })
  assert.is(Object.getPrototypeOf({}), Object.prototype)
})

cookies.run()

// ---------------------------------------------------------------------------------------------

const ip = suite('RouteRequest#ip')

ip("is the client's address as the socket sees it", async () => {
  const { res } = await see('/ip', '/ip', (req) => req.ip)
  assert.is(res.body, '127.0.0.1')
})

ip('ignores x-forwarded-for', async () => {
  const { res } = await see('/ip', '/ip', (req) => req.ip, { headers: { 'x-forwarded-for': '203.0.113.9' } })
  assert.is(res.body, '127.0.0.1')
})

ip.run()

// ---------------------------------------------------------------------------------------------

const raw = suite('RouteRequest#raw')

raw('is the node:http IncomingMessage of the request', async () => {
  const { res, req } = await see('/raw', '/raw?x=1', (r) => ({
    isIncoming: r.raw instanceof IncomingMessage,
    url: r.raw.url,
    method: r.raw.method,
    sameHeaders: r.raw.headers === r.headers,
  }), { method: 'PUT' })
  assert.equal(JSON.parse(res.body), { isIncoming: true, url: '/raw?x=1', method: 'PUT', sameHeaders: true })
  assert.instance(req.raw, IncomingMessage)
})

raw.run()
