// Conformance cases for fromConnect() (#16), against the real npm packages: helmet's headers on every answer
// (errors too), the cors package answering its own preflights, next(err) as a chain error, a middleware that
// answers ending the chain, serve-static under a wildcard route, body-parser and multer filling req.body and
// req.file, and passport-local logging in through routechain's session.
import { fileURLToPath } from 'node:url'
import corsMiddleware from 'cors'
import express from 'express'
import helmet from 'helmet'
import multer from 'multer'
import passport from 'passport'
import { Strategy as LocalStrategy } from 'passport-local'
import serveStatic from 'serve-static'
import { createApp, EncryptedCookieStorage, fromConnect, generateKey, HttpError, text, type Logger } from '../../src/index.js'
import { get, jsonAnswer, noStack, textAnswer, TEXT, type Case } from './case.js'

const PUBLIC = fileURLToPath(new URL('../../../tests/connect/public/', import.meta.url))
const KEY = generateKey()
const SAVED = /^session=gAAAAA[\w-]+=*; Path=\/; Max-Age=604800; Expires=[^;]+; HttpOnly; SameSite=Lax$/

const HELMET = {
  'content-security-policy': /^default-src 'self';/,
  'x-content-type-options': 'nosniff',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'cross-origin-opener-policy': 'same-origin',
  'x-powered-by': null,
}

function helmetApp(logger: Logger) {
  const app = createApp({ logger }).use(fromConnect(helmet()))
  app.get('/page', () => 'page')
  app.get('/framed', () => text('framed', { headers: { 'x-frame-options': 'DENY' } }))
  app.get('/missing', () => { throw new HttpError(404, 'no such page') })
  return app
}

const failing = (error: unknown) => (_req: unknown, _res: unknown, next: (error?: unknown) => void) => next(error)

/** A multipart body with one field and one file, as a browser sends it. */
function multipartBody(boundary: string): Uint8Array {
  return Buffer.from([
    `--${boundary}`, 'Content-Disposition: form-data; name="title"', '', 'holiday',
    `--${boundary}`, 'Content-Disposition: form-data; name="photo"; filename="sea.txt"', 'Content-Type: text/plain', '', 'waves and sand',
    `--${boundary}--`, '',
  ].join('\r\n'))
}

interface User { id: string; name: string }
const USERS: Record<string, User & { password: string }> = { u1: { id: 'u1', name: 'ann', password: 'secret' } }

/** Login with passport-local through routechain's session, as an Express app does it with express-session. */
function passportApp(logger: Logger) {
  const auth = new passport.Passport()
  auth.use(new LocalStrategy((username, password, done) => {
    const user = Object.values(USERS).find((u) => u.name === username)
    done(null, user !== undefined && user.password === password ? { id: user.id, name: user.name } : false)
  }))
  auth.serializeUser((user, done) => done(null, (user as User).id))
  auth.deserializeUser((id: string, done) => done(null, USERS[id] === undefined ? false : { id, name: USERS[id].name }))
  const app = createApp({ logger, session: { storage: new EncryptedCookieStorage(KEY) } })
  app.use(fromConnect(auth.initialize()))
  app.post('/login', fromConnect(express.urlencoded({ extended: false })), fromConnect<{ user?: User }>(auth.authenticate('local'), { session: true }),
    (req) => `welcome ${req.user?.name ?? '?'}`)
  app.get('/me', fromConnect<{ user?: User }>(auth.session(), { session: true }), (req) => ({ user: req.user?.name ?? null }))
  app.post('/logout', fromConnect((req: { logout(cb: (e?: unknown) => void): void }, _res: unknown, next: (e?: unknown) => void) => req.logout(next), { session: true }),
    () => 'bye')
  return app
}

const login = (body: string) => ({ method: 'POST', path: '/login', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } })

