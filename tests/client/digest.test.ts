// digestAuth(): HTTP Digest (RFC 7616) against a routechain app playing the server side (tests/client/
// _digest-server.ts), and against a real Apache httpd with mod_auth_digest. Under CI=true a missing apache2
// fails the test; elsewhere it skips aloud.
import { Readable } from 'node:stream'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createClient, digestAuth, type ClientMiddleware } from '../../src/client/index.js'
import { parseAuthParams, parseChallenges } from '../../src/client/middleware/digest-challenge.js'
import { selectDigest } from '../../src/client/middleware/digest-select.js'
import { throwsConfig } from '../_helpers/assert.js'
import { hasCommand, needs } from '../_helpers/services.js'
import { APACHE2, startApache, type Apache } from './_apache.js'
import { authorizationFields, serveDigest, type DigestServer, type DigestServerOptions } from './_digest-server.js'

const USERS = { alice: 'wonderland', 'o"brien\\x': 'p@ss "word"' }
// every wait is bounded: no request may take longer
const TIMEOUT = 5000

/** What /private answers once authenticated. */
interface Granted {
  user: string
  method: string
  url: string
  algorithm: string | null
  nc: string | undefined
  body: string
}

/** Runs `test` against a fresh digest server, always closing it. */
async function withDigest(options: Partial<DigestServerOptions>, test: (server: DigestServer) => Promise<void>): Promise<void> {
  const server = await serveDigest({ users: USERS, ...options })
  try {
    await test(server)
  } finally {
    await server.close()
  }
}

const parsing = suite('digestAuth: reading challenges')

parsing('several challenges in one header, quoted strings with escapes, token values, token68', () => {
  const challenges = parseChallenges(
    'Negotiate YII/x+==, Basic realm="simple", Digest realm="say \\"hi\\" \\\\ there", nonce=abc123,qop="auth,auth-int" ,  algorithm=SHA-256,, Bearer',
  )
  assert.equal(challenges.map((c) => c.scheme), ['negotiate', 'basic', 'digest', 'bearer'])
  assert.is(challenges[0]?.token68, 'YII/x+==')
  assert.equal({ ...challenges[1]?.params }, { realm: 'simple' })
  assert.equal({ ...challenges[2]?.params }, { realm: 'say "hi" \\ there', nonce: 'abc123', qop: 'auth,auth-int', algorithm: 'SHA-256' })
  assert.equal({ ...challenges[3]?.params }, {})
})

parsing('several headers; names are case-insensitive; commas inside quotes; the first of a repeated name counts', () => {
  const challenges = parseChallenges(['Basic realm="a, b"', 'DIGEST Realm = "r" , NONCE="n,1", realm="other", stale=TRUE'])
  assert.is(challenges.length, 2)
  assert.equal({ ...challenges[0]?.params }, { realm: 'a, b' })
  assert.is(challenges[1]?.scheme, 'digest')
  assert.equal({ ...challenges[1]?.params }, { realm: 'r', nonce: 'n,1', stale: 'TRUE' })
})

parsing('malformed input is skipped, not thrown over', () => {
  assert.equal(parseChallenges(undefined), [])
  assert.equal(parseChallenges(''), [])
  assert.equal(parseChallenges(', ,'), [])
  const broken = parseChallenges('=x, Digest realm="r", nonce="n", @@@, opaque="unclosed')
  assert.is(broken.length, 1)
  assert.equal({ ...broken[0]?.params }, { realm: 'r', nonce: 'n' })
  assert.is(parseAuthParams('nextnonce="n2", qop=auth, rspauth="x"').nextnonce, 'n2')
})

parsing('the Digest challenge chosen: SHA-256 over MD5 in either order; those that cannot be answered are skipped', () => {
  const pick = (header: string | string[]): string | undefined => selectDigest(parseChallenges(header))?.algorithm.name
  assert.is(pick('Digest realm="r", nonce="1", algorithm=MD5, Digest realm="r", nonce="2", algorithm=SHA-256'), 'SHA-256')
  assert.is(pick(['Digest realm="r", nonce="2", algorithm=SHA-256', 'Digest realm="r", nonce="1"']), 'SHA-256')
  assert.is(pick('Digest realm="r", nonce="1", algorithm=md5-SESS, qop="auth"'), 'MD5-sess')
  assert.is(pick('Basic realm="r"'), undefined)
  assert.is(pick('Digest realm="r", nonce="1", algorithm=SHA-1'), undefined, 'unknown algorithm')
  assert.is(pick('Digest realm="r", nonce="1", qop="auth-int"'), undefined, 'auth-int only')
  assert.is(pick('Digest realm="r", nonce="1", algorithm=MD5-sess'), undefined, '-sess needs qop')
  assert.is(pick('Digest realm="r"'), undefined, 'no nonce')
  assert.is(pick('Digest realm="r", nonce="1\x01"'), undefined, 'a control character could not be echoed')
  const rfc2069 = selectDigest(parseChallenges('Digest realm="r", nonce="1"'))
  assert.is(rfc2069?.qop, undefined)
  assert.is(rfc2069?.algorithm.name, 'MD5')
})

