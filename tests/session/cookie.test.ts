// The session cookie itself, through the app (its parsing, quoting and attributes are not public API): the
// Set-Cookie routechain writes, the options that shape it, and how the Cookie header is read back.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createApp, EncryptedCookieStorage, NaClCookieStorage, SimpleCookieStorage, type CookieOptions, type SessionOptions } from '../../src/index.js'
import { throwsConfig } from '../_helpers/assert.js'
import { recordingLogger, withServer } from '../_helpers/http.js'
import {
  Browser,
  expectCleared,
  expectNoCookie,
  expectSaved,
  expectSessionCookie,
  KEY,
  maxAgeOf,
  nowSeconds,
  quiet,
  sessionOf,
  setCookies,
  withCookie,
} from './_support.js'

/** An app whose GET /me reports the session, POST /login writes it and POST /logout invalidates it. */
function cookieApp(session: Omit<SessionOptions, 'storage'> & { storage?: SessionOptions['storage'] } = {}): ReturnType<typeof createApp> {
  const app = createApp({ logger: recordingLogger().logger, session: { storage: new EncryptedCookieStorage(KEY), ...session } })
  app.get('/me', async (req) => {
    const s = await sessionOf(req)
    return { isNew: s.isNew, data: s.toJSON() }
  })
  app.post('/login', async (req) => {
    (await sessionOf(req)).set('user', 'alice')
    return 'in'
  })
  app.post('/logout', async (req) => {
    (await sessionOf(req)).invalidate()
    return 'out'
  })
  return app
}

const SEVEN_DAYS = 7 * 24 * 3600

// ---------------------------------------------------------------------------------------------------------------
{
  const test = suite('session Set-Cookie defaults')

  test("name 'session', Path=/, HttpOnly, SameSite=Lax, Max-Age of 7 days with a matching Expires", async () => {
    await withServer(cookieApp(), async (s) => {
      const cookie = expectSessionCookie(await s.fetch('/login', { method: 'POST' }))
      assert.is(cookie.name, 'session')
      assert.is(cookie.attributes.get('path'), '/')
      assert.is(cookie.attributes.get('httponly'), true)
      assert.is(cookie.attributes.get('samesite'), 'Lax')
      // a new session's lifetime is counted from its creation a moment earlier: 604800, or 604799 across a second
      const maxAge = maxAgeOf(cookie)
      assert.ok(maxAge === SEVEN_DAYS || maxAge === SEVEN_DAYS - 1, `Max-Age ${maxAge}`)
      const expires = Date.parse(String(cookie.attributes.get('expires')))
      assert.ok(Math.abs(expires - (Date.now() + SEVEN_DAYS * 1000)) < 60_000, `Expires ${String(cookie.attributes.get('expires'))}`)
      assert.is(cookie.attributes.has('domain'), false)
    })
  })

  test("secure 'auto' leaves Secure off on plain http", async () => {
    await withServer(cookieApp(), async (s) => {
      const cookie = expectSessionCookie(await s.fetch('/login', { method: 'POST' }))
      assert.is(cookie.attributes.has('secure'), false, cookie.raw)
    })
  })

  test('clearing the cookie sends it empty, with Max-Age=0, an Expires in 1970 and the same Path', async () => {
    await withServer(cookieApp(), async (s) => {
      const browser = new Browser(s)
      await browser.fetch('/login', 'POST')
      const cleared = expectCleared(await browser.fetch('/logout', 'POST'))
      assert.is(cleared.attributes.get('path'), '/')
      assert.is(cleared.attributes.get('httponly'), true)
      assert.is(cleared.attributes.get('samesite'), 'Lax')
    })
  })

  test.run()
}