export const connectCases: readonly Case[] = [
  {
    name: "fromConnect(helmet()): its headers reach every answer, errors included, and a route's own header wins",
    app: helmetApp,
    exchanges: [
      { request: get('/page'), expect: textAnswer('page', 200, HELMET) },
      { request: get('/framed'), expect: textAnswer('framed', 200, { ...HELMET, 'x-frame-options': 'DENY' }) },
      { request: get('/missing'), expect: textAnswer('no such page', 404, { ...HELMET, 'x-frame-options': 'SAMEORIGIN' }) },
    ],
  },
  {
    name: 'fromConnect(cors()): the package answers its own preflight, ending the chain; a simple request gets its grant',
    app: (logger) => createApp({ logger })
      .use(fromConnect(corsMiddleware({ origin: 'https://a.example', methods: ['GET', 'PUT'] })))
      .route(['GET', 'PUT', 'OPTIONS'], '/items', (req) => (req.method === 'OPTIONS' ? 'the chain went on' : 'items')),
    exchanges: [
      {
        request: { method: 'OPTIONS', path: '/items', headers: { origin: 'https://a.example', 'access-control-request-method': 'PUT' } },
        expect: { status: 204, body: '', headers: { 'access-control-allow-origin': 'https://a.example', 'access-control-allow-methods': 'GET,PUT', 'content-length': null } },
      },
      { request: get('/items', { origin: 'https://a.example' }), expect: textAnswer('items', 200, { 'access-control-allow-origin': 'https://a.example', vary: 'Origin' }) },
    ],
  },
  {
    name: 'fromConnect(): next(err) is a chain error; a status on it is kept, anything else is a bare 500',
    app: (logger) => createApp({ logger })
      .get('/forbidden', fromConnect(failing(Object.assign(new Error('not yours'), { status: 403 }))), () => 'unreachable')
      .get('/broken', fromConnect(failing(new Error('database password is hunter2'))), () => 'unreachable')
      .get('/thrown', fromConnect(() => { throw new Error('sync throw') }), () => 'unreachable'),
    exchanges: [
      { request: get('/forbidden'), expect: textAnswer('not yours', 403) },
      { request: get('/broken'), expect: { status: 500, body: noStack, headers: { 'content-type': TEXT } } },
      { request: get('/thrown'), expect: { status: 500, body: noStack, headers: { 'content-type': TEXT } } },
    ],
  },
  {
    name: 'fromConnect(): a middleware that answers ends the chain with its status, headers and body',
    app: (logger) => createApp({ logger }).get('/legacy', fromConnect((_req: unknown, res: { writeHead(s: number, h: object): void; end(b: string): void }) => {
      res.writeHead(418, { 'content-type': 'text/plain', 'x-legacy': 'yes' })
      res.end('short and stout')
    }), () => 'unreachable'),
    exchanges: [{ request: get('/legacy'), expect: { status: 418, body: 'short and stout', headers: { 'x-legacy': 'yes', 'content-type': 'text/plain', 'content-length': '15' } } }],
  },
  {
    name: 'fromConnect(serveStatic()): files below a wildcard route, a directory redirect, and a miss falls through to the next step',
    app: (logger) => createApp({ logger }).get('/static/*', fromConnect(serveStatic(PUBLIC)), (req) => text(`no file ${req.params['*']}`, { status: 404 })),
    exchanges: [
      {
        request: get('/static/hello.txt?v=1'),
        expect: { status: 200, body: 'hello from a static file\n', headers: { 'content-type': 'text/plain; charset=utf-8', etag: /^W\/"/, 'last-modified': /GMT$/, 'content-length': '25' } },
      },
      { request: get('/static/docs/'), expect: { status: 200, body: '<h1>docs</h1>\n', headers: { 'content-type': 'text/html; charset=utf-8' } } },
      { request: get('/static/docs'), expect: { status: 301, body: /Redirecting to \/static\/docs\//, headers: { location: '/static/docs/' } } },
      { request: get('/static/nope.txt'), expect: textAnswer('no file nope.txt', 404) },
    ],
  },
  {
    name: 'fromConnect(multer): a file and a field reach the next steps as req.file and req.body',
    app: (logger) => createApp({ logger }).post('/photos', fromConnect<{ file?: Express.Multer.File; body?: Record<string, string> }>(multer().single('photo')), (req) => ({
      title: req.body?.title, name: req.file?.originalname, type: req.file?.mimetype, text: req.file?.buffer.toString(),
    })),
    exchanges: [{
      request: { method: 'POST', path: '/photos', body: multipartBody('x-boundary-1'), headers: { 'content-type': 'multipart/form-data; boundary=x-boundary-1' } },
      expect: jsonAnswer({ title: 'holiday', name: 'sea.txt', type: 'text/plain', text: 'waves and sand' }),
    }],
  },
  {
    name: "fromConnect(passport): passport-local logs in through routechain's session, passport.session() finds the user, logout ends it",
    app: passportApp,
    exchanges: [
      { request: get('/me'), expect: jsonAnswer({ user: null }) },
      { request: login('username=ann&password=wrong'), expect: { status: 401, body: 'Unauthorized', setCookie: [] } },
      { request: login('username=ann&password=secret'), expect: { ...textAnswer('welcome ann'), setCookie: [SAVED] } },
      { request: get('/me'), expect: jsonAnswer({ user: 'ann' }) },
      { request: { method: 'POST', path: '/logout' }, expect: { ...textAnswer('bye'), setCookie: [SAVED] } },
      { request: get('/me'), expect: jsonAnswer({ user: null }) },
    ],
  },
]
