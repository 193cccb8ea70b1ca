// Conformance cases: errors (thrown, returned, handled by onError), chains with no answer, request bodies
// (limits, content types, parse errors) and malformed URLs.
import { bodyLimit, createApp, HttpError, json } from '../../src/index.js'
import { get, jsonAnswer, noStack, post, textAnswer, TEXT, type Case } from './case.js'

const JSON_BODY = 'application/json'
const FORM_BODY = 'application/x-www-form-urlencoded'

/** A JSON document of exactly `bytes` bytes. */
function jsonOf(bytes: number): string {
  const doc = `{"pad":"${'x'.repeat(bytes - 10)}"}`
  if (doc.length !== bytes) throw new Error(`jsonOf(${bytes}) made ${doc.length} bytes`)
  return doc
}

/** The generic 500: exact body, so no stack or message can be in it. */
const internalError = textAnswer('Internal Server Error', 500)

export const errorCases: readonly Case[] = [
  // --- errors
  {
    name: 'a thrown HttpError 4xx shows its message',
    app: (logger) => createApp({ logger }).get('/me', () => { throw new HttpError(401, 'unauthenticated') }),
    exchanges: [{ request: get('/me'), expect: textAnswer('unauthenticated', 401) }],
  },
  {
    name: 'a returned HttpError is the same as a thrown one',
    app: (logger) => createApp({ logger }).get('/teapot', () => new HttpError(418, 'short and stout')),
    exchanges: [{ request: get('/teapot'), expect: textAnswer('short and stout', 418) }],
  },
  {
    name: 'an HttpError brings its headers',
    app: (logger) => createApp({ logger }).get('/api', async () => {
      throw new HttpError(401, 'token expired', { headers: { 'WWW-Authenticate': 'Bearer realm="api", error="invalid_token"' } })
    }),
    exchanges: [{ request: get('/api'), expect: textAnswer('token expired', 401, { 'www-authenticate': 'Bearer realm="api", error="invalid_token"' }) }],
  },
  {
    name: 'an HttpError 5xx hides its message',
    app: (logger) => createApp({ logger }).get('/db', () => { throw new HttpError(503, 'db password wrong at 10.0.0.5') }),
    exchanges: [{ request: get('/db'), expect: textAnswer('Service Unavailable', 503) }],
  },
  {
    name: 'a plain Error is a bare 500 with no stack in the body',
    app: (logger) => createApp({ logger }).get('/boom', () => { throw new TypeError('secret detail at /srv/app.js:12') }),
    exchanges: [{ request: get('/boom'), expect: internalError }],
  },
  {
    name: 'a rejected promise is a bare 500',
    app: (logger) => createApp({ logger }).get('/reject', () => Promise.reject(new Error('async secret'))),
    exchanges: [{ request: get('/reject'), expect: { ...internalError, body: noStack } }],
  },
  {
    name: 'onError returning json() is the answer, with the status it gives',
    app: (logger) => createApp({ logger })
      .onError((error) => json({ error: error instanceof Error ? error.message : 'unknown' }, { status: 418 }))
      .get('/fail', () => { throw new Error('handled here') }),
    exchanges: [{ request: get('/fail'), expect: jsonAnswer({ error: 'handled here' }, 418) }],
  },
  {
    name: 'onError returning undefined falls back to the default answer',
    app: (logger) => createApp({ logger }).onError(() => undefined).get('/fail', () => { throw new HttpError(409, 'conflict') }),
    exchanges: [{ request: get('/fail'), expect: textAnswer('conflict', 409) }],
  },
  {
    name: 'an HttpError thrown by an app use step answers before any route step runs',
    app: (logger) => createApp({ logger })
      .use((req) => { if (req.headers.authorization === undefined) throw new HttpError(401, 'who are you?') })
      .get('/private', () => 'secret'),
    exchanges: [
      { request: get('/private'), expect: textAnswer('who are you?', 401) },
      { request: get('/private', { authorization: 'Bearer t' }), expect: textAnswer('secret') },
      { request: get('/nowhere'), expect: textAnswer('who are you?', 401) },
    ],
  },
  {
    name: 'an error thrown after next() replaces the answer with a 500',
    app: (logger) => createApp({ logger }).get('/late', async (_req, next) => {
      await next()
      throw new Error('failed after the inner step answered')
    }, () => 'inner'),
    exchanges: [{ request: get('/late'), expect: textAnswer('Internal Server Error', 500) }],
  },
  {
    name: 'a route with no answer (every step returns undefined) is 500',
    app: (logger) => createApp({ logger }).get('/nothing', () => undefined, async () => undefined),
    exchanges: [{ request: get('/nothing'), expect: internalError }],
  },
  {
    name: 'a Map is refused with 500',
    app: (logger) => createApp({ logger }).get('/map', () => new Map([['a', 1]])),
    exchanges: [{ request: get('/map'), expect: internalError }],
  },
  {
    name: 'an onion step sees the error answer from next() and can decorate it',
    app: (logger) => createApp({ logger }).get('/wrapped', async (_req, next) => {
      const res = await next()
      res.header('x-error', res.error instanceof HttpError ? String(res.error.status) : 'none')
    }, () => { throw new HttpError(403, 'forbidden') }),
    exchanges: [{ request: get('/wrapped'), expect: textAnswer('forbidden', 403, { 'x-error': '403' }) }],
  },

  // --- request bodies
  {
    name: 'req.json() reads a JSON body',
    app: (logger) => createApp({ logger }).post('/json', async (req) => ({ got: await req.json() })),
    exchanges: [{ request: post('/json', '{"a":[1,{"b":null}]}', JSON_BODY), expect: jsonAnswer({ got: { a: [1, { b: null }] } }) }],
  },
  {
    name: 'a body over the app bodyLimit is 413',
    app: (logger) => createApp({ logger, bodyLimit: 10 }).post('/json', async (req) => ({ got: await req.json() })),
    exchanges: [
      { request: post('/json', jsonOf(100), JSON_BODY), expect: textAnswer('request body is larger than 10 bytes', 413) },
      { request: post('/json', '{"a":1}', JSON_BODY), expect: jsonAnswer({ got: { a: 1 } }) },
    ],
  },
  {
    name: 'a body at exactly the limit is read',
    app: (logger) => createApp({ logger, bodyLimit: 100 }).post('/json', async (req) => ({ size: JSON.stringify(await req.json()).length })),
    exchanges: [{ request: post('/json', jsonOf(100), JSON_BODY), expect: jsonAnswer({ size: 100 }) }],
  },
  {
    name: 'the bodyLimit() step sets the limit for its route only',
    app: (logger) => createApp({ logger })
      .post('/small', bodyLimit(8), async (req) => ({ length: (await req.text()).length }))
      .post('/big', async (req) => ({ length: (await req.text()).length })),
    exchanges: [
      { request: post('/small', '123456789', 'text/plain'), expect: textAnswer('request body is larger than 8 bytes', 413) },
      { request: post('/big', '123456789', 'text/plain'), expect: jsonAnswer({ length: 9 }) },
    ],
  },
  {
    name: 'reading the body twice gives the same result',
    app: (logger) => createApp({ logger }).post('/twice', async (req) => ({ a: await req.json(), b: await req.json(), text: await req.text() })),
    exchanges: [{ request: post('/twice', '{"n":1}', JSON_BODY), expect: jsonAnswer({ a: { n: 1 }, b: { n: 1 }, text: '{"n":1}' }) }],
  },
  {
    name: 'req.json() of invalid JSON is 400',
    app: (logger) => createApp({ logger }).post('/json', async (req) => ({ got: await req.json() })),
    exchanges: [{ request: post('/json', '{"a":', JSON_BODY), expect: { status: 400, headers: { 'content-type': TEXT }, body: noStack } }],
  },
  {
    name: 'req.json() with a __proto__ key is 400',
    app: (logger) => createApp({ logger }).post('/json', async (req) => ({ got: await req.json() })),
    exchanges: [{ request: post('/json', '{"__proto__":{"admin":true}}', JSON_BODY), expect: { status: 400, headers: { 'content-type': TEXT }, body: noStack } }],
  },
  {
    name: 'req.json() of a body with the wrong content type is 415',
    app: (logger) => createApp({ logger }).post('/json', async (req) => ({ got: await req.json() })),
    exchanges: [{ request: post('/json', '{"a":1}', 'text/plain'), expect: textAnswer('expected an application/json body, got content-type text/plain', 415) }],
  },
  {
    name: 'req.json() with no content type at all is 415',
    app: (logger) => createApp({ logger }).post('/json', async (req) => ({ got: await req.json() })),
    exchanges: [{ request: { method: 'POST', path: '/json', body: new TextEncoder().encode('{"a":1}') }, expect: { status: 415, headers: { 'content-type': TEXT }, body: /^expected an application\/json body, got content-type / } }],
  },
  {
    name: 'req.form() reads an urlencoded body; repeated fields become arrays',
    app: (logger) => createApp({ logger }).post('/form', async (req) => req.form()),
    exchanges: [{ request: post('/form', 'name=Ann+Lee&tag=a&tag=b&note=caf%C3%A9%26co', FORM_BODY), expect: jsonAnswer({ name: 'Ann Lee', tag: ['a', 'b'], note: 'café&co' }) }],
  },
  {
    name: 'req.form() of a JSON body is 415',
    app: (logger) => createApp({ logger }).post('/form', async (req) => req.form()),
    exchanges: [{ request: post('/form', '{"a":1}', JSON_BODY), expect: { status: 415, headers: { 'content-type': TEXT }, body: /x-www-form-urlencoded/ } }],
  },
  {
    name: 'req.text() reads the body as UTF-8, whatever its type',
    app: (logger) => createApp({ logger }).post('/text', async (req) => `[${await req.text()}]`),
    exchanges: [
      { request: post('/text', 'héllo wörld', 'text/plain; charset=utf-8'), expect: textAnswer('[héllo wörld]') },
      { request: post('/text', new Uint8Array([0x68, 0xc3, 0xa9])), expect: textAnswer('[hé]') },
    ],
  },
  {
    name: 'an empty body reads as empty text',
    app: (logger) => createApp({ logger }).post('/text', async (req) => `[${await req.text()}]`),
    exchanges: [{ request: post('/text', ''), expect: textAnswer('[]') }],
  },
  {
    name: 'req.buffer() gives the bytes as sent',
    app: (logger) => createApp({ logger }).post('/bytes', async (req) => ({ bytes: [...await req.buffer()] })),
    exchanges: [{ request: post('/bytes', new Uint8Array([0, 1, 254, 255]), 'application/octet-stream'), expect: jsonAnswer({ bytes: [0, 1, 254, 255] }) }],
  },

  // --- malformed URLs: 400 before any step runs
  {
    name: 'bad percent-encoding in a param is 400',
    app: (logger) => createApp({ logger }).get('/a/:x', (req) => req.params),
    exchanges: [
      { request: get('/a/%E0%A4%A'), expect: textAnswer('Bad Request: malformed URL', 400) },
      { request: get('/a/%E0%A4%A4'), expect: jsonAnswer({ x: '\u0924' }) },
    ],
  },
  {
    name: 'a NUL byte in a param is 400',
    app: (logger) => createApp({ logger }).get('/a/:x', (req) => req.params),
    exchanges: [{ request: get('/a/%00'), expect: textAnswer('Bad Request: malformed URL', 400) }],
  },
  {
    name: 'a malformed URL is refused before the app use steps',
    app: (logger) => createApp({ logger }).use(async (_req, next) => {
      const res = await next()
      res.header('x-use', 'ran')
    }).get('/a/:x', (req) => req.params),
    exchanges: [{ request: get('/a/%FF'), expect: textAnswer('Bad Request: malformed URL', 400, { 'x-use': null }) }],
  },
  // --- field and key limits (#16): past them an answer, never data dropped
  {
    name: 'a form with more fields than maxFields is 413; within it every field arrives (node alone kept 1000)',
    app: (logger) => createApp({ logger })
      .post('/count', async (req) => Object.keys(await req.form({ maxFields: 2000 })).length)
      .post('/small', async (req) => Object.keys(await req.form({ maxFields: 3 })).length),
    exchanges: [
      { request: post('/count', Array.from({ length: 1500 }, (_, i) => `f${i}=1`).join('&'), FORM_BODY), expect: jsonAnswer(1500) },
      { request: post('/small', 'a=1&b=2&c=3&d=4', FORM_BODY), expect: textAnswer('the form has more than 3 fields', 413) },
    ],
  },
  {
    name: 'a query string with more parameters than maxQueryKeys is 400; within it every one arrives',
    app: (logger) => createApp({ logger, maxQueryKeys: 1500 }).get('/q', (req) => Object.keys(req.query).length),
    exchanges: [
      { request: get(`/q?${Array.from({ length: 1200 }, (_, i) => `k${i}=1`).join('&')}`), expect: jsonAnswer(1200) },
      { request: get(`/q?${Array.from({ length: 1501 }, (_, i) => `k${i}=1`).join('&')}`), expect: textAnswer('the query string has more than 1500 parameters', 400) },
    ],
  },
]