parsing.run()

const digest = suite('digestAuth: against a routechain digest server')

digest('MD5 with qop=auth: one 401, then the request again with credentials; uri carries the query', async () => {
  await withDigest({}, async (server) => {
    const client = createClient({ baseUrl: server.url, timeout: TIMEOUT, middlewares: [digestAuth('alice', 'wonderland')] })
    const res = await client.get('/private/report?year=2026&q=a%20b')
    assert.is(res.status, 200)
    const granted = await res.json<Granted>()
    assert.is(granted.user, 'alice')
    assert.is(granted.url, '/private/report?year=2026&q=a%20b')
    assert.is(server.seen.length, 2)
    assert.is(server.challenges(), 1)
    assert.is(server.seen[0]?.authorization, undefined)
    const fields = authorizationFields(server.seen[1]?.authorization ?? '')
    assert.is(fields.uri, '/private/report?year=2026&q=a%20b')
    assert.is(fields.algorithm, 'MD5')
    assert.is(fields.qop, 'auth')
    assert.is(fields.nc, '00000001')
    assert.match(fields.cnonce ?? '', /^[0-9a-f]{32}$/)
    assert.ok(fields.opaque !== undefined && fields.opaque !== '', 'opaque echoed')
    await client.close()
  })
})

for (const algorithm of ['SHA-256', 'MD5-sess', 'SHA-256-sess', 'SHA-512-256', null]) {
  digest(`algorithm ${algorithm ?? 'not named (MD5)'}`, async () => {
    await withDigest({ algorithms: [algorithm] }, async (server) => {
      const client = createClient({ baseUrl: server.url, timeout: TIMEOUT, middlewares: [digestAuth('alice', 'wonderland')] })
      for (let i = 0; i < 3; i++) {
        const res = await client.get(`/private/${i}`)
        assert.is(res.status, 200, `request ${i}: ${server.seen.at(-1)?.refused ?? ''}`)
        assert.is((await res.json<Granted>()).algorithm, algorithm)
      }
      assert.is(server.challenges(), 1)
      assert.equal(server.ncs(), ['00000001', '00000002', '00000003'])
      const fields = authorizationFields(server.seen[1]?.authorization ?? '')
      assert.is(fields.algorithm, algorithm ?? undefined, 'the algorithm echoed as named, or left out')
      if (algorithm?.endsWith('-sess') === true) {
        const cnonces = server.seen.slice(1).map((s) => authorizationFields(s.authorization ?? '').cnonce)
        assert.is(new Set(cnonces).size, 1, 'a -sess cnonce lasts as long as its nonce')
      }
      await client.close()
    })
  })
}

digest('no qop (RFC 2069): no qop, nc or cnonce sent, and up front later too', async () => {
  await withDigest({ qop: false }, async (server) => {
    const client = createClient({ baseUrl: server.url, timeout: TIMEOUT, middlewares: [digestAuth('alice', 'wonderland')] })
    assert.is((await client.get('/private')).status, 200, server.seen.at(-1)?.refused)
    assert.is((await client.get('/private/again')).status, 200, server.seen.at(-1)?.refused)
    assert.is(server.challenges(), 1)
    const fields = authorizationFields(server.seen[1]?.authorization ?? '')
    assert.equal([fields.qop, fields.nc, fields.cnonce], [undefined, undefined, undefined])
    await client.close()
  })
})

digest('SHA-256 preferred over MD5: challenges in several headers, or in one after a Basic one', async () => {
  for (const options of [{ algorithms: ['MD5', 'SHA-256'] }, { algorithms: ['MD5', 'SHA-256'], oneHeader: true, before: ['Basic realm="b"', 'Negotiate'] }]) {
    await withDigest(options, async (server) => {
      const client = createClient({ baseUrl: server.url, timeout: TIMEOUT, middlewares: [digestAuth('alice', 'wonderland')] })
      const res = await client.get('/private')
      assert.is(res.status, 200, server.seen.at(-1)?.refused)
      assert.is((await res.json<Granted>()).algorithm, 'SHA-256')
      await client.close()
    })
  }
})

