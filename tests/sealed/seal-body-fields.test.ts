// sealBodyFields (#8): the client sealing against a real routechain server; which bodies it seals or refuses;
// and the shared key fetch (aborts, rotation, the cache), driven by a middleware that answers in place of the
// network so the order of events is the test's to choose.
import { Readable } from 'node:stream'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  ClientError, ClientResponse, createClient, RequestAbortedError, sealBodyFields, type ClientMiddleware, type ClientRequest,
  type ClientResponseInit,
} from '../../src/client/index.js'
import {
  createApp, generateSealKeyPair, openSealed, publishSealKey, reply, sealFields, SealKeyRing, type PublishedSealKey,
} from '../../src/index.js'
import { deferred, tick } from '../_helpers/async.js'
import { recordingLogger, serve, withServer } from '../_helpers/http.js'

const pair = generateSealKeyPair()
const ring = new SealKeyRing(pair.secretKey)
const FIELDS = ['encrypted_value']
const sealing = (options: { keyUrl?: string; fields?: string[] } = {}) =>
  sealBodyFields({ keyUrl: options.keyUrl ?? '/secrets/public-key', fields: options.fields ?? FIELDS })

/** A server that records what went over the wire before openSealed, and counts key fetches. */
async function wireServer(keyRing: () => SealKeyRing) {
  const wire: unknown[] = []
  const opened: string[] = []
  const keyHeaders: Record<string, string | string[] | undefined>[] = []
  const app = createApp({ logger: recordingLogger().logger })
  app.get('/secrets/public-key', (req) => {
    keyHeaders.push({ ...req.headers })
    return publishSealKey(keyRing())(req, async () => { throw new Error('unused') })
  })
  app.put('/secrets/:name', async (req) => {
    wire.push(await req.json())
  }, (req, next) => openSealed(keyRing(), ['encrypted_value'])(req, next), (req) => {
    opened.push((req as unknown as { sealed: { encrypted_value: string } }).sealed.encrypted_value)
    return null
  })
  return { app, wire, opened, keyHeaders, keyFetches: () => keyHeaders.length }
}

/** What `status` answers with, as a network-free middleware gives it. */
type Answer = Omit<ClientResponseInit, 'url'>

/** A last middleware that answers in place of the network. */
const answering = (handle: (req: ClientRequest) => Answer | Promise<Answer>): ClientMiddleware =>
  async (req) => new ClientResponse({ ...(await handle(req)), url: req.url })

/** The opened value of a body sealed for `keyRing`, or what went wrong. */
function openBody(keyRing: SealKeyRing, body: unknown): string {
  const sent = JSON.parse(String(body)) as { key_id: string; encrypted_value: string }
  return Buffer.from(keyRing.open(sent.key_id, sent.encrypted_value)).toString('utf8')
}

const UNKNOWN_KEY: Answer = { status: 400, headers: { 'x-sealed-key': 'unknown' }, body: 'unknown key_id' }

// ---------------------------------------------------------------------------------------------------------------

const client = suite('sealBodyFields: against a real routechain server')

client('seals the named fields on the way out, fetching the key once for many requests', async () => {
  const target = await wireServer(() => ring)
  await withServer(target.app, async (s) => {
    const api = createClient({ baseUrl: s.url, middlewares: [sealing()] })
    for (const value of ['one', 'two', 'three']) {
      assert.is((await api.put(`/secrets/${value}`, { json: { encrypted_value: value } })).status, 204)
    }
    await Promise.all(['a', 'b', 'c', 'd'].map((v) => api.put(`/secrets/${v}`, { json: { encrypted_value: v } })))
    assert.equal(target.opened, ['one', 'two', 'three', 'a', 'b', 'c', 'd'])
    assert.is(target.keyFetches(), 1, 'one fetch, shared and cached')
    for (const body of target.wire) {
      const sent = body as { key_id: string; encrypted_value: string }
      assert.is(sent.key_id, pair.keyId)
      assert.ok(!['one', 'two', 'three', 'a', 'b', 'c', 'd'].includes(sent.encrypted_value), 'never plaintext on the wire')
    }
    const plain = await api.put('/secrets/none', { json: { other: 1 } })
    assert.is(plain.status, 400, 'a body without the fields goes as it is (and this server wants them)')
    await api.close()
  })
})

