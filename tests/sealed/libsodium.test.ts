// Sealed boxes against libsodium's own crypto_box_seal / crypto_box_seal_open, twice: through PyNaCl's SealedBox in
// Debian's python3 (python3-nacl on the system libsodium), and in process through sodium-native (which the
// devDependency @fastify/secure-session brings), so compatibility is checked without Python too. What routechain
// seals (X25519 in node:crypto, the rest tweetsodium's parts) opens in libsodium, what libsodium seals opens in SealKeyRing, a libsodium key pair
// loads into a ring, a box sealed to another key, or changed, is refused on both sides, and libsodium refuses the
// low-order keys sealValue() refuses. The Python side runs once for every test (tests/_helpers/sealed_box.py,
// JSON in and out).
import { randomBytes } from 'node:crypto'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  createApp, generateSealKeyPair, openSealed, sealFields, sealKeyId, SealedValueError, SealKeyRing, sealValue,
} from '../../src/index.js'
import { recordingLogger, withServer } from '../_helpers/http.js'
import { runPythonJson, SEALED_BOX } from '../_helpers/python.js'
import { hasPythonModules, needs } from '../_helpers/services.js'
import { loadSodiumNative, type SodiumNative } from '../../bench/sodium-native.js'

/** What tests/_helpers/sealed_box.py answers (all bytes in standard base64). */
interface PythonAnswer {
  readonly pynacl: string
  readonly generated: readonly { readonly secret: string; readonly public: string }[]
  readonly public_of: readonly string[]
  readonly sealed: readonly string[]
  readonly opened: readonly ({ readonly message: string } | { readonly error: string })[]
}

const b64 = (bytes: Uint8Array | string): string => (typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes)).toString('base64')
const utf8 = (text: string): Uint8Array => Buffer.from(text, 'utf8')

/** The sizes both sides seal: nothing, one byte, text beyond ASCII (BMP, astral, a NUL), and 64 KiB of random bytes. */
const MESSAGES: readonly { readonly name: string; readonly value: string | Uint8Array; readonly bytes: Uint8Array }[] = [
  { name: 'empty string', value: '' },
  { name: '1 byte', value: 'x' },
  { name: 'unicode text', value: 'ça ✓ — 日本語 😀🔐 \u0000 end' },
  { name: '64 KiB', value: new Uint8Array(randomBytes(64 * 1024)) },
].map((m) => ({ ...m, bytes: typeof m.value === 'string' ? utf8(m.value) : m.value }))

// routechain's side, made before Python runs
const mine = generateSealKeyPair()
const ring = new SealKeyRing(mine.secretKey)
const published = ring.published()
const notInRing = generateSealKeyPair()
const TO_OTHER = 'sealed to a key the other side does not hold'

/** Boxes routechain seals for PyNaCl to open with `mine.secretKey`: each size through published(), and the bytes of the key. */
const sealedHere = [
  ...MESSAGES.map((m) => ({ what: `${m.name}, sealValue(value, ring.published().key)`, bytes: m.bytes, box: sealValue(m.value, published.key) })),
  ...MESSAGES.map((m) => ({ what: `${m.name}, sealValue(bytes, publicKey bytes)`, bytes: m.bytes, box: sealValue(m.bytes, Buffer.from(mine.publicKey, 'base64')) })),
]
const fields = sealFields({ name: 'deploy', encrypted_value: 'tøken ✓' }, ['encrypted_value'], published)
/** A box with one ciphertext byte changed (after the 32-byte ephemeral key). */
const changedHere = (() => {
  const box = Buffer.from(sealValue('changed in transit', published.key), 'base64')
  box[40] = (box[40] as number) ^ 1
  return box.toString('base64')
})()

// what Python is asked to do; the answer's lists come back in the same order
const seals = [
  ...MESSAGES.map((m) => ({ to: published.key, message: b64(m.bytes) })), // to routechain's ring
  ...MESSAGES.map((m) => ({ to: { generated: 0 }, message: b64(m.bytes) })), // to PyNaCl's own key pair
  { to: { generated: 1 }, message: b64(TO_OTHER) }, // to a key routechain's ring does not hold
]
const opens = [
  ...sealedHere.map((s) => ({ secret: mine.secretKey, box: s.box })),
  { secret: mine.secretKey, box: fields.encrypted_value as string },
  { secret: mine.secretKey, box: sealValue(TO_OTHER, notInRing.publicKey) },
  { secret: mine.secretKey, box: changedHere },
]
const REQUEST = { generate: 2, public_of: [mine.secretKey, notInRing.secretKey], seal: seals, open: opens }