digest('later requests to the origin send credentials up front: one 401 in all, nc 00000001, 00000002, …', async () => {
  await withDigest({}, async (server) => {
    const client = createClient({ baseUrl: server.url, timeout: TIMEOUT, middlewares: [digestAuth('alice', 'wonderland')] })
    for (const path of ['/private', '/private/a', '/private/b?x=1', '/private']) assert.is((await client.get(path)).status, 200)
    assert.is(server.challenges(), 1, 'only the first request met a 401')
    assert.is(server.seen.length, 5)
    assert.equal(server.ncs(), ['00000001', '00000002', '00000003', '00000004'])
    // another middleware instance remembers nothing of this one's
    const other = createClient({ baseUrl: server.url, timeout: TIMEOUT, middlewares: [digestAuth('alice', 'wonderland')] })
    assert.is((await other.get('/private')).status, 200)
    assert.is(server.challenges(), 2)
    await client.close()
    await other.close()
  })
})

digest('stale=true: the new nonce is taken and the request sent once more, nc from 00000001 again', async () => {
  await withDigest({}, async (server) => {
    const client = createClient({ baseUrl: server.url, timeout: TIMEOUT, middlewares: [digestAuth('alice', 'wonderland')] })
    assert.is((await client.get('/private')).status, 200)
    assert.is((await client.get('/private')).status, 200)
    server.expireNonces()
    const res = await client.get('/private/after')
    assert.is(res.status, 200)
    assert.is(server.seen.at(-2)?.refused, 'stale', 'the up-front credentials were right, on an expired nonce')
    assert.is((await client.get('/private/later')).status, 200)
    assert.is(server.challenges(), 2)
    assert.is(server.seen.length, 6)
    assert.equal(server.ncs(), ['00000001', '00000002', '00000001', '00000002'])
    await client.close()
  })
})

digest('a wrong password: the second 401 is returned, exactly two requests each time, no loop', async () => {
  await withDigest({}, async (server) => {
    const client = createClient({ baseUrl: server.url, timeout: TIMEOUT, middlewares: [digestAuth('alice', 'not the password')] })
    const res = await client.get('/private')
    assert.is(res.status, 401)
    assert.is(await res.text(), 'authenticate', 'the 401 returned can be read')
    assert.is(server.seen.length, 2)
    assert.is(server.seen[1]?.refused, 'response')
    assert.is((await client.get('/private')).status, 401)
    assert.is(server.seen.length, 4, 'two more, not more')
    await client.close()
  })
})

digest('a PUT with a JSON body arrives whole after the challenge', async () => {
  await withDigest({ algorithms: ['SHA-256'] }, async (server) => {
    const client = createClient({ baseUrl: server.url, timeout: TIMEOUT, middlewares: [digestAuth('alice', 'wonderland')] })
    const post = { title: 'ünïcode', tags: ['a', 'b'], n: 1 }
    const res = await client.put('/private/posts/1', { json: post })
    assert.is(res.status, 200)
    const granted = await res.json<Granted>()
    assert.is(granted.method, 'PUT')
    assert.equal(JSON.parse(granted.body), post)
    assert.is(server.seen.length, 2)
    await client.close()
  })
})

digest('a stream body is not sent again: the 401 is returned, and the next request goes up front', async () => {
  await withDigest({}, async (server) => {
    const client = createClient({ baseUrl: server.url, timeout: TIMEOUT, middlewares: [digestAuth('alice', 'wonderland')] })
    const res = await client.post('/private/upload', { body: Readable.from([Buffer.from('once')]) })
    assert.is(res.status, 401)
    await res.discard()
    assert.is(server.seen.length, 1)
    const again = await client.post('/private/upload', { body: Readable.from([Buffer.from('streamed')]) })
    assert.is(again.status, 200, server.seen.at(-1)?.refused)
    assert.is((await again.json<Granted>()).body, 'streamed')
    assert.is(server.seen.length, 2, 'the remembered challenge answered up front')
    await client.close()
  })
})

