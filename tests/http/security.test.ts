// Security features users expect with cookie sessions (#6): csrf(), trusted proxies, Secure cookies behind
// them, and key rotation end to end over HTTP.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createApp, csrf, EncryptedCookieStorage, generateKey, NaClCookieStorage, type KeyInput, type SessionStorage } from '../../src/index.js'
import { recordingLogger, withServer, type TestResponse } from '../_helpers/http.js'
import { throwsConfig } from '../_helpers/assert.js'

const csrfSuite = suite('csrf()')

function csrfApp(options?: Parameters<typeof csrf>[0]) {
  const app = createApp({ logger: recordingLogger().logger })
  app.use(csrf(options))
  app.get('/form', () => 'form')
  app.post('/transfer', () => 'moved')
  app.delete('/account', () => 'deleted')
  return app
}

csrfSuite('lets safe methods through whatever their origin', async () => {
  await withServer(csrfApp(), async (s) => {
    const res = await s.fetch('/form', { headers: { origin: 'https://evil.test', 'sec-fetch-site': 'cross-site' } })
    assert.is(res.status, 200)
  })
})

csrfSuite('refuses a cross-site POST and DELETE with 403 and says why', async () => {
  await withServer(csrfApp(), async (s) => {
    for (const method of ['POST', 'DELETE'] as const) {
      const path = method === 'POST' ? '/transfer' : '/account'
      const res = await s.fetch(path, { method, headers: { origin: 'https://evil.test', 'sec-fetch-site': 'cross-site' } })
      assert.is(res.status, 403, method)
      assert.match(res.body, /cross-origin request refused \(Origin https:\/\/evil\.test\)/)
    }
    const sameSite = await s.fetch('/transfer', { method: 'POST', headers: { origin: 'https://sub.example.test', 'sec-fetch-site': 'same-site' } })
    assert.is(sameSite.status, 403, 'a sibling subdomain is another origin')
  })
})

csrfSuite('accepts same-origin and user-typed navigations, by Sec-Fetch-Site', async () => {
  await withServer(csrfApp(), async (s) => {
    assert.is((await s.fetch('/transfer', { method: 'POST', headers: { origin: s.url, 'sec-fetch-site': 'same-origin' } })).body, 'moved')
    assert.is((await s.fetch('/transfer', { method: 'POST', headers: { 'sec-fetch-site': 'none' } })).body, 'moved')
  })
})

csrfSuite('without Sec-Fetch-Site (older browsers) compares Origin with Host', async () => {
  await withServer(csrfApp(), async (s) => {
    assert.is((await s.fetch('/transfer', { method: 'POST', headers: { origin: s.url } })).status, 200)
    assert.is((await s.fetch('/transfer', { method: 'POST', headers: { origin: 'http://127.0.0.1:1' } })).status, 403, 'another port is another origin')
    assert.is((await s.fetch('/transfer', { method: 'POST', headers: { origin: 'null' } })).status, 403, 'an opaque origin')
  })
})

csrfSuite('a request with neither header is not from a browser and passes; Sec-Fetch-Site alone cross-site does not', async () => {
  await withServer(csrfApp(), async (s) => {
    assert.is((await s.fetch('/transfer', { method: 'POST' })).status, 200)
    const res = await s.fetch('/transfer', { method: 'POST', headers: { 'sec-fetch-site': 'cross-site' } })
    assert.is(res.status, 403)
    assert.match(res.body, /Sec-Fetch-Site cross-site/)
  })
})

csrfSuite('without Origin and Sec-Fetch-Site, the Referer\'s origin is checked (#13)', async () => {
  await withServer(csrfApp(), async (s) => {
    const own = await s.fetch('/transfer', { method: 'POST', headers: { referer: `${s.url}/form?x=1` } })
    assert.is(own.status, 200, 'a form on the app itself')
    const evil = await s.fetch('/transfer', { method: 'POST', headers: { referer: 'https://evil.test/attack.html' } })
    assert.is(evil.status, 403)
    assert.match(evil.body, /cross-origin request refused \(Referer https:\/\/evil\.test\)/)
    assert.is((await s.fetch('/transfer', { method: 'POST', headers: { referer: 'not a url' } })).status, 403, 'a Referer that does not parse')
  })
})

csrfSuite('without Sec-Fetch-Site the scheme counts: https://host is not the origin of a request over http (#13)', async () => {
  await withServer(csrfApp(), async (s) => {
    const other = s.url.replace('http://', 'https://')
    const res = await s.fetch('/transfer', { method: 'POST', headers: { origin: other } })
    assert.is(res.status, 403)
    assert.match(res.body, /Origin https:\/\/127\.0\.0\.1/)
  })
})

