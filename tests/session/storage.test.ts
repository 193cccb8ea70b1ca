// The session storages through the SessionStorage API alone: save → cookie value → load. One case table runs
// against every storage; a new storage joins by adding one line to `storages`. Then the key handling of the
// storages that take keys, and the wire formats they promise (Fernet tokens, NaCl secretboxes).
import { spawnSync } from 'node:child_process'
import { createDecipheriv, createCipheriv, createHmac, randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import nacl from 'tweetnacl'
import { suite, type Test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  EncryptedCookieStorage,
  generateKey,
  MemoryStorage,
  NaClCookieStorage,
  SimpleCookieStorage,
  type KeyInput,
  type SessionStorage,
  type StoredSession,
} from '../../src/index.js'
import { throwsConfig } from '../_helpers/assert.js'
import { redisStorageCase } from '../_helpers/redis.js'
import { KEY, nowSeconds } from './_support.js'

// ---------------------------------------------------------------------------------------------------------------
// The table

interface StorageCase {
  readonly name: string
  make(): SessionStorage
  /** The client can neither read nor forge the value: anything altered must fail to load. */
  readonly secure: boolean
  /** Set up and tear down what make() needs (a server), around this storage's suite only. */
  before?(): Promise<void>
  after?(): Promise<void>
}

const storages: readonly StorageCase[] = [
  { name: 'SimpleCookieStorage', make: () => new SimpleCookieStorage(), secure: false },
  { name: 'EncryptedCookieStorage', make: () => new EncryptedCookieStorage(KEY), secure: true },
  { name: 'NaClCookieStorage', make: () => new NaClCookieStorage(KEY), secure: true },
  { name: 'MemoryStorage', make: () => new MemoryStorage(), secure: true },
  ...redisStorageCase('node-redis'),
  ...redisStorageCase('ioredis'),
]

/** Loads a value, failing the test if load throws: a storage answers `undefined` for what it cannot trust. */
async function loadSafely(storage: SessionStorage, value: string): Promise<StoredSession | undefined> {
  try {
    return await storage.load(value)
  } catch (error) {
    assert.unreachable(`load(${JSON.stringify(value.slice(0, 40))}) threw ${String(error)}; it must return undefined`)
    return undefined
  }
}

/** Saves as a new identity and loads the value back, failing when it does not load. */
async function roundTrip(storage: SessionStorage, session: StoredSession): Promise<StoredSession> {
  const value = await storage.save(session, undefined)
  assert.type(value, 'string')
  const loaded = await loadSafely(storage, value)
  assert.ok(loaded !== undefined, `the value ${storage.constructor.name} saved did not load back: ${value}`)
  return loaded
}

/** The value with the character in the middle replaced by another one of the same alphabet. */
function flipMiddle(value: string): string {
  const at = Math.floor(value.length / 2)
  const replacement = value[at] === 'A' ? 'B' : 'A'
  return value.slice(0, at) + replacement + value.slice(at + 1)
}

const NESTED = {
  greeting: 'héllo ✓ 🚀',
  tricky: 'a "quoted" \\ back;slash, comma = sign',
  nested: { list: [1, 'two', { three: 3 }], flag: true, nothing: null, depth: { a: { b: { c: 'deep' } } } },
  number: -12.5,
}

for (const entry of storages) {
  const test = suite(entry.name)
  if (entry.before !== undefined) test.before(entry.before)
  if (entry.after !== undefined) test.after(entry.after)

  test('a saved session loads back with its data', async () => {
    const loaded = await roundTrip(entry.make(), { created: nowSeconds(), data: { user: 'alice', visits: 3 } })
    assert.equal(loaded.data, { user: 'alice', visits: 3 })
  })

  test('unicode text and nested values survive the round trip', async () => {
    const loaded = await roundTrip(entry.make(), { created: nowSeconds(), data: NESTED })
    assert.equal(loaded.data, NESTED)
  })

  test("NaN, Infinity and -Infinity survive the round trip (Python's json writes them)", async () => {
    const loaded = await roundTrip(entry.make(), { created: nowSeconds(), data: { nan: Number.NaN, list: [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1] } })
    assert.ok(Number.isNaN(loaded.data.nan), `nan came back as ${String(loaded.data.nan)}`)
    assert.equal(loaded.data.list, [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1])
  })

  test('strings come back exactly, also control characters and text that looks like NaN or Infinity', async () => {
    const strings = { nan: 'NaN', inf: 'Infinity', nul: '\u0000', nulNan: '\u0000NaN', nulInf: '\u0000-Infinity', quoted: 'x"\u0000NaN', controls: 'tab\tnewline\n\u001f' }
    const loaded = await roundTrip(entry.make(), { created: nowSeconds(), data: { ...strings, beside: Number.NaN } })
    const { beside, ...back } = loaded.data
    assert.equal(back, strings)
    assert.ok(Number.isNaN(beside))
    // the same strings without a NaN next to them
    assert.equal((await roundTrip(entry.make(), { created: nowSeconds(), data: strings })).data, strings)
  })

  test("'__proto__' is an ordinary key", async () => {
    const data = JSON.parse('{"__proto__": {"admin": true}, "user": "alice"}') as Record<string, unknown>
    const loaded = await roundTrip(entry.make(), { created: nowSeconds(), data })
    assert.ok(Object.hasOwn(loaded.data, '__proto__'), 'the __proto__ key was lost')
    assert.is(JSON.stringify(loaded.data), '{"__proto__":{"admin":true},"user":"alice"}')
    assert.is(({} as Record<string, unknown>).admin, undefined)
  })

  test('an empty session loads back empty', async () => {
    const loaded = await roundTrip(entry.make(), { created: nowSeconds(), data: {} })
    assert.equal(loaded.data, {})
  })

  test('created is kept to the second', async () => {
    const loaded = await roundTrip(entry.make(), { created: 1_700_000_123, data: { a: 1 } })
    assert.is(loaded.created, 1_700_000_123)
  })

  test('accessed and maxAge are kept', async () => {
    const loaded = await roundTrip(entry.make(), { created: 1_700_000_000, data: { a: 1 }, accessed: 1_700_000_500, maxAge: 2_592_000 })
    assert.is(loaded.accessed, 1_700_000_500)
    assert.is(loaded.maxAge, 2_592_000)
  })

  test('accessed and maxAge stay unset when they were not saved', async () => {
    const loaded = await roundTrip(entry.make(), { created: 1_700_000_000, data: { a: 1 } })
    assert.is(loaded.accessed, undefined)
    assert.is(loaded.maxAge, undefined)
  })

  test('every load gives fresh data: changing what one load returned does not change the next', async () => {
    const storage = entry.make()
    const value = await storage.save({ created: nowSeconds(), data: { list: [1], inner: { n: 1 } } }, undefined)
    const first = await loadSafely(storage, value)
    assert.ok(first !== undefined, 'the value did not load')
    ;(first.data.list as number[]).push(2)
    ;(first.data.inner as { n: number }).n = 99
    const second = await loadSafely(storage, value)
    assert.equal(second?.data, { list: [1], inner: { n: 1 } })
  })

  test('the value is printable ASCII without the separators of a Cookie header', async () => {
    const value = await entry.make().save({ created: nowSeconds(), data: NESTED }, undefined)
    assert.ok(value.length > 0)
    assert.ok(/^[\x20-\x7e]+$/.test(value), `not printable ASCII: ${value}`)
    assert.not.match(value, /[;,]/)
  })

  test('values that are not sessions load as undefined, without throwing', async () => {
    const storage = entry.make()
    for (const value of ['', ' ', 'garbage', 'null', '{}', '[]', '"quoted"', '{"created":"soon","session":{}}', '../../etc/passwd', '%00%ff']) {
      assert.is(await loadSafely(storage, value), undefined, `${JSON.stringify(value)} loaded`)
    }
  })

  if (entry.secure) secureCases(test, entry)
  test.run()
}

/** What only storages whose values the client can neither read nor forge must do. */
function secureCases(test: Test, entry: StorageCase): void {
  test('the value does not show the data', async () => {
    const value = await entry.make().save({ created: nowSeconds(), data: { secret: 'hunter2-is-my-password' } }, undefined)
    assert.not.match(value, /hunter2/)
    assert.not.match(Buffer.from(value, 'base64').toString('latin1'), /hunter2/)
    assert.not.match(Buffer.from(value, 'base64url').toString('latin1'), /hunter2/)
  })

  test('saving the same session twice gives two different values', async () => {
    const storage = entry.make()
    const session = { created: 1_700_000_000, data: { a: 1 } }
    assert.is.not(await storage.save(session, undefined), await storage.save(session, undefined))
  })

  test('a value with one character changed in the middle loads as undefined', async () => {
    const storage = entry.make()
    const value = await storage.save({ created: nowSeconds(), data: { user: 'alice' } }, undefined)
    const tampered = flipMiddle(value)
    assert.is.not(tampered, value)
    assert.is(await loadSafely(storage, tampered), undefined)
  })

  test('truncated values load as undefined', async () => {
    const storage = entry.make()
    const value = await storage.save({ created: nowSeconds(), data: { user: 'alice' } }, undefined)
    for (const truncated of [value.slice(0, -8), value.slice(0, Math.floor(value.length / 2)), value.slice(1), value.slice(0, 4)]) {
      assert.is(await loadSafely(storage, truncated), undefined, `${truncated} loaded`)
    }
  })

  test('random bytes the length of a real value load as undefined', async () => {
    const storage = entry.make()
    const value = await storage.save({ created: nowSeconds(), data: { user: 'alice' } }, undefined)
    const size = Buffer.from(value, 'base64').length
    for (const garbage of [randomBytes(size).toString('base64'), randomBytes(size).toString('base64url'), 'gAAAAA' + 'A'.repeat(value.length - 6)]) {
      assert.is(await loadSafely(storage, garbage), undefined, `${garbage} loaded`)
    }
  })

  test("another storage's values load as undefined", async () => {
    const storage = entry.make()
    for (const other of storages) {
      if (other.name === entry.name || other.before !== undefined) continue // a storage with a server has it only in its own suite
      const value = await other.make().save({ created: nowSeconds(), data: { user: 'alice' } }, undefined)
      assert.is(await loadSafely(storage, value), undefined, `a ${other.name} value loaded in ${entry.name}`)
    }
  })
}

// ---------------------------------------------------------------------------------------------------------------
// Keys: the storages that take them

interface KeyedCase {
  readonly name: string
  make(keys: KeyInput | readonly KeyInput[] | undefined): SessionStorage
}

const keyed: readonly KeyedCase[] = [
  { name: 'EncryptedCookieStorage', make: (keys) => new EncryptedCookieStorage(keys) },
  { name: 'NaClCookieStorage', make: (keys) => new NaClCookieStorage(keys) },
]

// What Python's Fernet.generate_key() prints: base64.urlsafe_b64encode(32 random bytes), 44 characters with
// one '='. These bytes are chosen so the string holds both '-' and '_', the characters urlsafe base64 swaps in.
const PY_KEY_BYTES = Buffer.concat([Buffer.from([0xfb, 0xef, 0xbe, 0xff, 0xff, 0xff]), Buffer.from('routechain-python-key-26b', 'utf8'), Buffer.from([7])])
const PY_KEY = PY_KEY_BYTES.toString('base64').replace(/\+/g, '-').replace(/\//g, '_')

const BAD_KEYS: readonly [string, KeyInput | readonly KeyInput[] | undefined][] = [
  ['no key (undefined)', undefined],
  ['an empty string', ''],
  ['a passphrase with spaces', 'correct horse battery staple!'],
  ['32 characters of text (24 bytes as base64)', 'x'.repeat(32)],
  ['the base64 of 16 bytes', randomBytes(16).toString('base64')],
  ['the base64 of 33 bytes', randomBytes(33).toString('base64url')],
  ['31 raw bytes', new Uint8Array(31)],
  ['33 raw bytes', new Uint8Array(33)],
  ['an empty list', []],
  ['a list with one bad key', [generateKey(), 'short']],
]

for (const entry of keyed) {
  const test = suite(`${entry.name} keys`)

  test('a value saved with one key does not load with another', async () => {
    const value = await entry.make(generateKey()).save({ created: nowSeconds(), data: { a: 1 } }, undefined)
    assert.is(await loadSafely(entry.make(generateKey()), value), undefined)
  })

  test('rotation: [newKey, oldKey] loads what oldKey saved', async () => {
    const oldKey = generateKey()
    const newKey = generateKey()
    const value = await entry.make(oldKey).save({ created: nowSeconds(), data: { user: 'alice' } }, undefined)
    const loaded = await loadSafely(entry.make([newKey, oldKey]), value)
    assert.equal(loaded?.data, { user: 'alice' })
  })

  test('rotation: [newKey, oldKey] saves with newKey, which a storage with only oldKey cannot load', async () => {
    const oldKey = generateKey()
    const newKey = generateKey()
    const value = await entry.make([newKey, oldKey]).save({ created: nowSeconds(), data: { user: 'bob' } }, undefined)
    assert.equal((await loadSafely(entry.make(newKey), value))?.data, { user: 'bob' })
    assert.is(await loadSafely(entry.make(oldKey), value), undefined)
  })

  for (const [what, key] of BAD_KEYS) {
    test(`the constructor refuses ${what}, saying how to make a key`, () => {
      throwsConfig(() => entry.make(key), /routechain keygen/)
      throwsConfig(() => entry.make(key), new RegExp(entry.name))
    })
  }

  test('in a key list, the refusal names which entry is wrong', () => {
    const message = throwsConfig(() => entry.make([generateKey(), '']), /key 2 of 2/).message
    assert.match(message, /no key given/)
    assert.match(throwsConfig(() => entry.make(['not a key!', generateKey()]), /key 1 of 2/).message, /not base64/)
  })

  test('a key from generateKey() is accepted and works', async () => {
    await roundTrip(entry.make(generateKey()), { created: nowSeconds(), data: { a: 1 } })
  })

  test("Python's Fernet.generate_key() format is accepted, and means the same key as its 32 bytes", async () => {
    assert.match(PY_KEY, /^[A-Za-z0-9_-]{43}=$/)
    assert.ok(PY_KEY.includes('-') && PY_KEY.includes('_'), `the test key should hold '-' and '_': ${PY_KEY}`)
    const value = await entry.make(PY_KEY).save({ created: nowSeconds(), data: { from: 'python' } }, undefined)
    for (const same of [PY_KEY_BYTES, new Uint8Array(PY_KEY_BYTES), PY_KEY_BYTES.toString('base64'), `${PY_KEY}\n`, ` ${PY_KEY} `]) {
      assert.equal((await loadSafely(entry.make(same), value))?.data, { from: 'python' }, `the key given as ${String(same)} is not the same key`)
    }
  })

  test('32 raw bytes are accepted as a key', async () => {
    await roundTrip(entry.make(randomBytes(32)), { created: nowSeconds(), data: { a: 1 } })
  })

  test.run()
}

{
  const test = suite('generateKey')

  test("returns 32 random bytes in the url-safe base64 Python's Fernet.generate_key() prints", () => {
    const key = generateKey()
    assert.match(key, /^[A-Za-z0-9_-]{43}=$/)
    assert.is(Buffer.from(key, 'base64url').length, 32)
    assert.is.not(generateKey(), key)
  })

  test('`routechain keygen` prints a key both storages accept, as the key errors advise', async () => {
    const cli = fileURLToPath(new URL('../../src/cli.js', import.meta.url))
    const run = spawnSync(process.execPath, [cli, 'keygen'], { encoding: 'utf8' })
    assert.is(run.status, 0, run.stderr)
    const key = run.stdout.trim()
    assert.match(key, /^[A-Za-z0-9_-]{43}=$/)
    await roundTrip(new EncryptedCookieStorage(key), { created: nowSeconds(), data: { a: 1 } })
    await roundTrip(new NaClCookieStorage(key), { created: nowSeconds(), data: { a: 1 } })
  })

  test.run()
}

// ---------------------------------------------------------------------------------------------------------------
// Wire formats

const KEY_BYTES = Buffer.from(KEY, 'base64url')

interface FernetToken { version: number; timestamp: number; iv: Buffer; ciphertext: Buffer; mac: Buffer; signed: Buffer }

function splitFernet(token: string): FernetToken {
  const bytes = Buffer.from(token, 'base64url')
  return {
    version: bytes[0] as number,
    timestamp: Number(bytes.readBigUInt64BE(1)),
    iv: bytes.subarray(9, 25),
    ciphertext: bytes.subarray(25, bytes.length - 32),
    mac: bytes.subarray(bytes.length - 32),
    signed: bytes.subarray(0, bytes.length - 32),
  }
}

/** A Fernet token made by the spec, as Python's cryptography makes them, with room to get things wrong on purpose. */
function fernetToken(key: Buffer, plaintext: Buffer, { version = 0x80, timestamp = nowSeconds(), pad = true } = {}): string {
  const iv = randomBytes(16)
  const cipher = createCipheriv('aes-128-cbc', key.subarray(16, 32), iv)
  cipher.setAutoPadding(pad)
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()])
  const header = Buffer.alloc(9)
  header[0] = version
  header.writeBigUInt64BE(BigInt(timestamp), 1)
  const signed = Buffer.concat([header, iv, ciphertext])
  const mac = createHmac('sha256', key.subarray(0, 16)).update(signed).digest()
  return Buffer.concat([signed, mac]).toString('base64').replace(/\+/g, '-').replace(/\//g, '_')
}

{
  const test = suite('EncryptedCookieStorage token format')

  test("a saved value is a Fernet token: 'gAAAAA', url-safe base64, 0x80 ‖ timestamp ‖ IV ‖ blocks ‖ HMAC", async () => {
    const value = await new EncryptedCookieStorage(KEY).save({ created: 1_700_000_000, data: { user: 'alice' } })
    assert.ok(value.startsWith('gAAAAA'), value)
    assert.match(value, /^[A-Za-z0-9_-]+={0,2}$/)
    assert.is(value.length % 4, 0, 'Python writes Fernet tokens with their base64 padding')
    const token = splitFernet(value)
    assert.is(token.version, 0x80)
    assert.ok(Math.abs(token.timestamp - nowSeconds()) < 300, `the timestamp should be the time of saving, got ${token.timestamp}`)
    assert.ok(token.ciphertext.length > 0 && token.ciphertext.length % 16 === 0, `ciphertext of ${token.ciphertext.length} bytes`)
    const mac = createHmac('sha256', KEY_BYTES.subarray(0, 16)).update(token.signed).digest()
    assert.ok(mac.equals(token.mac), 'the HMAC is not HMAC-SHA256 under the first half of the key')
    const decipher = createDecipheriv('aes-128-cbc', KEY_BYTES.subarray(16, 32), token.iv)
    const plaintext = Buffer.concat([decipher.update(token.ciphertext), decipher.final()]).toString('utf8')
    assert.equal(JSON.parse(plaintext), { created: 1_700_000_000, session: { user: 'alice' } })
  })

  test('a token made by the spec elsewhere loads, in the JSON spacing Python writes', async () => {
    const token = fernetToken(KEY_BYTES, Buffer.from('{"created": 1700000000, "session": {"user": "alice", "n": [1, 2]}}'))
    const loaded = await loadSafely(new EncryptedCookieStorage(KEY), token)
    assert.equal(loaded, { created: 1_700_000_000, data: { user: 'alice', n: [1, 2] }, accessed: undefined, maxAge: undefined })
  })

  test('an authentic token whose plaintext is not a session loads as undefined', async () => {
    const storage = new EncryptedCookieStorage(KEY)
    for (const plaintext of ['not json', '{}', '[1]', '{"created": 1, "session": [1]}', '{"created": "1", "session": {}}']) {
      assert.is(await loadSafely(storage, fernetToken(KEY_BYTES, Buffer.from(plaintext))), undefined, plaintext)
    }
  })

  test('session data without created loads with an unknown age, created 0, as aiohttp_session takes it (#13)', async () => {
    const storage = new EncryptedCookieStorage(KEY)
    const loaded = await loadSafely(storage, fernetToken(KEY_BYTES, Buffer.from('{"session": {"a": 1}}')))
    assert.equal(loaded, { created: 0, data: { a: 1 }, accessed: undefined, maxAge: undefined })
  })

  test('an authentic token with another version byte or broken padding loads as undefined', async () => {
    const storage = new EncryptedCookieStorage(KEY)
    const payload = Buffer.from('{"created": 1700000000, "session": {}}')
    assert.is(await loadSafely(storage, fernetToken(KEY_BYTES, payload, { version: 0x81 })), undefined)
    // 48 bytes whose last byte is not valid PKCS#7 padding, under a valid HMAC
    const unpadded = Buffer.concat([payload, Buffer.alloc(48 - payload.length, 0x20)])
    unpadded[47] = 0x00
    assert.is(await loadSafely(storage, fernetToken(KEY_BYTES, unpadded, { pad: false })), undefined)
  })

  test('with cacheSize 0, values still load (every time by decrypting)', async () => {
    const storage = new EncryptedCookieStorage(KEY, { cacheSize: 0 })
    const value = await storage.save({ created: 1_700_000_000, data: { a: 1 } })
    assert.equal((await loadSafely(storage, value))?.data, { a: 1 })
    assert.equal((await loadSafely(storage, value))?.data, { a: 1 })
  })

  test.run()
}

{
  const test = suite('NaClCookieStorage box format')
  const key = new Uint8Array(KEY_BYTES)

  test('a saved value is standard base64 of a 24-byte nonce and the secretbox of the JSON payload', async () => {
    const value = await new NaClCookieStorage(KEY).save({ created: 1_700_000_000, data: { user: 'alice' } })
    assert.match(value, /^[A-Za-z0-9+/]+={0,2}$/)
    const bytes = new Uint8Array(Buffer.from(value, 'base64'))
    const opened = nacl.secretbox.open(bytes.subarray(24), bytes.subarray(0, 24), key)
    assert.ok(opened !== null, 'the box did not open with secretbox under the key')
    const plaintext = Buffer.from(opened).toString('utf8')
    assert.is(bytes.length, 24 + nacl.secretbox.overheadLength + Buffer.byteLength(plaintext))
    assert.equal(JSON.parse(plaintext), { created: 1_700_000_000, session: { user: 'alice' } })
  })

  /** A NaCl cookie value made elsewhere (as PyNaCl's SecretBox.encrypt makes it). */
  function box(plaintext: Uint8Array): string {
    const nonce = nacl.randomBytes(24)
    return Buffer.concat([nonce, nacl.secretbox(plaintext, nonce, key)]).toString('base64')
  }

  test('a box made elsewhere loads, in the JSON spacing Python writes', async () => {
    const loaded = await loadSafely(new NaClCookieStorage(KEY), box(Buffer.from('{"created": 1700000000, "session": {"user": "alice"}}')))
    assert.equal(loaded?.data, { user: 'alice' })
    assert.is(loaded?.created, 1_700_000_000)
  })

  test('an authentic box whose plaintext is not UTF-8 or not a session loads as undefined', async () => {
    const storage = new NaClCookieStorage(KEY)
    assert.is(await loadSafely(storage, box(new Uint8Array([0xff, 0xfe, 0xfd]))), undefined)
    for (const plaintext of ['not json', '{}', '{"created": 1, "session": "x"}']) {
      assert.is(await loadSafely(storage, box(Buffer.from(plaintext))), undefined, plaintext)
    }
  })

  test('tweetnacl opens what it seals and it opens what tweetnacl seals, at every length across several blocks', async () => {
    const storage = new NaClCookieStorage(KEY, { cacheSize: 0 })
    for (let size = 0; size <= 200; size++) {
      const data = { note: 'x'.repeat(size) }
      const bytes = new Uint8Array(Buffer.from(await storage.save({ created: 1_700_000_000, data }), 'base64'))
      const opened = nacl.secretbox.open(bytes.subarray(24), bytes.subarray(0, 24), key)
      assert.ok(opened !== null, `tweetnacl did not open a ${size}-character session`)
      assert.equal(JSON.parse(Buffer.from(opened).toString('utf8')).session, data)
      const theirs = box(Buffer.from(JSON.stringify({ created: 1_700_000_000, session: data })))
      assert.equal((await loadSafely(storage, theirs))?.data, data, `tweetnacl's ${size}-character box did not load`)
      const tampered = Buffer.from(theirs, 'base64')
      tampered[24 + (size % (tampered.length - 24))]! ^= 1
      assert.is(await loadSafely(storage, tampered.toString('base64')), undefined, `a tampered ${size}-character box loaded`)
    }
  })

  test('nonces do not repeat', async () => {
    const storage = new NaClCookieStorage(KEY)
    const nonces = new Set<string>()
    for (let i = 0; i < 2000; i++) nonces.add(Buffer.from(await storage.save({ created: 1_700_000_000, data: {} }), 'base64').subarray(0, 24).toString('hex'))
    assert.is(nonces.size, 2000)
  })

  test('with cacheSize 0, values still load', async () => {
    const storage = new NaClCookieStorage(KEY, { cacheSize: 0 })
    const value = await storage.save({ created: 1_700_000_000, data: { a: 1 } })
    assert.equal((await loadSafely(storage, value))?.data, { a: 1 })
    assert.equal((await loadSafely(storage, value))?.data, { a: 1 })
  })

  test.run()
}

{
  const test = suite('SimpleCookieStorage payload')

  test('loads the plain JSON payload aiohttp_session writes, spacing and all', async () => {
    const loaded = await loadSafely(new SimpleCookieStorage(), '{"created": 1700000000, "session": {"user": "alice"}}')
    assert.equal(loaded?.data, { user: 'alice' })
    assert.is(loaded?.created, 1_700_000_000)
  })

  test("loads NaN, Infinity and -Infinity as Python's json writes them: bare", async () => {
    const loaded = await loadSafely(new SimpleCookieStorage(), '{"created": 1700000000, "session": {"x": NaN, "y": [Infinity, -Infinity], "s": "NaN, Infinity"}}')
    assert.ok(loaded !== undefined, 'the payload did not load')
    assert.ok(Number.isNaN(loaded.data.x))
    assert.equal(loaded.data.y, [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])
    assert.is(loaded.data.s, 'NaN, Infinity')
  })

  test('writes NaN and Infinity bare, as Python reads them', async () => {
    const value = await new SimpleCookieStorage().save({ created: 1_700_000_000, data: { x: Number.NaN, y: Number.NEGATIVE_INFINITY } })
    assert.ok(value.includes(':NaN') && value.includes(':-Infinity'), value)
  })

  test('writes non-ASCII text as JSON \\u escapes, as Python’s json.dumps does', async () => {
    const value = await new SimpleCookieStorage().save({ created: 1_700_000_000, data: { greeting: 'héllo ✓ 🚀' } })
    assert.ok(value.includes('h\\\\u00e9llo \\\\u2713 \\\\ud83d\\\\ude80'), value)
  })

  test.run()
}