digest('user names and realms with quotes and backslashes are escaped, and hashed unescaped', async () => {
  await withDigest({ areas: [{ path: '/private', realm: 'the "quoted" \\ realm' }] }, async (server) => {
    const client = createClient({ baseUrl: server.url, timeout: TIMEOUT, middlewares: [digestAuth('o"brien\\x', 'p@ss "word"')] })
    const res = await client.get('/private')
    assert.is(res.status, 200, server.seen.at(-1)?.refused)
    assert.is((await res.json<Granted>()).user, 'o"brien\\x')
    assert.match(server.seen[1]?.authorization ?? '', 'username="o\\"brien\\\\x"')
    await client.close()
  })
})

digest('realms with a domain: each path answered up front with its own realm', async () => {
  const areas = [{ path: '/a', realm: 'A', domain: '/a' }, { path: '/b', realm: 'B', domain: '/b' }]
  await withDigest({ areas }, async (server) => {
    const client = createClient({ baseUrl: server.url, timeout: TIMEOUT, middlewares: [digestAuth('alice', 'wonderland')] })
    for (const path of ['/a', '/b', '/a/1', '/b/1', '/a/2']) assert.is((await client.get(path)).status, 200, server.seen.at(-1)?.refused)
    assert.is(server.challenges(), 2, 'one per realm')
    await client.close()
  })
})

digest('Authentication-Info nextnonce: the next request uses the new nonce, nc from 1', async () => {
  await withDigest({ nextNonce: true }, async (server) => {
    const client = createClient({ baseUrl: server.url, timeout: TIMEOUT, middlewares: [digestAuth('alice', 'wonderland')] })
    for (let i = 0; i < 3; i++) assert.is((await client.get('/private')).status, 200, server.seen.at(-1)?.refused)
    assert.is(server.challenges(), 1)
    assert.equal(server.ncs(), ['00000001', '00000001', '00000001'])
    const nonces = server.seen.slice(1).map((s) => authorizationFields(s.authorization ?? '').nonce)
    assert.is(new Set(nonces).size, 3)
    await client.close()
  })
})

digest('left alone: a request with its own Authorization, a 401 met after a redirect, a 401 without Digest', async () => {
  await withDigest({}, async (server) => {
    const client = createClient({ baseUrl: server.url, timeout: TIMEOUT, middlewares: [digestAuth('alice', 'wonderland')] })
    const own = await client.get('/private', { headers: { authorization: 'Bearer mine' } })
    assert.is(own.status, 401)
    await own.discard()
    assert.is(server.seen.length, 1)
    assert.is(server.seen[0]?.authorization, 'Bearer mine')
    const redirected = await client.get('/to-private')
    assert.is(redirected.status, 401)
    await redirected.discard()
    assert.is(server.seen.length, 2)
    await client.close()
  })
  await withDigest({ algorithms: [], before: ['Basic realm="x"'] }, async (server) => {
    const client = createClient({ baseUrl: server.url, timeout: TIMEOUT, middlewares: [digestAuth('alice', 'wonderland')] })
    assert.is((await client.get('/private')).status, 401)
    assert.is(server.seen.length, 1)
    await client.close()
  })
})

digest('concurrent first requests each get through', async () => {
  await withDigest({}, async (server) => {
    const client = createClient({ baseUrl: server.url, timeout: TIMEOUT, middlewares: [digestAuth('alice', 'wonderland')] })
    const statuses = await Promise.all([1, 2, 3, 4, 5].map(async (i) => (await client.get(`/private/${i}`)).status))
    assert.equal(statuses, [200, 200, 200, 200, 200])
    await client.close()
  })
})

digest('refuses, when made, a user name a quoted-string cannot carry safely', () => {
  for (const user of ['evil\r\nx-injected: 1', 'nul\0', 'tab\there', 'zoë', 'del\x7f', '']) {
    throwsConfig(() => digestAuth(user, 'pw'), /digestAuth\(\)/)
  }
  throwsConfig(() => digestAuth('alice', undefined as unknown as string), /password/)
  digestAuth('o"brien\\x: colon', '') // quotes and backslashes are escaped, not refused
})

digest.run()

const apache = suite('digestAuth: against apache2 mod_auth_digest')
const REALM = 'routechain apache'
const CONTENT = 'a file behind Digest\n'

/** One attempt as the innermost middleware saw it: the status, the nc sent, whether the 401 said stale. */
interface Attempt {
  status: number
  nc: string | undefined
  stale: boolean
}