let available: boolean | undefined
let answer: PythonAnswer | undefined

/** PyNaCl's answer, from one run of sealed_box.py; undefined (after a loud SKIPPED) when PyNaCl is missing outside CI. */
function python(): PythonAnswer | undefined {
  available ??= needs('PyNaCl in Debian\'s python3 (python3-nacl)', hasPythonModules('nacl.public'), 'apt-get install python3-nacl')
  if (!available) return undefined
  answer ??= runPythonJson<PythonAnswer>(SEALED_BOX, REQUEST)
  assert.is(answer.sealed.length, seals.length)
  assert.is(answer.opened.length, opens.length)
  return answer
}

/** Asserts two byte strings are equal without printing 64 KiB when they are not. */
function sameBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  assert.ok(Buffer.compare(actual, expected) === 0, `${what}: got ${actual.length} bytes ${b64(actual.subarray(0, 24))}…, expected ${expected.length} bytes ${b64(expected.subarray(0, 24))}…`)
}

/** PyNaCl's answer to one open: the message's bytes, or fails with PyNaCl's error. */
function openedByPython(py: PythonAnswer, index: number, what: string): Uint8Array {
  const opened = py.opened[index]
  assert.ok(opened !== undefined && 'message' in opened, `PyNaCl did not open ${what}: ${JSON.stringify(opened)}`)
  return Buffer.from(opened.message, 'base64')
}

/** Asserts that `fn` throws a SealedValueError whose message matches `reason`. */
function refused(fn: () => unknown, reason: RegExp, what: string): void {
  try {
    fn()
  } catch (error) {
    assert.instance(error, SealedValueError, `${what}: ${String(error)}`)
    assert.match((error as Error).message, reason, what)
    return
  }
  assert.unreachable(`${what} opened`)
}

// ---------------------------------------------------------------------------------------------------------------

const sealed = suite('sealed boxes against libsodium (PyNaCl SealedBox)')

sealed('libsodium opens what sealValue() seals, at every size, to the published key or its bytes', () => {
  const py = python()
  if (py === undefined) return
  for (const [i, s] of sealedHere.entries()) {
    assert.is(Buffer.from(s.box, 'base64').length, s.bytes.length + 48, `${s.what}: a sealed box is 48 bytes longer`)
    sameBytes(openedByPython(py, i, s.what), s.bytes, s.what)
  }
  assert.is(fields.key_id, published.key_id)
  assert.is(openedByPython(py, sealedHere.length, 'the field sealFields() sealed').toString(), 'tøken ✓')
})

sealed('SealKeyRing.open opens what libsodium seals to the published key, at every size', () => {
  const py = python()
  if (py === undefined) return
  for (const [i, m] of MESSAGES.entries()) {
    const box = py.sealed[i] as string
    assert.is(Buffer.from(box, 'base64').length, m.bytes.length + 48, `${m.name}: libsodium's box is 48 bytes longer`)
    sameBytes(ring.open(published.key_id, box), m.bytes, `${m.name} sealed by libsodium`)
  }
})

