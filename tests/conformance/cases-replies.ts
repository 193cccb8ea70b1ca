// Conformance cases: what each kind of step return value becomes, routing answers (HEAD, OPTIONS, 404, 405),
// and what a request shows a step (query, params, route, ip).
import { Readable } from 'node:stream'
import { createApp, html, json, redirect, reply, text } from '../../src/index.js'
import {
  BYTES, bodyThat, get, head, HTML, jsonAnswer, options, post, TEXT, textAnswer, type Case,
} from './case.js'

/** A web ReadableStream of UTF-8 chunks. */
function webStream(...chunks: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk))
      controller.close()
    },
  })
}

/** Streams go out without a Content-Length (chunked over node:http). */
const streamed = { 'content-type': BYTES, 'content-length': null }

export const replyCases: readonly Case[] = [
  // --- return values
  {
    name: 'a string is 200 text/plain with its byte length',
    app: (logger) => createApp({ logger }).get('/s', () => 'héllo'),
    exchanges: [{ request: get('/s'), expect: textAnswer('héllo') }],
  },
  {
    name: 'a plain object is 200 JSON',
    app: (logger) => createApp({ logger }).get('/o', () => ({ id: 7, name: 'Ann', tags: ['a'] })),
    exchanges: [{ request: get('/o'), expect: jsonAnswer({ id: 7, name: 'Ann', tags: ['a'] }) }],
  },
  {
    name: 'an array is 200 JSON',
    app: (logger) => createApp({ logger }).get('/a', () => [1, 'two', null]),
    exchanges: [{ request: get('/a'), expect: jsonAnswer([1, 'two', null]) }],
  },
  {
    name: 'a number is 200 JSON',
    app: (logger) => createApp({ logger }).get('/n', () => 42),
    exchanges: [{ request: get('/n'), expect: jsonAnswer(42) }],
  },
  {
    name: 'a boolean is 200 JSON',
    app: (logger) => createApp({ logger }).get('/b', () => false),
    exchanges: [{ request: get('/b'), expect: jsonAnswer(false) }],
  },
  {
    name: 'null is 204 with no body and no Content-Length',
    app: (logger) => createApp({ logger }).get('/null', () => null),
    exchanges: [{ request: get('/null'), expect: { status: 204, headers: { 'content-length': null, 'content-type': null }, body: '' } }],
  },
  {
    name: 'a Uint8Array is 200 application/octet-stream with its length',
    app: (logger) => createApp({ logger }).get('/bytes', () => new Uint8Array([104, 105, 0, 255])),
    exchanges: [{
      request: get('/bytes'),
      expect: { status: 200, headers: { 'content-type': BYTES, 'content-length': '4' }, body: bodyThat('the bytes 68 69 00 ff', (b) => b.length === 4 && b.startsWith('hi\u0000')) },
    }],
  },
  {
    name: 'json() with a status and a header',
    app: (logger) => createApp({ logger }).get('/j', () => json({ created: true }, { status: 201, headers: { location: '/j/1' } })),
    exchanges: [{ request: get('/j'), expect: jsonAnswer({ created: true }, 201, { location: '/j/1' }) }],
  },
  {
    name: 'text() with a status',
    app: (logger) => createApp({ logger }).get('/t', () => text('accepted', { status: 202 })),
    exchanges: [{ request: get('/t'), expect: textAnswer('accepted', 202) }],
  },
  {
    name: 'html() is text/html',
    app: (logger) => createApp({ logger }).get('/h', () => html('<p>hi</p>')),
    exchanges: [{ request: get('/h'), expect: { status: 200, headers: { 'content-type': HTML, 'content-length': '9' }, body: '<p>hi</p>' } }],
  },
  {
    name: 'reply() with a body, a status and its own content type',
    app: (logger) => createApp({ logger }).get('/csv', () => reply('a,b\n1,2\n', { status: 200, headers: { 'content-type': 'text/csv', 'x-rows': '1' } })),
    exchanges: [{ request: get('/csv'), expect: { status: 200, headers: { 'content-type': 'text/csv', 'content-length': '8', 'x-rows': '1' }, body: 'a,b\n1,2\n' } }],
  },
  {
    name: 'a web Response is sent as it is, its Set-Cookie lines kept apart',
    app: (logger) => createApp({ logger }).get('/web', () => {
      const headers = new Headers({ 'content-type': 'text/plain; charset=utf-8', 'x-from': 'web' })
      headers.append('set-cookie', 'a=1; Path=/')
      headers.append('set-cookie', 'b=2, with a comma; Path=/x')
      return new Response('from a Response', { status: 201, headers })
    }),
    exchanges: [{
      request: get('/web'),
      expect: { status: 201, headers: { 'content-type': TEXT, 'x-from': 'web' }, setCookie: ['a=1; Path=/', 'b=2, with a comma; Path=/x'], body: 'from a Response' },
    }],
  },
  {
    name: 'a Node Readable is streamed',
    app: (logger) => createApp({ logger }).get('/readable', () => Readable.from(['one ', 'two ', 'three'])),
    exchanges: [{ request: get('/readable'), expect: { status: 200, headers: streamed, body: 'one two three' } }],
  },
  {
    name: 'a web ReadableStream is streamed',
    app: (logger) => createApp({ logger }).get('/web-stream', () => webStream('web ', 'stream')),
    exchanges: [{ request: get('/web-stream'), expect: { status: 200, headers: streamed, body: 'web stream' } }],
  },
  {
    name: 'an async generator is streamed, string and byte chunks alike',
    app: (logger) => createApp({ logger }).get('/gen', () => (async function* () {
      yield 'gen '
      await new Promise((resolve) => setImmediate(resolve))
      yield new TextEncoder().encode('erated')
    })()),
    exchanges: [{ request: get('/gen'), expect: { status: 200, headers: streamed, body: 'gen erated' } }],
  },
  {
    name: 'reply() of a stream keeps the content type it is given',
    app: (logger) => createApp({ logger }).get('/ndjson', () => reply(Readable.from(['{"a":1}\n', '{"a":2}\n']), { headers: { 'content-type': 'application/x-ndjson' } })),
    exchanges: [{ request: get('/ndjson'), expect: { status: 200, headers: { 'content-type': 'application/x-ndjson', 'content-length': null }, body: '{"a":1}\n{"a":2}\n' } }],
  },
  {
    name: 'redirect() is 303 with a Location and an empty body',
    app: (logger) => createApp({ logger }).get('/old', () => redirect('/login')),
    exchanges: [{ request: get('/old'), expect: { status: 303, headers: { location: '/login', 'content-length': '0' }, body: '' } }],
  },
  {
    name: 'an onion step adds a header to what next() resolves to',
    app: (logger) => createApp({ logger }).get('/onion', async (_req, next) => {
      const res = await next()
      res.header('x-onion', 'outer')
    }, () => 'inner'),
    exchanges: [{ request: get('/onion'), expect: textAnswer('inner', 200, { 'x-onion': 'outer' }) }],
  },
  {
    name: 'an app use step decorates a 404 too',
    app: (logger) => createApp({ logger }).use(async (_req, next) => {
      const res = await next()
      res.header('x-seen', 'yes')
    }).get('/here', () => 'here'),
    exchanges: [
      { request: get('/here'), expect: textAnswer('here', 200, { 'x-seen': 'yes' }) },
      { request: get('/missing'), expect: textAnswer('Not Found', 404, { 'x-seen': 'yes' }) },
    ],
  },

  // --- routing answers
  {
    name: 'HEAD on a GET route: no body, the Content-Length of the GET',
    app: (logger) => createApp({ logger }).get('/doc', () => 'twelve bytes'),
    exchanges: [
      { request: get('/doc'), expect: textAnswer('twelve bytes') },
      { request: head('/doc'), expect: { status: 200, headers: { 'content-type': TEXT, 'content-length': '12' }, body: '' } },
    ],
  },
  {
    name: 'HEAD on a streamed GET route: no body',
    app: (logger) => createApp({ logger }).get('/stream', () => Readable.from(['never ', 'sent'])),
    exchanges: [{ request: head('/stream'), expect: { status: 200, headers: streamed, body: '' } }],
  },
  {
    name: 'HEAD on a bytes route and on a web Response route: no body, headers as for GET',
    app: (logger) => createApp({ logger })
      .get('/bytes', () => new Uint8Array(7))
      .get('/web', () => new Response('web body', { headers: { 'content-type': 'text/plain', 'x-web': '1' } })),
    exchanges: [
      { request: head('/bytes'), expect: { status: 200, headers: { 'content-type': BYTES, 'content-length': '7' }, body: '' } },
      { request: head('/web'), expect: { status: 200, headers: { 'content-type': 'text/plain', 'x-web': '1' }, body: '' } },
    ],
  },
  {
    name: 'reply(null) with 204 and 304 carries no body and no Content-Length',
    app: (logger) => createApp({ logger })
      .get('/204', () => reply(null, { status: 204, headers: { 'x-empty': 'yes' } }))
      .get('/304', () => reply('ignored', { status: 304, headers: { etag: '"v1"' } })),
    exchanges: [
      { request: get('/204'), expect: { status: 204, headers: { 'x-empty': 'yes', 'content-length': null }, body: '' } },
      { request: get('/304'), expect: { status: 304, headers: { etag: '"v1"', 'content-length': null }, body: '' } },
    ],
  },
  {
    name: '405 with Allow for a path that has routes for other methods',
    app: (logger) => createApp({ logger }).get('/a', () => 'a'),
    exchanges: [{ request: post('/a', 'x', 'text/plain'), expect: textAnswer('Method Not Allowed', 405, { allow: 'GET, HEAD, OPTIONS' }) }],
  },
  {
    name: 'OPTIONS with no OPTIONS route is 204 with Allow',
    app: (logger) => createApp({ logger }).get('/a', () => 'a').post('/a', () => 'posted'),
    exchanges: [{ request: options('/a'), expect: { status: 204, headers: { allow: 'GET, POST, HEAD, OPTIONS', 'content-length': null }, body: '' } }],
  },
  {
    name: 'no route is 404 Not Found',
    app: (logger) => createApp({ logger }).get('/a', () => 'a'),
    exchanges: [{ request: get('/nowhere'), expect: textAnswer('Not Found', 404) }],
  },
  {
    name: 'a trailing slash is another path (404), query strings do not matter',
    app: (logger) => createApp({ logger }).get('/a', () => 'a'),
    exchanges: [
      { request: get('/a/'), expect: textAnswer('Not Found', 404) },
      { request: get('/a?x=1&y'), expect: textAnswer('a') },
    ],
  },
  {
    name: "a router's use steps run for its own routes only",
    app: (logger) => createApp({ logger })
      .mount('/admin', (r) => r.use(() => text('admins only', { status: 403 })).get('/panel', () => 'panel'))
      .get('/open', () => 'open'),
    exchanges: [
      { request: get('/admin/panel'), expect: textAnswer('admins only', 403) },
      { request: get('/open'), expect: textAnswer('open') },
    ],
  },
  {
    name: 'notFound() answers what no route matches',
    app: (logger) => createApp({ logger }).notFound((req) => json({ missing: req.path }, { status: 404 })),
    exchanges: [{ request: get('/gone?x=1'), expect: jsonAnswer({ missing: '/gone' }, 404) }],
  },

  // --- what a step sees
  {
    name: 'req.query: decoded, a repeated key becomes an array',
    app: (logger) => createApp({ logger }).get('/q', (req) => req.query),
    exchanges: [{ request: get('/q?a=1&b=2&b=3&c=%20x%2By&d=caf%C3%A9'), expect: jsonAnswer({ a: '1', b: ['2', '3'], c: ' x+y', d: 'café' }) }],
  },
  {
    name: 'params are percent-decoded',
    app: (logger) => createApp({ logger }).get('/p/:name/:n', (req) => req.params),
    exchanges: [{ request: get('/p/caf%C3%A9%20au%20lait/%2F1'), expect: jsonAnswer({ name: 'café au lait', n: '/1' }) }],
  },
  {
    name: 'req.route is the pattern with every mount prefix',
    app: (logger) => createApp({ logger }).mount('/users/:userId', (r) => r.get('/posts/:postId', (req) => req.route ?? 'undefined')),
    exchanges: [{ request: get('/users/7/posts/9'), expect: textAnswer('/users/:userId/posts/:postId') }],
  },
  {
    name: 'req.route is undefined in an app use step on a 404 and a 405',
    app: (logger) => createApp({ logger }).use(async (req, next) => {
      const res = await next()
      res.header('x-route', String(req.route))
    }).get('/a/:x', () => 'a'),
    exchanges: [
      { request: get('/a/1'), expect: textAnswer('a', 200, { 'x-route': '/a/:x' }) },
      { request: get('/b'), expect: textAnswer('Not Found', 404, { 'x-route': 'undefined' }) },
      { request: post('/a/1', ''), expect: textAnswer('Method Not Allowed', 405, { 'x-route': 'undefined' }) },
    ],
  },
  {
    name: 'req.ip is 127.0.0.1 by default, req.method and req.url as sent',
    app: (logger) => createApp({ logger }).get('/who', (req) => ({ ip: req.ip, method: req.method, url: req.url, path: req.path })),
    exchanges: [{ request: get('/who?x=%20'), expect: jsonAnswer({ ip: '127.0.0.1', method: 'GET', url: '/who?x=%20', path: '/who' }) }],
  },
  {
    name: 'req.path stays percent-encoded; req.protocol is http',
    app: (logger) => createApp({ logger }).get('/p/:x', (req) => ({ path: req.path, x: req.params.x, protocol: req.protocol, secure: req.secure })),
    exchanges: [{ request: get('/p/a%20b'), expect: jsonAnswer({ path: '/p/a%20b', x: 'a b', protocol: 'http', secure: false }) }],
  },
  {
    name: 'request headers arrive with lower-case names; cookies are parsed',
    app: (logger) => createApp({ logger }).get('/h', (req) => ({ custom: req.headers['x-custom'] ?? null, cookies: req.cookies })),
    exchanges: [{ request: get('/h', { 'X-Custom': 'v', cookie: 'a=1; b=two%20words' }), expect: jsonAnswer({ custom: 'v', cookies: { a: '1', b: 'two words' } }) }],
  },
  {
    name: 'a JSON body type and a content type with parameters are both read',
    app: (logger) => createApp({ logger }).post('/echo', async (req) => ({ got: await req.json() })),
    exchanges: [{ request: post('/echo', '{"n":[1,2]}', 'application/json; charset=utf-8'), expect: jsonAnswer({ got: { n: [1, 2] } }) }],
  },
]
