// Sealed-box secrets (#8): keys and the ring, and the server steps over HTTP with every 400. The client
// middleware is in seal-body-fields.test.ts.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import blake from 'blakejs'
import nacl from 'tweetnacl'
import tweetsodium from 'tweetsodium'
import {
  createApp, generateSealKeyPair, openSealed, publishSealKey, RoutechainError, SEALED_KEY_HEADER, sealFields, sealKeyId,
  sealValue, SealedValueError, SealKeyRing,
} from '../../src/index.js'
import { checkPublicKey, decodeBase64 } from '../../src/sealed/public-key.js'
import { throwsConfig } from '../_helpers/assert.js'
import { recordingLogger, serve, type TestServer } from '../_helpers/http.js'

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** The same bytes in padded base64 with an unused bit of the last character set: Buffer decodes it alike, but it is not canonical. */
function nonCanonical(base64: string): string {
  const at = base64.indexOf('=') - 1
  assert.ok(at >= 0, 'needs padding, so the last character has unused bits')
  const value = BASE64_ALPHABET.indexOf(base64[at] as string)
  return base64.slice(0, at) + BASE64_ALPHABET[value | 1] + base64.slice(at + 1)
}

/**
 * X25519 points whose product with any secret key is all zeros: 0, 1, the two points of order 8, and p - 1,
 * p, p + 1 (little-endian), the list libsodium's own low-order check works from.
 */
const LOW_ORDER_KEYS = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
  '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
].map((hex) => Buffer.from(hex, 'hex'))

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
  assert.ok(ring.has(pair.keyId))
  assert.not.ok(ring.has('other'))
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