/** A middleware put after digestAuth() to record every attempt it makes. */
function recorder(attempts: Attempt[]): ClientMiddleware {
  return async (req, next) => {
    const res = await next()
    const nc = authorizationFields(req.headers.authorization ?? '').nc
    attempts.push({ status: res.status, nc, stale: /stale=true/i.test(res.header('www-authenticate') ?? '') })
    return res
  }
}

/** Runs `test` against a private apache2, always stopping it and closing the clients made with `client`. */
async function withApache(nonceLifetime: number, test: (server: Apache, client: (password: string, attempts: Attempt[]) => ReturnType<typeof createClient>) => Promise<void>): Promise<void> {
  let server: Apache | undefined
  const clients: ReturnType<typeof createClient>[] = []
  try {
    server = await startApache({ realm: REALM, user: 'alice', password: 's3cret', file: { name: 'secret.txt', content: CONTENT }, nonceLifetime })
    const running = server
    await test(running, (password, attempts) => {
      const client = createClient({ baseUrl: running.url, timeout: TIMEOUT, middlewares: [digestAuth('alice', password), recorder(attempts)] })
      clients.push(client)
      return client
    })
  } finally {
    for (const client of clients) await client.close()
    await server?.stop()
  }
}

/** The access log once it has at least `lines` lines: apache writes a line just after its response, so wait up to 2 s. */
async function accessLog(server: Apache, lines: number): Promise<string[]> {
  const deadline = Date.now() + 2000
  let log = await server.accessLog()
  while (log.length < lines && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20))
    log = await server.accessLog()
  }
  return log
}

apache('fetches a protected file, then again with the cached challenge (nc 00000002, no 401); a wrong password gets its 401', async () => {
  if (!needs('apache2', hasCommand(APACHE2), 'apt-get install apache2')) return
  await withApache(300, async (server, makeClient) => {
    const attempts: Attempt[] = []
    const client = makeClient('s3cret', attempts)
    const first = await client.get('/secret.txt')
    assert.is(first.status, 200, await server.errorLog())
    assert.is(await first.text(), CONTENT)
    const second = await client.get('/secret.txt')
    assert.is(second.status, 200, await server.errorLog())
    assert.is(await second.text(), CONTENT)
    assert.equal(attempts, [
      { status: 401, nc: undefined, stale: false },
      { status: 200, nc: '00000001', stale: false },
      { status: 200, nc: '00000002', stale: false },
    ], 'the second fetch used the cached challenge: no 401')
    // apache's workers write the log as they finish, not always in request order: the attempts above give the order
    assert.equal((await accessLog(server, 3)).sort(), ['200 GET /secret.txt', '200 GET /secret.txt', '401 GET /secret.txt'])

    const wrongAttempts: Attempt[] = []
    const wrong = makeClient('wrong', wrongAttempts)
    const refused = await wrong.get('/secret.txt')
    assert.is(refused.status, 401)
    await refused.discard()
    assert.equal(wrongAttempts.map((a) => [a.status, a.nc]), [[401, undefined], [401, '00000001']], 'two requests, no loop')
    assert.equal((await accessLog(server, 5)).slice(3), ['401 GET /secret.txt', '401 GET /secret.txt'])
    assert.match(await server.errorLog(), 'user alice: password mismatch')
  })
})

apache('takes apache\'s nextnonce, and answers its stale=true once the nonce expired', async () => {
  if (!needs('apache2', hasCommand(APACHE2), 'apt-get install apache2')) return
  // apache sends a nextnonce when the nonce has under 30 s left: with a 3 s lifetime, after every success
  const lifetime = 3
  await withApache(lifetime, async (server, makeClient) => {
    const attempts: Attempt[] = []
    const client = makeClient('s3cret', attempts)
    assert.is((await client.get('/secret.txt')).status, 200, await server.errorLog())
    assert.is((await client.get('/secret.txt')).status, 200, await server.errorLog())
    assert.equal(attempts, [
      { status: 401, nc: undefined, stale: false },
      { status: 200, nc: '00000001', stale: false },
      { status: 200, nc: '00000001', stale: false }, // the nextnonce, counted from 1
    ])
    // past the lifetime apache answers the right credentials on an old nonce with stale=true
    await new Promise((resolve) => setTimeout(resolve, (lifetime + 1.5) * 1000))
    attempts.length = 0
    const late = await client.get('/secret.txt')
    assert.is(late.status, 200, await server.errorLog())
    assert.is(await late.text(), CONTENT)
    assert.equal(attempts, [
      { status: 401, nc: '00000001', stale: true },
      { status: 200, nc: '00000001', stale: false },
    ])
  })
})

apache.run()