client('after the server rotates its key away, its unknown-key 400 makes the client fetch the new key and send again', async () => {
  let current = ring
  const target = await wireServer(() => current)
  await withServer(target.app, async (s) => {
    const api = createClient({ baseUrl: s.url, middlewares: [sealing()] })
    assert.is((await api.put('/secrets/a', { json: { encrypted_value: 'before' } })).status, 204)
    current = new SealKeyRing(generateSealKeyPair().secretKey) // the old key dropped: its values no longer open
    const res = await api.put('/secrets/b', { json: { encrypted_value: 'after' } })
    assert.is(res.status, 204)
    assert.equal(target.opened, ['before', 'after'])
    assert.is(target.keyFetches(), 2)
    await api.close()
  })
})

client('a key endpoint that does not answer a key is a clear error, naming the key fetch', async () => {
  const zero = Buffer.alloc(32).toString('base64')
  for (const [answer, message] of [
    [{ nope: true }, /answered 200, not \{ key_id, key \} with a 32-byte base64 key \(GET http:\/\/127\.0\.0\.1:\d+\/secrets\/public-key\)/],
    [{ key_id: 'k', key: zero }, /answered 200, with a key that is a low-order point/],
    [{ key_id: 'k', key: Buffer.from('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800', 'hex').toString('base64') }, /low-order point/],
  ] as const) {
    const app = createApp({ logger: recordingLogger().logger })
    let puts = 0
    app.get('/secrets/public-key', () => answer)
    app.put('/secrets/:name', () => { puts++; return null })
    await withServer(app, async (s) => {
      const api = createClient({ baseUrl: s.url, middlewares: [sealing()] })
      const error = await api.put('/secrets/a', { json: { encrypted_value: 'x' } }).catch((e: unknown) => e)
      assert.instance(error, ClientError)
      assert.is((error as ClientError).code, 'ERR_ROUTECHAIN_CLIENT_SEAL_KEY')
      assert.match((error as Error).message, message)
      assert.is(puts, 0, 'nothing was sent sealed to a key anyone could open')
      await api.close()
    })
  }
})

client('sealFields, the plain function, seals for a key fetched by hand', async () => {
  const published: PublishedSealKey = ring.published()
  const body = sealFields({ encrypted_value: 'v', untouched: 1 }, ['encrypted_value', 'absent'], published)
  assert.equal(Object.keys(body).sort(), ['encrypted_value', 'key_id', 'untouched'])
  assert.is(Buffer.from(ring.open(published.key_id, body.encrypted_value as string)).toString(), 'v')
  assert.throws(() => sealFields({ encrypted_value: 5 }, ['encrypted_value'], published), /must be a string to be sealed/)
})

client('the key fetch sends accept and user-agent, and Authorization and Cookie only to the request\'s origin (#8 review)', async () => {
  const seen: Record<string, string | string[] | undefined>[] = []
  const keyApp = createApp({ logger: recordingLogger().logger })
  keyApp.get('/public-key', (req) => {
    seen.push({ ...req.headers })
    return ring.published()
  })
  const first = await wireServer(() => ring)
  const otherPair = generateSealKeyPair()
  const second = await wireServer(() => new SealKeyRing(otherPair.secretKey))
  const keyServer = await serve(keyApp)
  const [a, b] = [await serve(first.app), await serve(second.app)]
  try {
    const headers = { authorization: 'Bearer api-token', cookie: 'session=abc', 'user-agent': 'sealer/1.0', 'x-request-note': 'for the API only' }
    const remote = createClient({ baseUrl: a.url, headers, middlewares: [sealing({ keyUrl: `${keyServer.url}/public-key` })] })
    assert.is((await remote.put('/secrets/x', { json: { encrypted_value: 'v' } })).status, 204)
    assert.is(seen.length, 1)
    assert.is(seen[0]?.authorization, undefined)
    assert.is(seen[0]?.cookie, undefined)
    assert.is(seen[0]?.['user-agent'], 'sealer/1.0')
    assert.is(seen[0]?.accept, 'application/json')
    assert.is(seen[0]?.['x-request-note'], undefined)
    assert.is(seen[0]?.['content-type'], undefined)
    await remote.close()

    const noBase = createClient({ headers, middlewares: [sealing()] })
    for (let i = 0; i < 3; i++) {
      assert.is((await noBase.put(`${a.url}/secrets/a${i}`, { json: { encrypted_value: `a${i}` } })).status, 204)
      assert.is((await noBase.put(`${b.url}/secrets/b${i}`, { json: { encrypted_value: `b${i}` } })).status, 204)
    }
    assert.is(first.keyFetches(), 1, 'each service\'s key fetched once')
    assert.is(second.keyFetches(), 1)
    assert.equal(second.opened, ['b0', 'b1', 'b2'])
    const sameOrigin = first.keyHeaders[0] ?? {}
    assert.is(sameOrigin.authorization, 'Bearer api-token', 'the key URL has the request\'s origin: its credentials go')
    assert.is(sameOrigin.cookie, 'session=abc')
    assert.is(sameOrigin['user-agent'], 'sealer/1.0')
    assert.is(sameOrigin['x-request-note'], undefined, 'the request\'s other headers do not')
    assert.is(sameOrigin['content-type'], undefined)
    await noBase.close()
  } finally {
    await Promise.all([keyServer.close(), a.close(), b.close()])
  }
})

