// Conformance cases for cors() (#16): grants on simple requests and error answers, Vary: Origin whenever the
// answer depends on the origin, and preflights answered from the route table before the route's other steps,
// granting only the methods the path serves.
import { cors, createApp, defineStep, HttpError, type Logger } from '../../src/index.js'
import { textAnswer, type Case } from './case.js'

const A = 'https://a.example'

const authenticate = defineStep<{ user: string }>('authenticate', (req) => {
  if (req.headers.authorization !== 'Bearer t') throw new HttpError(401, 'unauthenticated')
  req.user = 'alice'
})

/** A route-level cors() on GET and PUT /items/:id, behind authentication, plus a route without CORS. */
function itemsApp(logger: Logger) {
  const app = createApp({ logger })
  const grant = cors({ origin: [A], credentials: true, exposedHeaders: ['x-total'], maxAge: 600 })
  app.get('/items/:id', grant, authenticate, (req) => `item ${req.params.id} for ${req.user}`)
  app.put('/items/:id', grant, authenticate, () => 'saved')
  app.get('/private', () => 'no cors here')
  return app
}

const preflight = (path: string, method: string, origin = A, headers: Record<string, string> = {}) => ({
  method: 'OPTIONS', path, headers: { origin, 'access-control-request-method': method, ...headers },
})

export const corsCases: readonly Case[] = [
  {
    name: "cors(): '*' grants any origin and needs no Vary",
    app: (logger) => createApp({ logger }).use(cors()).get('/open', () => 'open'),
    exchanges: [{ request: { method: 'GET', path: '/open', headers: { origin: 'https://any.example' } }, expect: textAnswer('open', 200, { 'access-control-allow-origin': '*', vary: null }) }],
  },
  {
    name: 'cors(): a listed origin gets its grant, credentials and exposed headers; another gets none; Vary: Origin on both',
    app: itemsApp,
    exchanges: [
      {
        request: { method: 'GET', path: '/items/1', headers: { origin: A, authorization: 'Bearer t' } },
        expect: textAnswer('item 1 for alice', 200, {
          'access-control-allow-origin': A, 'access-control-allow-credentials': 'true', 'access-control-expose-headers': 'x-total', vary: 'Origin',
        }),
      },
      {
        request: { method: 'GET', path: '/items/1', headers: { origin: 'https://evil.example', authorization: 'Bearer t' } },
        expect: textAnswer('item 1 for alice', 200, { 'access-control-allow-origin': null, vary: 'Origin' }),
      },
      { request: { method: 'GET', path: '/items/1', headers: { authorization: 'Bearer t' } }, expect: textAnswer('item 1 for alice', 200, { 'access-control-allow-origin': null, vary: 'Origin' }) },
    ],
  },
  {
    name: 'cors(): an error answer from a later step still carries the grant, so the page can read it',
    app: itemsApp,
    exchanges: [{ request: { method: 'GET', path: '/items/1', headers: { origin: A } }, expect: textAnswer('unauthenticated', 401, { 'access-control-allow-origin': A, vary: 'Origin' }) }],
  },
  {
    name: "cors(): a preflight is answered from the route table before authentication, granting the path's methods",
    app: itemsApp,
    exchanges: [
      {
        request: preflight('/items/1', 'PUT', A, { 'access-control-request-headers': 'content-type, authorization' }),
        expect: {
          status: 204, body: '',
          headers: {
            'access-control-allow-origin': A, 'access-control-allow-methods': 'GET, PUT, HEAD', 'access-control-allow-credentials': 'true',
            'access-control-allow-headers': 'content-type, authorization', 'access-control-max-age': '600', vary: 'Origin, Access-Control-Request-Headers',
          },
        },
      },
    ],
  },
  {
    name: 'cors(): no grant for a method the path does not serve, another origin, or a route without cors()',
    app: itemsApp,
    exchanges: [
      { request: preflight('/items/1', 'DELETE'), expect: { status: 204, body: '', headers: { 'access-control-allow-origin': null, 'access-control-allow-methods': null } } },
      { request: preflight('/items/1', 'PUT', 'https://evil.example'), expect: { status: 204, body: '', headers: { 'access-control-allow-origin': null, vary: 'Origin' } } },
      { request: preflight('/private', 'GET'), expect: { status: 204, body: '', headers: { 'access-control-allow-origin': null, allow: 'GET, HEAD, OPTIONS' } } },
    ],
  },
  {
    name: 'cors() as an app step answers preflights for every path, and grants 404s too',
    app: (logger) => createApp({ logger }).use(cors({ origin: A })).post('/things', () => 'made'),
    exchanges: [
      { request: preflight('/things', 'POST'), expect: { status: 204, body: '', headers: { 'access-control-allow-origin': A, 'access-control-allow-methods': 'POST' } } },
      { request: { method: 'GET', path: '/nothing', headers: { origin: A } }, expect: textAnswer('Not Found', 404, { 'access-control-allow-origin': A }) },
    ],
  },
]