csrfSuite('origins lists the other origins allowed in, as a list or a function', async () => {
  const cross = (origin: string) => ({ method: 'POST' as const, headers: { origin, 'sec-fetch-site': 'cross-site' } })
  await withServer(csrfApp({ origins: ['https://admin.example.test'] }), async (s) => {
    assert.is((await s.fetch('/transfer', cross('https://admin.example.test'))).status, 200)
    assert.is((await s.fetch('/transfer', cross('https://ADMIN.example.test'))).status, 200, 'origins compare without case')
    assert.is((await s.fetch('/transfer', cross('https://admin.example.test.evil.test'))).status, 403)
  })
  await withServer(csrfApp({ origins: (origin) => origin.endsWith('.partner.test') }), async (s) => {
    assert.is((await s.fetch('/transfer', cross('https://a.partner.test'))).status, 200)
    assert.is((await s.fetch('/transfer', cross('https://partner.test.evil'))).status, 403)
  })
})

csrfSuite('a 403 goes through onError, so an app can shape it', async () => {
  const app = csrfApp()
  app.onError((error) => ({ error: (error as Error).message }))
  await withServer(app, async (s) => {
    const res = await s.fetch('/transfer', { method: 'POST', headers: { origin: 'https://evil.test' } })
    assert.match(res.body, /^\{"error":"Forbidden: cross-origin/)
  })
})

csrfSuite('refuses origins that are not origins at start-up', () => {
  assert.match(throwsConfig(() => csrf({ origins: ['https://example.test/path'] })).message, /not an origin; write it as scheme:\/\/host/)
  assert.match(throwsConfig(() => csrf({ origins: ['example.test'] })).message, /not an origin/)
  assert.match(throwsConfig(() => csrf({ origins: 'https://example.test' as never })).message, /takes a list of origins/)
})

csrfSuite.run()

const proxy = suite('trustProxy')

function proxyApp(trustProxy?: boolean | number | string[]) {
  const app = createApp(trustProxy === undefined ? {} : { trustProxy })
  app.get('/who', (req) => ({ ip: req.ip, protocol: req.protocol, secure: req.secure }))
  return app
}

const forwarded = { 'x-forwarded-for': '203.0.113.7, 10.0.0.2', 'x-forwarded-proto': 'https' }

proxy('off by default: forwarded headers are ignored, the peer is the client', async () => {
  await withServer(proxyApp(), async (s) => {
    assert.equal(JSON.parse((await s.fetch('/who', { headers: forwarded })).body), { ip: '127.0.0.1', protocol: 'http', secure: false })
  })
})

proxy('true: one proxy in front, so the client is the last address it added; what the client wrote is ignored', async () => {
  await withServer(proxyApp(true), async (s) => {
    // the client wrote 6.6.6.6 itself; the proxy (the peer) appended the address it saw, 203.0.113.9
    const spoofed = await s.fetch('/who', { headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.9', 'x-forwarded-proto': 'https' } })
    assert.equal(JSON.parse(spoofed.body), { ip: '203.0.113.9', protocol: 'https', secure: true })
    assert.equal(JSON.parse((await s.fetch('/who')).body), { ip: '127.0.0.1', protocol: 'http', secure: false })
  })
})

proxy('a number: that many proxies in a row', async () => {
  await withServer(proxyApp(2), async (s) => {
    const res = await s.fetch('/who', { headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.9, 10.0.0.2' } })
    assert.is(JSON.parse(res.body).ip, '203.0.113.9')
  })
})

proxy('a list: only hops added by listed proxies count, so a client cannot forge its address', async () => {
  await withServer(proxyApp(['127.0.0.1', '10.0.0.0/8']), async (s) => {
    // 10.0.0.2 is a trusted proxy; 203.0.113.7 is the first untrusted hop; 1.2.3.4 was written by the client
    const res = await s.fetch('/who', { headers: { 'x-forwarded-for': '1.2.3.4, 203.0.113.7, 10.0.0.2', 'x-forwarded-proto': 'https' } })
    assert.equal(JSON.parse(res.body), { ip: '203.0.113.7', protocol: 'https', secure: true })
  })
  await withServer(proxyApp(['10.0.0.0/8']), async (s) => {
    const res = await s.fetch('/who', { headers: forwarded })
    assert.equal(JSON.parse(res.body), { ip: '127.0.0.1', protocol: 'http', secure: false }, 'the peer itself is not trusted')
  })
})

proxy('entries with ports are read as addresses; an entry that is no address is returned as it is, never a proxy\'s', async () => {
  await withServer(proxyApp(['127.0.0.1', '10.0.0.0/8']), async (s) => {
    const withPort = await s.fetch('/who', { headers: { 'x-forwarded-for': '203.0.113.9:5555, 10.0.0.2' } })
    assert.is(JSON.parse(withPort.body).ip, '203.0.113.9')
    const v6 = await s.fetch('/who', { headers: { 'x-forwarded-for': '[2001:db8::1]:443' } })
    assert.is(JSON.parse(v6.body).ip, '2001:db8::1')
    const garbled = await s.fetch('/who', { headers: { 'x-forwarded-for': 'unknown, 10.0.0.2' } })
    assert.is(JSON.parse(garbled.body).ip, 'unknown')
  })
})

proxy('X-Forwarded-Proto: the nearest proxy\'s value counts, and only http or https', async () => {
  await withServer(proxyApp(true), async (s) => {
    const twice = await s.fetch('/who', { headers: { 'x-forwarded-proto': 'https, http' } })
    assert.is(JSON.parse(twice.body).protocol, 'http', 'a client cannot claim https ahead of the proxy\'s own value')
    const odd = await s.fetch('/who', { headers: { 'x-forwarded-proto': 'gopher' } })
    assert.is(JSON.parse(odd.body).protocol, 'http')
  })
})

proxy('session cookies are Secure behind a trusted HTTPS proxy, and only then', async () => {
  const session = { storage: new EncryptedCookieStorage(generateKey()) }
  const make = (trustProxy: boolean) => {
    const app = createApp({ session, trustProxy })
    app.get('/login', async (req) => {
      (await req.session()).set('user', 'alice')
      return 'ok'
    })
    return app
  }
  const cookieOf = (res: TestResponse) => String(res.headers['set-cookie'])
  await withServer(make(true), async (s) => {
    assert.match(cookieOf(await s.fetch('/login', { headers: { 'x-forwarded-proto': 'https' } })), /; Secure/)
    assert.not.match(cookieOf(await s.fetch('/login')), /; Secure/)
  })
  await withServer(make(false), async (s) => {
    assert.not.match(cookieOf(await s.fetch('/login', { headers: { 'x-forwarded-proto': 'https' } })), /; Secure/, 'an untrusted header changes nothing')
  })
})

proxy('refuses a trustProxy entry that is not an address or subnet, at start-up', () => {
  assert.match(throwsConfig(() => createApp({ trustProxy: ['10.0.0.0/33'] })).message, /"10\.0\.0\.0\/33" is not an IP address or subnet/)
  assert.match(throwsConfig(() => createApp({ trustProxy: ['10.0.0.1/'] })).message, /not an IP address or subnet/, 'an empty prefix is not /0')
  assert.match(throwsConfig(() => createApp({ trustProxy: -1 })).message, /counts proxies/)
  assert.match(throwsConfig(() => createApp({ trustProxy: ['proxy.internal'] })).message, /not an IP address/)
  assert.match(throwsConfig(() => createApp({ trustProxy: 'yes' as never })).message, /trustProxy takes true, a number of proxies, or a list/)
})

proxy.run()

const rotation = suite('Key rotation end to end')

const storages: [string, (keys: KeyInput | KeyInput[]) => SessionStorage][] = [
  ['EncryptedCookieStorage', (keys) => new EncryptedCookieStorage(keys)],
  ['NaClCookieStorage', (keys) => new NaClCookieStorage(keys)],
]

function sessionApp(storage: SessionStorage) {
  const app = createApp({ session: { storage }, logger: recordingLogger().logger })
  app.get('/login', async (req) => {
    (await req.session()).set('user', 'alice')
    return 'in'
  })
  app.get('/me', async (req) => String((await req.session()).get('user') ?? 'nobody'))
  return app
}

function sessionCookie(res: TestResponse): string | undefined {
  const header = res.headers['set-cookie']
  const value = /^session=([^;]*)/.exec(Array.isArray(header) ? header.join('\n') : header ?? '')?.[1]
  return value === undefined || value === '' ? undefined : `session=${value}`
}

for (const [name, make] of storages) {
  rotation(`${name}: old key → [new, old] reseals on the next read → [new] alone keeps the user logged in`, async () => {
    const oldKey = generateKey()
    const newKey = generateKey()
    let cookie: string | undefined
    await withServer(sessionApp(make(oldKey)), async (s) => {
      cookie = sessionCookie(await s.fetch('/login'))
    })
    assert.ok(cookie)
    let resealed: string | undefined
    await withServer(sessionApp(make([newKey, oldKey])), async (s) => {
      const res = await s.fetch('/me', { headers: { cookie: cookie as string } })
      assert.is(res.body, 'alice')
      resealed = sessionCookie(res)
      assert.ok(resealed, 'a cookie sealed with the old key is sealed again on a read-only request')
      assert.is.not(resealed, cookie)
      const again = await s.fetch('/me', { headers: { cookie: resealed as string } })
      assert.is(again.body, 'alice')
      assert.is(again.headers['set-cookie'], undefined, 'a cookie under the current key is left alone')
    })
    await withServer(sessionApp(make(newKey)), async (s) => {
      assert.is((await s.fetch('/me', { headers: { cookie: resealed as string } })).body, 'alice')
      const stale = await s.fetch('/me', { headers: { cookie: cookie as string } })
      assert.is(stale.body, 'nobody', 'once the old key is gone its cookies never load')
      assert.match(String(stale.headers['set-cookie']), /^session=;/, 'and the stale cookie is cleared')
    })
  })
}

rotation.run()