client('when the key cannot be fetched again after an unknown-key 400, the 400 is what the caller gets', async () => {
  let keyUp = true
  const app = createApp({ logger: recordingLogger().logger })
  app.get('/secrets/public-key', () => keyUp ? ring.published() : reply('down', { status: 503 }))
  app.put('/secrets/:name', () => reply('refused', { status: 400, headers: { 'x-sealed-key': 'unknown' } }))
  await withServer(app, async (s) => {
    const api = createClient({ baseUrl: s.url, middlewares: [sealing()] })
    assert.is((await api.put('/secrets/a', { json: { encrypted_value: 'x' } })).status, 400)
    keyUp = false
    const res = await api.put('/secrets/b', { json: { encrypted_value: 'y' } })
    assert.is(res.status, 400)
    assert.is(await res.text(), 'refused')
    await api.close()
  })
})

client.run()

// ---------------------------------------------------------------------------------------------------------------

const bodies = suite('sealBodyFields: which bodies are sealed (#8 review)')

bodies('text and bytes bodies with any JSON content type the server reads as JSON are sealed', async () => {
  const target = await wireServer(() => ring)
  await withServer(target.app, async (s) => {
    const api = createClient({ baseUrl: s.url, middlewares: [sealing()] })
    const plaintext = JSON.stringify({ encrypted_value: 'from-bytes' })
    const padded = Buffer.from(`xx${plaintext}yy`)
    const cases: [string, string, string | Uint8Array][] = [
      ['a Buffer', 'application/json', Buffer.from(plaintext)],
      ['a Uint8Array view into a larger buffer', 'application/json', new Uint8Array(padded.buffer, padded.byteOffset + 2, plaintext.length)],
      ['text, the type upper case, spaced, with parameters', ' Application/JSON ; charset=utf-8', plaintext],
      ['a +json type', 'application/vnd.api+json', plaintext],
    ]
    for (const [what, type, body] of cases) {
      target.wire.length = 0
      // a content-length given for the plaintext is dropped, or the sealed body would not match it
      const res = await api.put('/secrets/x', { body, headers: { 'content-type': type, 'content-length': String(plaintext.length) } })
      assert.is(res.status, 204, what)
      const sent = target.wire[0] as { key_id: string; encrypted_value: string }
      assert.is(sent.key_id, pair.keyId, what)
      assert.is.not(sent.encrypted_value, 'from-bytes', what)
    }
    assert.equal(target.opened, ['from-bytes', 'from-bytes', 'from-bytes', 'from-bytes'])
    await api.close()
  })
})

bodies('a function or stream body with a JSON content type is refused: pass json; nothing is sent', async () => {
  const target = await wireServer(() => ring)
  await withServer(target.app, async (s) => {
    const api = createClient({ baseUrl: s.url, middlewares: [sealing()] })
    const text = JSON.stringify({ encrypted_value: 'never-in-plaintext' })
    for (const [what, body] of [
      ['a body function', () => text],
      ['a stream', Readable.from([Buffer.from(text)])],
      ['an async iterable', (async function* () { yield Buffer.from(text) })()],
    ] as const) {
      const error = await api.put('/secrets/x', { body, headers: { 'content-type': 'application/json' } }).catch((e: unknown) => e)
      assert.instance(error, ClientError, what)
      assert.is((error as ClientError).code, 'ERR_ROUTECHAIN_CLIENT_SEAL_BODY', what)
      assert.match((error as Error).message, /pass the body as `json`/, what)
    }
    assert.equal(target.wire, [], 'no body went out')
    assert.is(target.keyFetches(), 0)
    // other content types are not sealBodyFields' business
    const other = await api.put('/secrets/x', { body: () => 'plain text', headers: { 'content-type': 'text/plain' } })
    assert.is(other.status, 415)
    await api.close()
  })
})