// ---------------------------------------------------------------------------------------------------------------
{
  const test = suite('session cookie options')

  const OPTIONS: CookieOptions = { name: 'sid', path: '/app', domain: 'example.test', sameSite: 'strict', secure: true }

  test('name, path, domain, sameSite strict and secure true are written on the cookie', async () => {
    await withServer(cookieApp({ cookie: OPTIONS }), async (s) => {
      const res = await s.fetch('/login', { method: 'POST' })
      expectNoCookie(res, 'session')
      const cookie = expectSessionCookie(res, 'sid')
      assert.is(cookie.attributes.get('path'), '/app')
      assert.is(cookie.attributes.get('domain'), 'example.test')
      assert.is(cookie.attributes.get('samesite'), 'Strict')
      assert.is(cookie.attributes.get('secure'), true)
      assert.is(cookie.attributes.get('httponly'), true)
    })
  })

  test('the session is read back from the cookie of that name, and a cookie called session is ignored', async () => {
    await withServer(cookieApp({ cookie: OPTIONS }), async (s) => {
      const value = expectSaved(await s.fetch('/login', { method: 'POST' }), 'sid')
      assert.equal(JSON.parse((await s.fetch('/me', withCookie(value, 'sid'))).body), { isNew: false, data: { user: 'alice' } })
      const other = await s.fetch('/me', withCookie(value, 'session'))
      assert.equal(JSON.parse(other.body), { isNew: true, data: {} })
      assert.equal(setCookies(other), [])
    })
  })

  test('the cookie is cleared with the same name, Path and Domain it was set with (or browsers keep it)', async () => {
    await withServer(cookieApp({ cookie: OPTIONS }), async (s) => {
      const browser = new Browser(s, 'sid')
      await browser.fetch('/login', 'POST')
      const cleared = expectCleared(await browser.fetch('/logout', 'POST'), 'sid')
      assert.is(cleared.attributes.get('path'), '/app')
      assert.is(cleared.attributes.get('domain'), 'example.test')
      assert.is(cleared.attributes.get('secure'), true)
    })
  })

  test('httpOnly false leaves HttpOnly off', async () => {
    await withServer(cookieApp({ cookie: { httpOnly: false } }), async (s) => {
      const cookie = expectSessionCookie(await s.fetch('/login', { method: 'POST' }))
      assert.is(cookie.attributes.has('httponly'), false, cookie.raw)
    })
  })

  test('sameSite none with secure true writes SameSite=None and Secure', async () => {
    await withServer(cookieApp({ cookie: { sameSite: 'none', secure: true } }), async (s) => {
      const cookie = expectSessionCookie(await s.fetch('/login', { method: 'POST' }))
      assert.is(cookie.attributes.get('samesite'), 'None')
      assert.is(cookie.attributes.get('secure'), true)
    })
  })

  test('maxAge null makes a browser-session cookie: no Max-Age and no Expires', async () => {
    await withServer(cookieApp({ maxAge: null }), async (s) => {
      const cookie = expectSessionCookie(await s.fetch('/login', { method: 'POST' }))
      assert.is(cookie.attributes.has('max-age'), false, cookie.raw)
      assert.is(cookie.attributes.has('expires'), false, cookie.raw)
    })
  })

  test('an app maxAge other than the default is the Max-Age of a new session', async () => {
    await withServer(cookieApp({ maxAge: 3600 }), async (s) => {
      const maxAge = maxAgeOf(expectSessionCookie(await s.fetch('/login', { method: 'POST' })))
      assert.ok(maxAge === 3600 || maxAge === 3599, `Max-Age ${maxAge}`)
    })
  })

  test.run()
}

// ---------------------------------------------------------------------------------------------------------------
{
  const test = suite('session cookie options at createApp')
  const storage = new EncryptedCookieStorage(KEY)
  const make = (cookie: CookieOptions) => () => createApp({ logger: quiet(), session: { storage, cookie } })

  test('a name that is not a cookie token throws ERR_ROUTECHAIN_CONFIG', () => {
    for (const name of ['', 'my session', 'a;b', 'a=b', 'sess,ion', 'séssion', 'a"b', 'tab\there']) {
      throwsConfig(make({ name }), /not a valid cookie name/)
    }
  })

  test('the token characters RFC 6265 allows in a name are accepted', () => {
    make({ name: "__Host-sid!#$%&'*+.^_`|~09" })()
  })

  test("a path that does not start with '/' or holds spaces or ';' throws ERR_ROUTECHAIN_CONFIG", () => {
    for (const path of ['', 'app', '/a b', '/a;b', '/a\nb']) throwsConfig(make({ path }), /path must start with '\/'/)
  })

  test("an empty domain, or one with spaces or ';', throws ERR_ROUTECHAIN_CONFIG", () => {
    for (const domain of ['', 'a b', 'example.test;x', 'ex\tample']) throwsConfig(make({ domain }), /domain/)
  })

  test("sameSite other than 'lax', 'strict' or 'none' throws ERR_ROUTECHAIN_CONFIG", () => {
    for (const sameSite of ['Lax', 'bogus', '']) throwsConfig(make({ sameSite: sameSite as 'lax' }), /sameSite must be/)
  })

  test("sameSite 'none' with secure false throws ERR_ROUTECHAIN_CONFIG", () => {
    throwsConfig(make({ sameSite: 'none', secure: false }), /sameSite 'none' needs secure: true/)
  })

  test.run()
}

