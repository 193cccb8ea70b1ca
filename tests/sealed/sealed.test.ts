// Sealed-box secrets (#8): keys and the ring, the server steps over HTTP with every 400, and the client
// sealing against a real routechain server.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import nacl from 'tweetnacl'
import { createClient, sealBodyFields } from '../../src/client/index.js'
import {
  createApp, reply, generateSealKeyPair, openSealed, publishSealKey, sealFields, sealKeyId, sealValue, SealedValueError,
  SealKeyRing, type PublishedSealKey,
} from '../../src/index.js'
import { throwsConfig } from '../_helpers/assert.js'
import { recordingLogger, serve, withServer, type TestServer } from '../_helpers/http.js'

const keys = suite('sealed: keys and the ring')

keys('a generated pair seals and opens; its id is derived from the public key', () => {
  const pair = generateSealKeyPair()
  const ring = new SealKeyRing(pair.secretKey)
  assert.equal(ring.published(), { key_id: pair.keyId, key: pair.publicKey })
  assert.is(pair.keyId, sealKeyId(Buffer.from(pair.publicKey, 'base64')))
  const sealed = sealValue('s3cr3t', pair.publicKey)
  assert.is(Buffer.from(ring.open(pair.keyId, sealed)).toString(), 's3cr3t')
  assert.is.not(sealValue('s3cr3t', pair.publicKey), sealed, 'each seal uses a fresh ephemeral key')
  assert.is(Buffer.from(sealed, 'base64').length, 's3cr3t'.length + 48)
})

keys('rotation: the first key is published, every key opens', () => {
  const old = generateSealKeyPair()
  const current = generateSealKeyPair()
  const ring = new SealKeyRing([current.secretKey, old.secretKey])
  assert.is(ring.published().key_id, current.keyId)
  assert.equal(ring.keyIds(), [current.keyId, old.keyId])
  assert.is(Buffer.from(ring.open(old.keyId, sealValue('old', old.publicKey))).toString(), 'old')
  assert.is(Buffer.from(ring.open(current.keyId, sealValue('new', current.publicKey))).toString(), 'new')
  const custom = new SealKeyRing({ secretKey: Buffer.from(current.secretKey, 'base64'), keyId: '568250167242549743' })
  assert.is(custom.published().key_id, '568250167242549743', 'a chosen id, as GitHub\'s numeric ones')
})

keys('open says why a value does not open', () => {
  const pair = generateSealKeyPair()
  const other = generateSealKeyPair()
  const ring = new SealKeyRing(pair.secretKey)
  const why = (keyId: string, value: string) => {
    try {
      ring.open(keyId, value)
    } catch (error) {
      assert.instance(error, SealedValueError)
      return (error as Error).message
    }
    return 'opened'
  }
  assert.match(why('nope', sealValue('x', pair.publicKey)), /unknown key_id "nope"/)
  assert.match(why(pair.keyId, 'not base64!'), /not base64/)
  assert.match(why(pair.keyId, Buffer.alloc(40).toString('base64')), /too short/)
  assert.match(why(pair.keyId, sealValue('x', other.publicKey)), /does not open/)
  const tampered = Buffer.from(sealValue('x', pair.publicKey), 'base64')
  tampered.writeUInt8((tampered.at(-1) as number) ^ 1, tampered.length - 1)
  assert.match(why(pair.keyId, tampered.toString('base64')), /does not open/)
})

keys('refuses keys of the wrong size or form at start-up, and clashing ids', () => {
  assert.match(throwsConfig(() => new SealKeyRing(Buffer.alloc(31).toString('base64'))).message, /decodes to 31 bytes, not 32; make a pair with generateSealKeyPair\(\)/)
  assert.match(throwsConfig(() => new SealKeyRing(new Uint8Array(16))).message, /must be 32 bytes/)
  assert.match(throwsConfig(() => new SealKeyRing('')).message, /no key given/)
  assert.match(throwsConfig(() => new SealKeyRing([])).message, /at least one key/)
  const pair = generateSealKeyPair()
  assert.match(throwsConfig(() => new SealKeyRing([pair.secretKey, pair.secretKey])).message, /two keys share the id/)
  assert.throws(() => sealValue('x', 'c2hvcnQ='), /public key must be 32 bytes/)
})

keys('the secret key given yields the public key libsodium would (X25519 of the secret)', () => {
  const pair = nacl.box.keyPair()
  const ring = new SealKeyRing(Buffer.from(pair.secretKey).toString('base64'))
  assert.is(ring.published().key, Buffer.from(pair.publicKey).toString('base64'))
})

keys.run()

const steps = suite('sealed: publishSealKey and openSealed over HTTP')

let pair = generateSealKeyPair()
let ring = new SealKeyRing(pair.secretKey)
let server: TestServer
let stored: { sealed: Record<string, string>; body: unknown } | undefined
/** What the step after openSealed last stored (read through a function: the tests reset it between requests). */
const lastStored = (): typeof stored => stored