bodies('fields are the body\'s own: one named toString is sealed when present and skipped when absent', async () => {
  const target = await wireServer(() => ring)
  await withServer(target.app, async (s) => {
    const api = createClient({ baseUrl: s.url, middlewares: [sealing({ fields: ['encrypted_value', 'toString'] })] })
    assert.is((await api.put('/secrets/a', { json: { encrypted_value: 'a' } })).status, 204, 'no TypeError for the prototype\'s toString')
    assert.is((await api.put('/secrets/b', { json: { encrypted_value: 'b', toString: 'also secret' } })).status, 204)
    const sent = target.wire[1] as { key_id: string; toString: string }
    assert.is(Buffer.from(ring.open(sent.key_id, sent.toString)).toString(), 'also secret')
    assert.equal(target.opened, ['a', 'b'])
    await api.close()
  })
})

bodies('a named field that cannot be sealed (not a string, a lone surrogate) is refused; nothing is sent', async () => {
  const target = await wireServer(() => ring)
  await withServer(target.app, async (s) => {
    const api = createClient({ baseUrl: s.url, middlewares: [sealing()] })
    for (const value of [5, null, { nested: 'x' }, '\uD800']) {
      const error = await api.put('/secrets/x', { json: { encrypted_value: value } }).catch((e: unknown) => e)
      assert.is((error as ClientError).code, 'ERR_ROUTECHAIN_CLIENT_SEAL_BODY', JSON.stringify(value))
      assert.match((error as Error).message, /cannot seal the body/)
    }
    assert.equal(target.wire, [])
    await api.close()
  })
})

bodies.run()

// ---------------------------------------------------------------------------------------------------------------

const shared = suite('sealBodyFields: the shared key fetch (#8 review)')

shared('aborting the request that started the key fetch fails it alone; the fetch has no signal and a timeout', async () => {
  const gate = deferred()
  const keyRequests: ClientRequest[] = []
  const opened: string[] = []
  const service = answering(async (req) => {
    if (req.method === 'GET') {
      keyRequests.push(req)
      await gate.promise
      return { status: 200, body: JSON.stringify(ring.published()) }
    }
    opened.push(openBody(ring, req.body))
    return { status: 204 }
  })
  const api = createClient({ baseUrl: 'http://api.test', middlewares: [sealing(), service] })
  const controller = new AbortController()
  const first = api.put('/secrets/first', { json: { encrypted_value: 'first' }, signal: controller.signal })
  await tick()
  const second = api.put('/secrets/second', { json: { encrypted_value: 'second' } })
  await tick()
  controller.abort()
  const error = await first.catch((e: unknown) => e)
  assert.instance(error, RequestAbortedError)
  assert.is((error as RequestAbortedError).url, 'http://api.test/secrets/first', 'named after its own request')
  gate.resolve()
  assert.is((await second).status, 204, 'the other request got the key')
  assert.equal(opened, ['second'])
  assert.is(keyRequests.length, 1)
  assert.is(keyRequests[0]?.signal, undefined)
  assert.is(keyRequests[0]?.timeout, 30_000, 'no request timeout: the fetch still ends')
  assert.is((await api.put('/secrets/third', { json: { encrypted_value: 'third' } })).status, 204)
  assert.is(keyRequests.length, 1, 'the key the aborted request started fetching was kept')
  await api.close()
})

shared('a request aborted while waiting for the key fails alone, with its own RequestAbortedError', async () => {
  const gate = deferred()
  let keyFetches = 0
  const service = answering(async (req) => {
    if (req.method !== 'GET') return { status: 204 }
    keyFetches++
    await gate.promise
    return { status: 200, body: JSON.stringify(ring.published()) }
  })
  const api = createClient({ baseUrl: 'http://api.test', timeout: 4000, middlewares: [sealing(), service] })
  const first = api.put('/secrets/first', { json: { encrypted_value: 'first' } })
  await tick()
  const controller = new AbortController()
  const waiter = api.put('/secrets/waiter', { json: { encrypted_value: 'w' }, signal: controller.signal }).catch((e: unknown) => e)
  const early = api.put('/secrets/early', { json: { encrypted_value: 'e' }, signal: AbortSignal.abort(new Error('already')) }).catch((e: unknown) => e)
  await tick()
  controller.abort()
  for (const [promise, url] of [[waiter, 'http://api.test/secrets/waiter'], [early, 'http://api.test/secrets/early']] as const) {
    const error = await promise
    assert.instance(error, RequestAbortedError)
    assert.is((error as RequestAbortedError).url, url)
  }
  gate.resolve()
  assert.is((await first).status, 204)
  assert.is(keyFetches, 1)
  await api.close()
})