sealed('the openSealed() step opens a field libsodium sealed, over HTTP', async () => {
  const py = python()
  if (py === undefined) return
  const unicode = MESSAGES.findIndex((m) => m.name === 'unicode text')
  const app = createApp({ logger: recordingLogger().logger })
  app.post('/secrets', openSealed(ring, ['encrypted_value']), async (req) => ({ sealed: req.sealed, body: await req.json() }))
  await withServer(app, async (server) => {
    const body = { key_id: published.key_id, encrypted_value: py.sealed[unicode] }
    const res = await server.fetch('/secrets', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    assert.is(res.status, 200, res.body)
    const text = MESSAGES[unicode]?.value
    assert.equal(JSON.parse(res.body), { sealed: { encrypted_value: text }, body }, 'opened into req.sealed; the body stays sealed')
  })
})

sealed('a key pair libsodium generated loads into SealKeyRing, with the public key libsodium gives it', () => {
  const py = python()
  if (py === undefined) return
  const theirs = py.generated[0]
  assert.ok(theirs !== undefined)
  const publicBytes = Buffer.from(theirs.public, 'base64')
  for (const [how, input] of [
    ['base64', theirs.secret],
    ['bytes', new Uint8Array(Buffer.from(theirs.secret, 'base64'))],
    ['{ secretKey, keyId }', { secretKey: theirs.secret, keyId: 'from-libsodium' }],
  ] as const) {
    const loaded = new SealKeyRing(input)
    const keyId = typeof input === 'object' && 'keyId' in input ? input.keyId : sealKeyId(publicBytes)
    assert.equal(loaded.published(), { key_id: keyId, key: theirs.public }, `loaded as ${how}`)
    for (const [i, m] of MESSAGES.entries()) {
      sameBytes(loaded.open(keyId, py.sealed[MESSAGES.length + i] as string), m.bytes, `${m.name} sealed by libsodium to its own key, loaded as ${how}`)
    }
  }
  // and the other way: libsodium derives the same public keys from the secret keys generateSealKeyPair() makes
  assert.equal(py.public_of, [mine.publicKey, notInRing.publicKey])
  // a ring rotating from routechain's key to libsodium's opens boxes sealed to either, by key_id
  const rotating = new SealKeyRing([theirs.secret, mine.secretKey])
  assert.is(rotating.published().key, theirs.public)
  sameBytes(rotating.open(published.key_id, py.sealed[0] as string), MESSAGES[0]?.bytes as Uint8Array, 'the older key still opens')
  sameBytes(rotating.open(sealKeyId(publicBytes), py.sealed[MESSAGES.length + 1] as string), MESSAGES[1]?.bytes as Uint8Array, 'the current key opens')
})

sealed('a box sealed to another key, or changed, is refused on both sides', () => {
  const py = python()
  if (py === undefined) return
  // libsodium → routechain: sealed to a key the ring does not hold, under the ring's key_id
  const toOther = py.sealed[seals.length - 1] as string
  refused(() => ring.open(published.key_id, toOther), /does not open with this key/, 'a box libsodium sealed to another key')
  // under the other key's own id, the ring does not know the key
  const otherId = sealKeyId(Buffer.from(py.generated[1]?.public ?? '', 'base64'))
  refused(() => ring.open(otherId, toOther), /unknown key_id/, 'a box sealed to a key the ring does not hold, under its id')
  // sealed to PyNaCl's first key: opens there (the test above), not here
  refused(() => ring.open(published.key_id, py.sealed[MESSAGES.length + 2] as string), /does not open with this key/, 'a box sealed to libsodium\'s key pair')
  // a libsodium box with one byte changed, anywhere: the ephemeral key, the MAC, the ciphertext
  const good = Buffer.from(py.sealed[2] as string, 'base64')
  for (const at of [0, 31, 32, 47, 48, good.length - 1]) {
    const changed = Buffer.from(good)
    changed[at] = (changed[at] as number) ^ 0x80
    refused(() => ring.open(published.key_id, changed.toString('base64')), /does not open with this key/, `libsodium's box changed at byte ${at}`)
  }
  refused(() => ring.open(published.key_id, good.subarray(0, 47).toString('base64')), /too short/, 'a box cut to 47 bytes')
  // routechain → libsodium: sealed to a key libsodium does not hold, and changed in transit
  for (const [offset, what] of [[1, 'a box sealed to another key'], [2, 'a box changed in transit']] as const) {
    const opened = py.opened[sealedHere.length + offset]
    assert.ok(opened !== undefined && 'error' in opened, `libsodium opened ${what}: ${JSON.stringify(opened)}`)
    assert.match(opened.error, /CryptoError/)
  }
})

sealed.run()

// ---------------------------------------------------------------------------------------------------------------

const native = suite('sealed boxes against libsodium (sodium-native, in process) (#8 review)')

let sodiumAvailable: boolean | undefined
/** sodium-native, or undefined (after a loud SKIPPED) when it does not load outside CI. */
function sodium(): SodiumNative | undefined {
  const loaded = loadSodiumNative()
  sodiumAvailable ??= needs('sodium-native (through @fastify/secure-session)', loaded !== undefined, 'npm install')
  return sodiumAvailable ? loaded : undefined
}

/** libsodium's crypto_box_seal of `message` to `publicKey`, as base64. */
function nativeSeal(lib: SodiumNative, message: Uint8Array, publicKey: Uint8Array): string {
  const box = Buffer.alloc(message.length + lib.crypto_box_SEALBYTES)
  lib.crypto_box_seal(box, message, publicKey)
  return box.toString('base64')
}

/** libsodium's crypto_box_seal_open of a base64 box, or null when it does not open. */
function nativeOpen(lib: SodiumNative, box: string, publicKey: Uint8Array, secretKey: Uint8Array): Buffer | null {
  const sealed = Buffer.from(box, 'base64')
  if (sealed.length < lib.crypto_box_SEALBYTES) return null
  const message = Buffer.alloc(sealed.length - lib.crypto_box_SEALBYTES)
  return lib.crypto_box_seal_open(message, sealed, publicKey, secretKey) ? message : null
}

const minePublic = Buffer.from(mine.publicKey, 'base64')
const mineSecret = Buffer.from(mine.secretKey, 'base64')

native('libsodium opens what sealValue() seals, at every size, and refuses it changed or to another key', () => {
  const lib = sodium()
  if (lib === undefined) return
  for (const s of sealedHere) sameBytes(nativeOpen(lib, s.box, minePublic, mineSecret) ?? Buffer.alloc(0), s.bytes, s.what)
  assert.is(nativeOpen(lib, fields.encrypted_value as string, minePublic, mineSecret)?.toString(), 'tøken ✓')
  assert.is(nativeOpen(lib, changedHere, minePublic, mineSecret), null, 'a box changed in transit')
  assert.is(nativeOpen(lib, sealValue(TO_OTHER, notInRing.publicKey), minePublic, mineSecret), null, 'a box sealed to another key')
})

native('SealKeyRing.open opens what libsodium seals, at every size, and refuses it changed', () => {
  const lib = sodium()
  if (lib === undefined) return
  for (const m of MESSAGES) {
    const box = nativeSeal(lib, m.bytes, minePublic)
    assert.is(Buffer.from(box, 'base64').length, m.bytes.length + 48)
    sameBytes(ring.open(published.key_id, box), m.bytes, `${m.name} sealed by libsodium`)
    const changed = Buffer.from(box, 'base64')
    changed[changed.length - 1] = (changed[changed.length - 1] as number) ^ 1
    refused(() => ring.open(published.key_id, changed.toString('base64')), /does not open with this key/, `${m.name} changed`)
  }
})

native('a libsodium key pair loads into SealKeyRing with libsodium\'s public key; libsodium derives generateSealKeyPair()\'s', () => {
  const lib = sodium()
  if (lib === undefined) return
  const pk = Buffer.alloc(32)
  const sk = Buffer.alloc(32)
  lib.crypto_box_keypair(pk, sk)
  const loaded = new SealKeyRing(sk.toString('base64'))
  assert.equal(loaded.published(), { key_id: sealKeyId(pk), key: pk.toString('base64') })
  sameBytes(loaded.open(sealKeyId(pk), nativeSeal(lib, utf8('to a libsodium key'), pk)), utf8('to a libsodium key'), 'opened with a libsodium key pair')
  const derived = Buffer.alloc(32)
  lib.crypto_scalarmult_base(derived, mineSecret)
  assert.is(derived.toString('base64'), mine.publicKey)
})

native('libsodium refuses to seal to the low-order keys sealValue() refuses', () => {
  const lib = sodium()
  if (lib === undefined) return
  const lowOrder = ['00'.repeat(32), `01${'00'.repeat(31)}`, 'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800', `ed${'ff'.repeat(30)}7f`]
  for (const hex of lowOrder) {
    const key = Buffer.from(hex, 'hex')
    assert.throws(() => nativeSeal(lib, utf8('x'), key), undefined, `libsodium sealed to ${hex}`)
    assert.throws(() => sealValue('x', key), /low-order point/, `sealValue sealed to ${hex}`)
  }
})

native.run()