function secretsApp(keyRing: SealKeyRing) {
  const app = createApp({ logger: recordingLogger().logger })
  app.get('/secrets/public-key', publishSealKey(keyRing))
  app.put('/secrets/:name', openSealed(keyRing, ['encrypted_value', 'note']), async (req) => {
    const sealed: { encrypted_value: string; note: string } = req.sealed
    stored = { sealed: { ...sealed }, body: await req.json() }
    return null
  })
  return app
}

steps.before(async () => { server = await serve(secretsApp(ring)) })
steps.after(() => server.close())

steps('the key is published as { key_id, key }', async () => {
  const res = await server.fetch('/secrets/public-key')
  assert.equal(JSON.parse(res.body), ring.published())
})

steps('named fields open before the next step: typed in req.sealed, and plaintext in the body', async () => {
  stored = undefined
  const body = sealFields({ encrypted_value: 'tok-123', note: 'héllo ✓', other: 'left alone' }, ['encrypted_value', 'note'], ring.published())
  assert.is.not(body.encrypted_value, 'tok-123')
  const res = await server.fetch('/secrets/deploy', { method: 'PUT', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })
  assert.is(res.status, 204)
  assert.equal(lastStored()?.sealed, { encrypted_value: 'tok-123', note: 'héllo ✓' })
  assert.equal(lastStored()?.body, { encrypted_value: 'tok-123', note: 'héllo ✓', other: 'left alone', key_id: pair.keyId })
})

steps('every way a body can be wrong answers 400 with the reason, and the step after never runs', async () => {
  const key = ring.published()
  const good = sealValue('x', key.key)
  const other = generateSealKeyPair()
  const tampered = Buffer.from(good, 'base64')
  tampered.writeUInt8((tampered.at(40) as number) ^ 1, 40)
  const cases: [string, string, RegExp][] = [
    ['no key_id', JSON.stringify({ encrypted_value: good, note: good }), /has no key_id/],
    ['an unknown key_id', JSON.stringify({ key_id: 'gone', encrypted_value: good, note: good }), /unknown key_id "gone": fetch the current public key/],
    ['bad base64', JSON.stringify({ key_id: key.key_id, encrypted_value: 'a*b', note: good }), /"encrypted_value": not base64/],
    ['too short', JSON.stringify({ key_id: key.key_id, encrypted_value: 'AAAA', note: good }), /too short/],
    ['sealed to another key', JSON.stringify({ key_id: key.key_id, encrypted_value: sealValue('x', other.publicKey), note: good }), /does not open/],
    ['tampered', JSON.stringify({ key_id: key.key_id, encrypted_value: tampered.toString('base64'), note: good }), /does not open/],
    ['a missing field', JSON.stringify({ key_id: key.key_id, encrypted_value: good }), /"note" is missing or not a base64 string/],
    ['a field not a string', JSON.stringify({ key_id: key.key_id, encrypted_value: 5, note: good }), /"encrypted_value" is missing or not/],
    ['not UTF-8 inside', JSON.stringify({ key_id: key.key_id, encrypted_value: sealValue(new Uint8Array([0xff, 0xfe]), key.key), note: good }), /does not hold UTF-8 text/],
    ['an array', JSON.stringify([good]), /must be a JSON object/],
    ['invalid JSON', '{"key_id":', /invalid JSON/],
  ]
  for (const [what, body, message] of cases) {
    stored = undefined
    const res = await server.fetch('/secrets/x', { method: 'PUT', body, headers: { 'content-type': 'application/json' } })
    assert.is(res.status, 400, what)
    assert.match(res.body, message, what)
    assert.is(lastStored(), undefined, `${what}: the step after openSealed did not run`)
  }
})

steps('refuses what cannot be configured', () => {
  assert.match(throwsConfig(() => openSealed(ring, [])).message, /non-empty list of body field names/)
  assert.match(throwsConfig(() => openSealed(ring, ['key_id'])).message, /not "key_id"/)
  assert.match(throwsConfig(() => openSealed({} as never, ['a'])).message, /takes a SealKeyRing/)
  assert.match(throwsConfig(() => publishSealKey({} as never)).message, /takes a SealKeyRing/)
})

steps.run()

const client = suite('sealed: the client seals against a real routechain server')

/** A server that records what went over the wire before openSealed, and counts key fetches. */
async function wireServer(keyRing: () => SealKeyRing) {
  const wire: unknown[] = []
  const opened: string[] = []
  let keyFetches = 0
  const app = createApp({ logger: recordingLogger().logger })
  app.get('/secrets/public-key', (req) => {
    keyFetches++
    return publishSealKey(keyRing())(req, async () => { throw new Error('unused') })
  })
  app.put('/secrets/:name', async (req) => {
    wire.push(JSON.parse(JSON.stringify(await req.json())))
  }, (req, next) => openSealed(keyRing(), ['encrypted_value'])(req, next), (req) => {
    opened.push((req as unknown as { sealed: { encrypted_value: string } }).sealed.encrypted_value)
    return null
  })
  return { app, wire, opened, keyFetches: () => keyFetches }
}