// ---------------------------------------------------------------------------------------------------------------
{
  const test = suite('session cookie in the Cookie header')

  async function loginValue(s: { fetch: Browser['fetch'] }): Promise<string> {
    return expectSaved(await s.fetch('/login', 'POST'))
  }

  test('found among other cookies, with or without spaces around', async () => {
    await withServer(cookieApp(), async (s) => {
      const value = await loginValue(new Browser(s))
      for (const header of [`theme=dark; session=${value}; lang=en`, `theme=dark;session=${value}`, `session=${value}`, `  session = ${value} ; x=1`]) {
        const res = await s.fetch('/me', { headers: { cookie: header } })
        assert.equal(JSON.parse(res.body), { isNew: false, data: { user: 'alice' } }, header)
      }
    })
  })

  test('a cookie whose name only ends in the session name, or holds it as a value, is not the session cookie', async () => {
    await withServer(cookieApp(), async (s) => {
      const value = await loginValue(new Browser(s))
      for (const header of [`xsession=${value}`, `session_old=${value}`, `other=session=${value}`, `session${value}`]) {
        const res = await s.fetch('/me', { headers: { cookie: header } })
        assert.equal(JSON.parse(res.body), { isNew: true, data: {} }, header)
        assert.equal(setCookies(res), [], header)
      }
    })
  })

  test('when the session cookie comes twice, the first one counts', async () => {
    await withServer(cookieApp(), async (s) => {
      const value = await loginValue(new Browser(s))
      const first = await s.fetch('/me', { headers: { cookie: `session=${value}; session=garbage` } })
      assert.equal(JSON.parse(first.body), { isNew: false, data: { user: 'alice' } })
      const second = await s.fetch('/me', { headers: { cookie: `session=garbage; session=${value}` } })
      assert.is(JSON.parse(second.body).isNew, true)
    })
  })

  test('a NaCl value (standard base64 with + / =) is read whole, bare or Python-quoted', async () => {
    const storage = new NaClCookieStorage(KEY)
    await withServer(cookieApp({ storage }), async (s) => {
      let value = ''
      // find a value that has all three characters that need care: '+', '/' and '=' padding
      for (let i = 0; i < 200 && !(value.includes('+') && value.includes('/') && value.endsWith('=')); i++) {
        value = storage.save({ created: nowSeconds(), data: { user: 'alice' } })
      }
      assert.ok(value.includes('+') && value.includes('/') && value.endsWith('='), value)
      for (const sent of [value, `"${value}"`]) {
        assert.equal(JSON.parse((await s.fetch('/me', withCookie(sent))).body), { isNew: false, data: { user: 'alice' } }, sent)
      }
    })
  })

  test.run()
}

// ---------------------------------------------------------------------------------------------------------------
{
  const test = suite('SimpleCookieStorage cookie')

  test("quotes the JSON as Python's http.cookies does, and reads it back over HTTP, tricky characters and all", async () => {
    const tricky = { text: 'a "quoted" \\ back;slash, comma = sign', greeting: 'héllo ✓ 🚀', list: [1, 2] }
    const app = createApp({ logger: quiet(), session: { storage: new SimpleCookieStorage() } })
    app.post('/write', async (req) => { (await sessionOf(req)).set('tricky', tricky); return 'ok' })
    app.get('/read', async (req) => (await sessionOf(req)).toJSON())
    await withServer(app, async (s) => {
      const value = expectSaved(await s.fetch('/write', { method: 'POST' }))
      assert.ok(value.startsWith('"') && value.endsWith('"'), value)
      assert.not.match(value, /[;,]/)
      assert.ok(/^[\x20-\x7e]+$/.test(value), value)
      assert.equal(JSON.parse((await s.fetch('/read', withCookie(value))).body), { tricky })
    })
  })

  test('loads a cookie as aiohttp_session writes it: json.dumps spacing, quoted, with \\" and \\054 escapes', async () => {
    const app = createApp({ logger: quiet(), session: { storage: new SimpleCookieStorage() } })
    app.get('/read', async (req) => { const s = await sessionOf(req); return { isNew: s.isNew, data: s.toJSON() } })
    await withServer(app, async (s) => {
      const python = `"{\\"created\\": ${nowSeconds()}\\054 \\"session\\": {\\"user\\": \\"alice\\"\\054 \\"n\\": 1}}"`
      assert.equal(JSON.parse((await s.fetch('/read', withCookie(python))).body), { isNew: false, data: { user: 'alice', n: 1 } })
    })
  })

  test.run()
}