keys('open says why a value does not open, with a SealedValueError coded ERR_ROUTECHAIN_SEALED_VALUE (#8 review)', () => {
  const pair = generateSealKeyPair()
  const other = generateSealKeyPair()
  const ring = new SealKeyRing(pair.secretKey)
  const why = (keyId: string, value: string) => {
    try {
      ring.open(keyId, value)
    } catch (error) {
      assert.instance(error, SealedValueError)
      assert.instance(error, RoutechainError)
      assert.is((error as SealedValueError).code, 'ERR_ROUTECHAIN_SEALED_VALUE')
      assert.is((error as SealedValueError).name, 'SealedValueError')
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

keys('only canonical base64 is read: a box or a key with an unused bit set is refused (#8 review)', () => {
  const pair = generateSealKeyPair()
  const ring = new SealKeyRing(pair.secretKey)
  const box = sealValue('x', pair.publicKey) // 49 bytes: two unused bits' worth of padding
  const spelled = nonCanonical(box)
  assert.is.not(spelled, box)
  assert.equal(Buffer.from(spelled, 'base64'), Buffer.from(box, 'base64'), 'Buffer reads both spellings alike')
  assert.throws(() => ring.open(pair.keyId, spelled), /not base64/)
  assert.is(Buffer.from(ring.open(pair.keyId, box)).toString(), 'x')
  assert.throws(() => sealValue('x', nonCanonical(pair.publicKey)), /public key must be 32 bytes, or their standard base64/)
  for (const text of ['AB==', 'AAB=', 'AA', 'AA=', 'A A=', 'AA==\n', '-_8=']) assert.is(decodeBase64(text), undefined, text)
  assert.equal([...(decodeBase64('AA==') ?? [])], [0])
  assert.equal([...(decodeBase64('') ?? [1])], [])
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

keys('refuses an all-zero secret key at start-up (#8 review)', () => {
  for (const zero of [new Uint8Array(32), Buffer.alloc(32).toString('base64'), { secretKey: Buffer.alloc(32), keyId: 'k' }]) {
    assert.match(throwsConfig(() => new SealKeyRing(zero)).message, /SealKeyRing: the secret key is all zeros.*generateSealKeyPair\(\)/)
  }
  const one = new Uint8Array(32)
  one[31] = 1
  assert.instance(new SealKeyRing(one), SealKeyRing, 'any other 32 bytes are a key (X25519 clamps them)')
})

keys('sealValue refuses low-order public keys, as libsodium does: sealed to one, a value opens for anyone (#8 review)', () => {
  for (const key of LOW_ORDER_KEYS) {
    assert.throws(() => sealValue('x', key), /sealValue: the public key is a low-order point/, key.toString('hex'))
    assert.throws(() => sealValue('x', key.toString('base64')), /low-order point/, key.toString('hex'))
  }
  // why: sealed to the all-zero key, the box key is HSalsa20 of zeros, which any key pair derives
  const zero = new Uint8Array(32)
  const stranger = nacl.box.keyPair()
  assert.equal(nacl.box.before(zero, stranger.secretKey), nacl.box.before(zero, nacl.box.keyPair().secretKey))
  assert.is(checkPublicKey(generateSealKeyPair().publicKey).problem, undefined)
})

keys('the verdict on a public key is cached: a second seal to it costs no extra scalar multiplication (#8 review)', () => {
  const mutable = nacl as { scalarMult: typeof nacl.scalarMult }
  const original = mutable.scalarMult
  let calls = 0
  mutable.scalarMult = Object.assign((n: Uint8Array, p: Uint8Array) => {
    calls++
    return original(n, p)
  }, original)
  try {
    const pair = generateSealKeyPair()
    sealValue('a', pair.publicKey)
    sealValue('b', pair.publicKey)
    sealValue('c', Buffer.from(pair.publicKey, 'base64'))
    assert.is(calls, 1, 'one check for three seals, by text or by bytes')
    for (let i = 0; i < 100; i++) sealValue('x', generateSealKeyPair().publicKey)
    assert.is(calls, 101)
    sealValue('again', pair.publicKey)
    assert.is(calls, 102, 'the cache is bounded: the oldest verdict was dropped')
  } finally {
    mutable.scalarMult = original
  }
})

keys('sealValue refuses text with a lone surrogate, which would not open as it was (#8 review)', () => {
  const pair = generateSealKeyPair()
  for (const text of ['\uD800', 'a\uD83D', '\uDC00x', 'x\uDE00\uD83D', '\uD83D\uD83D\uDE00']) {
    assert.throws(() => sealValue(text, pair.publicKey), /lone surrogate/, JSON.stringify(text))
    assert.throws(() => sealFields({ v: text }, ['v'], { key_id: pair.keyId, key: pair.publicKey }), /lone surrogate/)
  }
  const ring = new SealKeyRing(pair.secretKey)
  for (const text of ['😀', '\uFEFFbom', 'a\uD83D\uDE00b', '']) {
    assert.is(Buffer.from(ring.open(pair.keyId, sealValue(text, pair.publicKey))).toString('utf8'), text)
  }
})

keys('sealFields seals own fields only: a field named toString, or __proto__, is a field like any other (#8 review)', () => {
  const pair = generateSealKeyPair()
  const ring = new SealKeyRing(pair.secretKey)
  const key = ring.published()
  const absent = sealFields({ encrypted_value: 'v' }, ['encrypted_value', 'toString', 'constructor'], key)
  assert.equal(Object.keys(absent).sort(), ['encrypted_value', 'key_id'])
  const present = sealFields(JSON.parse('{"toString":"t","__proto__":"p"}') as Record<string, unknown>, ['toString', '__proto__'], key)
  assert.is(Object.getPrototypeOf(present), Object.prototype, 'the prototype is untouched')
  assert.is(Buffer.from(ring.open(key.key_id, present.toString as unknown as string)).toString(), 't')
  assert.is(Buffer.from(ring.open(key.key_id, Object.getOwnPropertyDescriptor(present, '__proto__')?.value as string)).toString(), 'p')
})

keys('the secret key given yields the public key libsodium would (X25519 of the secret)', () => {
  const pair = nacl.box.keyPair()
  const ring = new SealKeyRing(Buffer.from(pair.secretKey).toString('base64'))
  assert.is(ring.published().key, Buffer.from(pair.publicKey).toString('base64'))
})

keys('tweetsodium, the reference format, opens what sealValue seals, and the ring opens what tweetsodium seals', () => {
  const pair = generateSealKeyPair()
  const ring = new SealKeyRing(pair.secretKey)
  const publicKey = Buffer.from(pair.publicKey, 'base64')
  const secretKey = Buffer.from(pair.secretKey, 'base64')
  for (const message of ['', 'x', 'ça ✓ 😀', 'y'.repeat(5000)]) {
    const ours = Buffer.from(sealValue(message, pair.publicKey), 'base64')
    assert.is(ours.length, Buffer.byteLength(message) + 48)
    assert.is(Buffer.from(tweetsodium.sealOpen(ours, publicKey, secretKey) ?? []).toString('utf8'), message, 'tweetsodium did not open what sealValue sealed')
    const theirs = Buffer.from(tweetsodium.seal(Buffer.from(message, 'utf8'), publicKey)).toString('base64')
    assert.is(Buffer.from(ring.open(pair.keyId, theirs)).toString('utf8'), message, 'the ring did not open what tweetsodium sealed')
  }
})

keys('a box made with a low-order ephemeral key, which opens under any secret key, is refused', () => {
  const pair = generateSealKeyPair()
  const recipient = Buffer.from(pair.publicKey, 'base64')
  for (const ephemeral of LOW_ORDER_KEYS) {
    // anyone can make this box without the secret key: the shared point is all zeros whatever the secret key is
    const key = nacl.box.before(ephemeral, nacl.randomBytes(32))
    const nonce = blake.blake2b(Buffer.concat([ephemeral, recipient]), undefined, 24)
    const forged = Buffer.concat([ephemeral, nacl.box.after(Buffer.from('forged'), nonce, key)]).toString('base64')
    assert.throws(() => new SealKeyRing(pair.secretKey).open(pair.keyId, forged), (error: unknown) => error instanceof SealedValueError, `opened a box from ${ephemeral.toString('hex')}`)
  }
})

keys.run()

const steps = suite('sealed: publishSealKey and openSealed over HTTP')

const pair = generateSealKeyPair()
const ring = new SealKeyRing(pair.secretKey)
let server: TestServer
let stored: { sealed: Record<string, string>; body: unknown; text: string } | undefined
/** What the step after openSealed last stored (read through a function: the tests reset it between requests). */
const lastStored = (): typeof stored => stored

function secretsApp(keyRing: SealKeyRing) {
  const app = createApp({ logger: recordingLogger().logger })
  app.get('/secrets/public-key', publishSealKey(keyRing))
  app.put('/secrets/:name', openSealed(keyRing, ['encrypted_value', 'note']), async (req) => {
    const sealed: { encrypted_value: string; note: string } = req.sealed
    stored = { sealed: { ...sealed }, body: await req.json(), text: await req.text() }
    return null
  })
  // a later step (a logger, an echo) that shows the body
  app.post('/echo', openSealed(keyRing, ['encrypted_value']), async (req) => ({ body: await req.json(), opened: req.sealed.encrypted_value.length }))
  return app
}

steps.before(async () => { server = await serve(secretsApp(ring)) })
steps.after(() => server.close())

const put = (path: string, body: unknown) => server.fetch(path, { method: 'PUT', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })

steps('the key is published as { key_id, key }', async () => {
  const res = await server.fetch('/secrets/public-key')
  assert.equal(JSON.parse(res.body), ring.published())
})

steps('named fields open into req.sealed, typed; the body is left as it came, sealed (#8 review)', async () => {
  stored = undefined
  const body = sealFields({ encrypted_value: 'tok-123', note: 'héllo ✓', other: 'left alone' }, ['encrypted_value', 'note'], ring.published())
  assert.is.not(body.encrypted_value, 'tok-123')
  const res = await put('/secrets/deploy', body)
  assert.is(res.status, 204)
  assert.equal(lastStored()?.sealed, { encrypted_value: 'tok-123', note: 'héllo ✓' })
  assert.equal(lastStored()?.body, body, 'req.json() still shows the sealed text')
  assert.is(lastStored()?.text, JSON.stringify(body), 'and so does req.text()')
})

steps('a step after openSealed that echoes the body echoes no secret (#8 review)', async () => {
  const body = sealFields({ encrypted_value: 'echo-me-not' }, ['encrypted_value'], ring.published())
  const res = await server.fetch('/echo', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })
  assert.is(res.status, 200)
  assert.not.match(res.body, 'echo-me-not')
  assert.equal(JSON.parse(res.body), { body, opened: 'echo-me-not'.length })
})

steps('two openSealed steps in one chain: req.sealed holds the fields of both (#8 review)', async () => {
  const app = createApp({ logger: recordingLogger().logger })
  app.put('/both', openSealed(ring, ['a', 'toString']), openSealed(ring, ['b']), (req) => ({ a: req.sealed.a, b: req.sealed.b, toString: req.sealed.toString }))
  const s = await serve(app)
  try {
    const body = sealFields({ a: 'one', b: 'two', toString: 'three' }, ['a', 'b', 'toString'], ring.published())
    const res = await s.fetch('/both', { method: 'PUT', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })
    assert.is(res.status, 200, res.body)
    assert.equal(JSON.parse(res.body), { a: 'one', b: 'two', toString: 'three' })
    const withoutToString = sealFields({ a: 'one', b: 'two' }, ['a', 'b'], ring.published())
    const missing = await s.fetch('/both', { method: 'PUT', body: JSON.stringify(withoutToString), headers: { 'content-type': 'application/json' } })
    assert.is(missing.status, 400)
    assert.match(missing.body, 'sealed field "toString" is missing')
  } finally {
    await s.close()
  }
})

steps('text comes back exactly: a leading byte order mark is kept (#8 review)', async () => {
  stored = undefined
  const value = '\uFEFFstarts with a BOM'
  const res = await put('/secrets/bom', sealFields({ encrypted_value: value, note: '\uFEFF' }, ['encrypted_value', 'note'], ring.published()))
  assert.is(res.status, 204)
  assert.equal(lastStored()?.sealed, { encrypted_value: value, note: '\uFEFF' })
})

steps('an unknown key_id answers 400 with x-sealed-key: unknown; no other 400 has it (#8 review)', async () => {
  assert.is(SEALED_KEY_HEADER, 'x-sealed-key')
  const good = sealValue('x', ring.published().key)
  const unknown = await put('/secrets/x', { key_id: 'gone', encrypted_value: good, note: good })
  assert.is(unknown.status, 400)
  assert.is(unknown.headers['x-sealed-key'], 'unknown')
  for (const body of [{ encrypted_value: good, note: good }, { key_id: pair.keyId, encrypted_value: 'AAAA', note: good }, { key_id: pair.keyId, encrypted_value: good }]) {
    const res = await put('/secrets/x', body)
    assert.is(res.status, 400)
    assert.is(res.headers['x-sealed-key'], undefined, JSON.stringify(body))
  }
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
    ['non-canonical base64', JSON.stringify({ key_id: key.key_id, encrypted_value: nonCanonical(good), note: good }), /"encrypted_value": not base64/],
    ['too short', JSON.stringify({ key_id: key.key_id, encrypted_value: 'AAAA', note: good }), /too short/],
    ['sealed to another key', JSON.stringify({ key_id: key.key_id, encrypted_value: sealValue('x', other.publicKey), note: good }), /does not open/],
    ['tampered', JSON.stringify({ key_id: key.key_id, encrypted_value: tampered.toString('base64'), note: good }), /does not open/],
    ['a missing field', JSON.stringify({ key_id: key.key_id, encrypted_value: good }), /"note" is missing or not a base64 string/],
    ['a field not a string', JSON.stringify({ key_id: key.key_id, encrypted_value: 5, note: good }), /"encrypted_value" is missing or not/],
    ['not UTF-8 inside', JSON.stringify({ key_id: key.key_id, encrypted_value: sealValue(new Uint8Array([0xff, 0xfe]), key.key), note: good }), /does not hold UTF-8 text/],
    ['a lone surrogate inside (as UTF-8 bytes)', JSON.stringify({ key_id: key.key_id, encrypted_value: sealValue(new Uint8Array([0xed, 0xa0, 0x80]), key.key), note: good }), /does not hold UTF-8 text/],
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
