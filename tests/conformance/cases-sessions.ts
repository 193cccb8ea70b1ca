// Conformance cases: sessions in an encrypted cookie, saved by one request and loaded by the next (the runner
// sends each cookie back), cleared on logout, kept through a thrown HttpError, and Set-Cookie lines kept apart.
import { createApp, EncryptedCookieStorage, generateKey, HttpError, reply, type Logger } from '../../src/index.js'
import { get, jsonAnswer, textAnswer, type Case } from './case.js'

const KEY = generateKey()

/** The session cookie's name; the cross-entry comparison masks its (encrypted, so always different) value. */
export const SESSION_COOKIE = 'session'

/** A saved session cookie: a Fernet token, then the default attributes (7 days, HttpOnly, SameSite=Lax, Path=/). */
const SAVED = /^session=gAAAAA[\w-]+=*; Path=\/; Max-Age=604800; Expires=[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT; HttpOnly; SameSite=Lax$/
/** A cleared session cookie. */
const CLEARED = 'session=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax'

/** An app with cookie sessions and the routes every session case uses. */
function sessionApp(logger: Logger) {
  const app = createApp({ logger, session: { storage: new EncryptedCookieStorage(KEY) } })
  app.get('/get', async (req) => ({ user: (await req.session()).get('user') ?? null, isNew: (await req.session()).isNew }))
  app.get('/set/:user', async (req) => {
    (await req.session()).set('user', req.params.user)
    return 'saved'
  })
  app.get('/logout', async (req) => {
    (await req.session()).invalidate()
    return 'bye'
  })
  return app
}

const anonymous = jsonAnswer({ user: null, isNew: true })
const loggedIn = (user: string) => jsonAnswer({ user, isNew: false })

export const sessionCases: readonly Case[] = [
  {
    name: 'a session saved by one request loads on the next, the cookie sent back',
    app: sessionApp,
    exchanges: [
      { request: get('/get'), expect: anonymous },
      { request: get('/set/ann'), expect: { ...textAnswer('saved'), setCookie: [SAVED] } },
      { request: get('/get'), expect: loggedIn('ann') },
    ],
  },
  {
    name: 'a session only read sets no cookie',
    app: sessionApp,
    exchanges: [
      { request: get('/set/ann'), expect: { ...textAnswer('saved'), setCookie: [SAVED] } },
      { request: get('/get'), expect: { ...loggedIn('ann'), setCookie: [] } },
    ],
  },
  {
    name: 'invalidate() clears the cookie with Max-Age=0',
    app: sessionApp,
    exchanges: [
      { request: get('/set/ann'), expect: { ...textAnswer('saved'), setCookie: [SAVED] } },
      { request: get('/logout'), expect: { ...textAnswer('bye'), setCookie: [CLEARED] } },
      { request: get('/get'), expect: anonymous },
    ],
  },
  {
    name: 'a cookie that does not decrypt starts a new session and is cleared',
    app: sessionApp,
    exchanges: [{ request: get('/get', { cookie: 'session=gAAAAAforged' }), expect: { ...anonymous, setCookie: [CLEARED] } }],
  },
  {
    name: 'a thrown HttpError after session.set() keeps the session cookie',
    app: (logger) => sessionApp(logger).get('/login-then-401', async (req) => {
      (await req.session()).set('user', 'bob')
      throw new HttpError(401, 'now log in properly')
    }),
    exchanges: [
      { request: get('/login-then-401'), expect: { ...textAnswer('now log in properly', 401), setCookie: [SAVED] } },
      { request: get('/get'), expect: loggedIn('bob') },
    ],
  },
  {
    name: 'a plain Error after session.set() drops the change: no cookie',
    app: (logger) => sessionApp(logger).get('/set-then-crash', async (req) => {
      (await req.session()).set('user', 'eve')
      throw new Error('crashed after the change')
    }),
    exchanges: [
      { request: get('/set-then-crash'), expect: { ...textAnswer('Internal Server Error', 500), setCookie: [] } },
      { request: get('/get'), expect: anonymous },
    ],
  },
  {
    name: 'a redirect after login carries the session cookie',
    app: (logger) => sessionApp(logger).get('/login', async (req) => {
      (await req.session()).set('user', 'cat')
      return reply(null, { status: 303, headers: { location: '/home' } })
    }),
    exchanges: [
      { request: get('/login'), expect: { status: 303, headers: { location: '/home', 'content-length': '0' }, setCookie: [SAVED], body: '' } },
      { request: get('/get'), expect: loggedIn('cat') },
    ],
  },
  {
    name: 'a Reply with two Set-Cookie values plus the session cookie: three lines, kept apart',
    app: (logger) => sessionApp(logger).get('/prefs', async (req) => {
      (await req.session()).set('user', 'dan')
      return reply('prefs saved', { headers: { 'set-cookie': ['theme=dark; Path=/', 'lang=en, fr; Path=/; Max-Age=60'] } })
    }),
    exchanges: [
      { request: get('/prefs'), expect: { ...textAnswer('prefs saved'), setCookie: ['theme=dark; Path=/', 'lang=en, fr; Path=/; Max-Age=60', SAVED] } },
      { request: get('/get'), expect: loggedIn('dan') },
    ],
  },
  {
    name: 'a session saved on a streamed answer: the cookie goes with the headers',
    app: (logger) => sessionApp(logger).get('/stream-login', async (req) => {
      (await req.session()).set('user', 'fay')
      return (async function* () {
        yield 'streamed '
        yield 'login'
      })()
    }),
    exchanges: [
      { request: get('/stream-login'), expect: { status: 200, headers: { 'content-length': null }, setCookie: [SAVED], body: 'streamed login' } },
      { request: get('/get'), expect: loggedIn('fay') },
    ],
  },
]