shared('only the unknown-key 400 makes the client look at the key again; any other 400 is returned as it is', async () => {
  let keyFetches = 0
  let answer: Answer = { status: 204 }
  const service = answering((req) => {
    if (req.method === 'GET') {
      keyFetches++
      return { status: 200, body: JSON.stringify(ring.published()) }
    }
    return answer
  })
  const api = createClient({ baseUrl: 'http://api.test', middlewares: [sealing(), service] })
  assert.is((await api.put('/secrets/warm', { json: { encrypted_value: 'w' } })).status, 204)
  answer = { status: 400, body: 'does not open' }
  const res = await api.put('/secrets/a', { json: { encrypted_value: 'a' } })
  assert.is(res.status, 400)
  assert.is(await res.text(), 'does not open')
  assert.is(keyFetches, 1, 'no second look for a 400 about something else, with the key from the cache')
  answer = UNKNOWN_KEY
  const unknown = await api.put('/secrets/b', { json: { encrypted_value: 'b' } })
  assert.is(unknown.status, 400)
  assert.is(await unknown.text(), 'unknown key_id', 'the key has not changed: the 400 stands')
  assert.is(keyFetches, 2)
  await api.close()
})

shared('a key that changed under the same key_id is noticed: the value is sealed again and sent', async () => {
  const before = new SealKeyRing({ secretKey: pair.secretKey, keyId: 'k1' })
  const after = new SealKeyRing({ secretKey: generateSealKeyPair().secretKey, keyId: 'k1' })
  let current = before
  const opened: string[] = []
  const service = answering((req) => {
    if (req.method === 'GET') return { status: 200, body: JSON.stringify(current.published()) }
    try {
      opened.push(openBody(current, req.body))
      return { status: 204 }
    } catch {
      return UNKNOWN_KEY // a server that marks a box its current key does not open
    }
  })
  const api = createClient({ baseUrl: 'http://api.test', middlewares: [sealing(), service] })
  assert.is((await api.put('/secrets/a', { json: { encrypted_value: 'a' } })).status, 204)
  current = after
  assert.is((await api.put('/secrets/b', { json: { encrypted_value: 'b' } })).status, 204)
  assert.equal(opened, ['a', 'b'])
  await api.close()
})

shared('a late unknown-key 400 does not drop a key fetched since: one fetch for the new key', async () => {
  const old = ring
  const fresh = new SealKeyRing(generateSealKeyPair().secretKey)
  let current = old
  let keyFetches = 0
  const slow = deferred()
  const service = answering(async (req) => {
    if (req.method === 'GET') {
      keyFetches++
      return { status: 200, body: JSON.stringify(current.published()) }
    }
    if (req.url.pathname === '/secrets/slow') await slow.promise
    try {
      return { status: 204, body: openBody(current, req.body) }
    } catch {
      return UNKNOWN_KEY
    }
  })
  const api = createClient({ baseUrl: 'http://api.test', middlewares: [sealing(), service] })
  assert.is((await api.put('/secrets/warm', { json: { encrypted_value: 'w' } })).status, 204)
  current = fresh
  const late = api.put('/secrets/slow', { json: { encrypted_value: 'slow' } }) // sealed to the old key, answered later
  await tick()
  assert.is((await api.put('/secrets/quick', { json: { encrypted_value: 'quick' } })).status, 204, 'refetched and sent again')
  assert.is(keyFetches, 2)
  slow.resolve()
  const res = await late
  assert.is(res.status, 204)
  assert.is(await res.text(), 'slow')
  assert.is(keyFetches, 2, 'the new key stayed cached: the late 400 used it without fetching again')
  await api.close()
})

shared('the cache keeps the keys of at most 100 key URLs, dropping the oldest', async () => {
  const fetched: string[] = []
  const service = answering((req) => {
    if (req.method === 'GET') {
      fetched.push(req.url.host)
      return { status: 200, body: JSON.stringify(ring.published()) }
    }
    return { status: 204 }
  })
  const api = createClient({ middlewares: [sealing(), service] })
  const put = (host: string) => api.put(`http://${host}/secrets/x`, { json: { encrypted_value: 'x' } })
  for (let i = 0; i <= 100; i++) assert.is((await put(`s${i}.test`)).status, 204)
  assert.is(fetched.length, 101)
  await put('s100.test')
  await put('s1.test')
  assert.is(fetched.length, 101, 'the newest 100 are kept')
  await put('s0.test')
  assert.is(fetched.length, 102, 'the oldest was dropped, so it is fetched again')
  assert.is(fetched.at(-1), 's0.test')
  await api.close()
})

shared.run()