client('seals the named fields on the way out, fetching the key once for many requests', async () => {
  const target = await wireServer(() => ring)
  await withServer(target.app, async (s) => {
    const api = createClient({ baseUrl: s.url, middlewares: [sealBodyFields({ keyUrl: '/secrets/public-key', fields: ['encrypted_value'] })] })
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

client('after the server rotates its key away, a 400 makes the client fetch the new key and send again', async () => {
  let current = ring
  const target = await wireServer(() => current)
  await withServer(target.app, async (s) => {
    const api = createClient({ baseUrl: s.url, middlewares: [sealBodyFields({ keyUrl: '/secrets/public-key', fields: ['encrypted_value'] })] })
    assert.is((await api.put('/secrets/a', { json: { encrypted_value: 'before' } })).status, 204)
    pair = generateSealKeyPair()
    current = new SealKeyRing(pair.secretKey) // the old key dropped: its values no longer open
    const res = await api.put('/secrets/b', { json: { encrypted_value: 'after' } })
    assert.is(res.status, 204)
    assert.equal(target.opened, ['before', 'after'])
    assert.is(target.keyFetches(), 2)
    ring = current
    await api.close()
  })
})

client('a key endpoint that does not answer a key is a clear error', async () => {
  const app = createApp({ logger: recordingLogger().logger })
  app.get('/secrets/public-key', () => ({ nope: true }))
  app.put('/secrets/:name', () => null)
  await withServer(app, async (s) => {
    const api = createClient({ baseUrl: s.url, middlewares: [sealBodyFields({ keyUrl: '/secrets/public-key', fields: ['encrypted_value'] })] })
    const error = await api.put('/secrets/a', { json: { encrypted_value: 'x' } }).catch((e: unknown) => e)
    assert.is((error as { code?: string }).code, 'ERR_ROUTECHAIN_CLIENT_SEAL_KEY')
    assert.match((error as Error).message, /answered 200, not \{ key_id, key \}/)
    await api.close()
  })
})

client('sealFields, the plain function, seals for a key fetched by hand', async () => {
  const published: PublishedSealKey = ring.published()
  const body = sealFields({ encrypted_value: 'v', untouched: 1 }, ['encrypted_value', 'absent'], published)
  assert.equal(Object.keys(body).sort(), ['encrypted_value', 'key_id', 'untouched'])
  assert.is(Buffer.from(ring.open(published.key_id, body.encrypted_value as string)).toString(), 'v')
  assert.throws(() => sealFields({ encrypted_value: 5 }, ['encrypted_value'], published), /must be a string to be sealed/)
})

client('a key server on another origin gets no Authorization or Cookie; each service keeps its own key', async () => {
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
    const credentials = { authorization: 'Bearer api-token', cookie: 'session=abc' }
    const remote = createClient({ baseUrl: a.url, headers: credentials, middlewares: [sealBodyFields({ keyUrl: `${keyServer.url}/public-key`, fields: ['encrypted_value'] })] })
    assert.is((await remote.put('/secrets/x', { json: { encrypted_value: 'v' } })).status, 204)
    assert.is(seen.length, 1)
    assert.is(seen[0]?.authorization, undefined)
    assert.is(seen[0]?.cookie, undefined)
    await remote.close()

    const noBase = createClient({ headers: credentials, middlewares: [sealBodyFields({ keyUrl: '/secrets/public-key', fields: ['encrypted_value'] })] })
    for (let i = 0; i < 3; i++) {
      assert.is((await noBase.put(`${a.url}/secrets/a${i}`, { json: { encrypted_value: `a${i}` } })).status, 204)
      assert.is((await noBase.put(`${b.url}/secrets/b${i}`, { json: { encrypted_value: `b${i}` } })).status, 204)
    }
    assert.is(first.keyFetches(), 1, 'each service\'s key fetched once')
    assert.is(second.keyFetches(), 1)
    assert.equal(second.opened, ['b0', 'b1', 'b2'])
    await noBase.close()
  } finally {
    await Promise.all([keyServer.close(), a.close(), b.close()])
  }
})

client('when the key cannot be fetched again after a 400, the 400 is what the caller gets', async () => {
  let keyUp = true
  const app = createApp({ logger: recordingLogger().logger })
  app.get('/secrets/public-key', () => keyUp ? ring.published() : reply('down', { status: 503 }))
  app.put('/secrets/:name', () => reply('refused', { status: 400 }))
  await withServer(app, async (s) => {
    const api = createClient({ baseUrl: s.url, middlewares: [sealBodyFields({ keyUrl: '/secrets/public-key', fields: ['encrypted_value'] })] })
    assert.is((await api.put('/secrets/a', { json: { encrypted_value: 'x' } })).status, 400)
    keyUp = false
    const res = await api.put('/secrets/b', { json: { encrypted_value: 'y' } })
    assert.is(res.status, 400)
    assert.is(await res.text(), 'refused')
    await api.close()
  })
})

client.run()
