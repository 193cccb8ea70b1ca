// In process: what one seal and one open of a sealed box (libsodium's crypto_box_seal) cost through routechain's
// sealValue() and SealKeyRing.open() (node:crypto's X25519, the rest tweetsodium's parts), against libsodium itself
// (sodium-native, which @fastify/secure-session brings), tweetsodium alone (pure JavaScript, the reference), and a
// native box of the same shape from node:crypto alone; then where a tweetsodium seal's time goes.
import {
  createCipheriv, createDecipheriv, createHash, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync,
  randomBytes, type KeyObject,
} from 'node:crypto'
import { createRequire } from 'node:module'
import { loadSodiumNative, type SodiumNative } from './sodium-native.js'
import { do_not_optimize } from 'mitata'
import nacl from 'tweetnacl'
import tweetsodium from 'tweetsodium'
import { generateSealKeyPair, SealKeyRing, sealValue } from '../src/sealed/seal-key-ring.js'
import { timeInRounds, type CaseSpec, type TimedCase } from './dispatch.js'

/** The sizes sealed: a token's worth and a small document. */
export const SEALED_SIZES = [{ label: '32-byte', bytes: 32 }, { label: '1 KiB', bytes: 1024 }] as const

export const sealGroup = (label: string): string => `seal a ${label} value`
export const openGroup = (label: string): string => `open a ${label} sealed value`
/** tweetsodium's seal is a key pair, the nonce, box.before and box.after; its open is the nonce, box.before and box.open.after. */
export const PARTS_GROUP = 'inside a tweetsodium seal or open, 1 KiB'
/** Every group this part's cases fall in. */
export const SEALED_GROUPS: ReadonlySet<string> = new Set([...SEALED_SIZES.flatMap((s) => [sealGroup(s.label), openGroup(s.label)]), PARTS_GROUP])

/** The case names, by implementation: routechain's are the ones the target reads. */
export const SEALED_NAMES = {
  libsodium: { seal: 'libsodium crypto_box_seal (sodium-native, native)', open: 'libsodium crypto_box_seal_open (sodium-native, native)' },
  node: { seal: 'node:crypto X25519 + ChaCha20-Poly1305 (native, not the same format)', open: 'node:crypto X25519 + ChaCha20-Poly1305 (native, not the same format)' },
  tweetsodium: { seal: 'tweetsodium.seal (pure JS, the reference)', open: 'tweetsodium.sealOpen (pure JS, the reference)' },
  routechain: { seal: 'routechain sealValue() (node:crypto X25519 + tweetsodium\'s parts, base64 out)', open: 'routechain SealKeyRing.open() (node:crypto X25519 + tweetsodium\'s parts, base64 in)' },
} as const

/** A box as a sealer's API hands it over: bytes, or base64 text (routechain's). */
type Box = Uint8Array | string

/** One way to seal to a recipient and open what it sealed, set up for one key pair. */
interface Sealer {
  readonly names: { readonly seal: string; readonly open: string }
  /** Whether its boxes are crypto_box_seal's (each such sealer must open the others' boxes). */
  readonly libsodiumFormat: boolean
  /** Whether its boxes go in and out as base64 text. */
  readonly text: boolean
  seal(message: Uint8Array): Box
  /** The message, or null when the box does not open. */
  open(box: Box): Uint8Array | null
}

/** The part of sodium-native's API used here. */
/** blakejs as tweetsodium loads it. */
interface Blake { blake2bInit(outlen: number): unknown; blake2bUpdate(ctx: unknown, input: Uint8Array): void; blake2bFinal(ctx: unknown): Uint8Array }
let blake: Blake | undefined

/** A sealed box's nonce: blake2b with a 24-byte output of the ephemeral and the recipient's public keys, as tweetsodium makes it. */
function sealNonce(ephemeralPublic: Uint8Array, publicKey: Uint8Array): Uint8Array {
  blake ??= createRequire(createRequire(import.meta.url).resolve('tweetsodium'))('blakejs') as Blake
  const ctx = blake.blake2bInit(nacl.box.nonceLength)
  blake.blake2bUpdate(ctx, ephemeralPublic)
  blake.blake2bUpdate(ctx, publicKey)
  return blake.blake2bFinal(ctx)
}

/** libsodium's own crypto_box_seal and crypto_box_seal_open, natively. */
function libsodiumSealer(sodium: SodiumNative, publicKey: Uint8Array, secretKey: Uint8Array): Sealer {
  const pk = Buffer.from(publicKey)
  const sk = Buffer.from(secretKey)
  return {
    names: SEALED_NAMES.libsodium, libsodiumFormat: true, text: false,
    seal(message) {
      const box = Buffer.allocUnsafe(message.length + sodium.crypto_box_SEALBYTES)
      sodium.crypto_box_seal(box, message, pk)
      return box
    },
    open(box) {
      const sealed = box as Uint8Array
      if (sealed.length < sodium.crypto_box_SEALBYTES) return null
      const message = Buffer.allocUnsafe(sealed.length - sodium.crypto_box_SEALBYTES)
      return sodium.crypto_box_seal_open(message, sealed, pk, sk) ? message : null
    },
  }
}

// X25519 keys go in and out of node:crypto as JWK (OKP): as DER, importing or exporting one costs ~70 µs here; as JWK, 1–8 µs.
const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url')
const x25519Public = (raw: Uint8Array): KeyObject => createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64url(raw) }, format: 'jwk' })
const x25519Secret = (secretKey: Uint8Array, publicKey: Uint8Array): KeyObject =>
  createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: b64url(secretKey), x: b64url(publicKey) }, format: 'jwk' })
const rawPublic = (key: KeyObject): Buffer => Buffer.from(key.export({ format: 'jwk' }).x as string, 'base64url')

/** A new ephemeral X25519 key pair and its X25519 product with `publicKey`, natively: what a seal starts with. */
function ephemeralShared(publicKey: Uint8Array): { ephemeralPublic: Buffer; shared: Buffer } {
  const ephemeral = generateKeyPairSync('x25519')
  return { ephemeralPublic: rawPublic(ephemeral.publicKey), shared: diffieHellman({ privateKey: ephemeral.privateKey, publicKey: x25519Public(publicKey) }) }
}

/** tweetsodium alone, in pure JavaScript: the reference routechain's boxes are checked against, and its fallback. */
function tweetsodiumSealer(publicKey: Uint8Array, secretKey: Uint8Array): Sealer {
  return {
    names: SEALED_NAMES.tweetsodium, libsodiumFormat: true, text: false,
    seal: (message) => tweetsodium.seal(message, publicKey),
    open: (box) => ((box as Uint8Array).length < 48 ? null : tweetsodium.sealOpen(box as Uint8Array, publicKey, secretKey)),
  }
}

const ZERO_NONCE = Buffer.alloc(12)

/** The key of a native box: SHA-256 of the X25519 product and both public keys (a key per ephemeral key, so a zero nonce). */
function nodeBoxKey(shared: Buffer, ephemeralPublic: Uint8Array, publicKey: Uint8Array): Buffer {
  return createHash('sha256').update(shared).update(ephemeralPublic).update(publicKey).digest()
}

/**
 * A box of the same shape natively, with node:crypto alone: ephemeral X25519 public key ‖ ChaCha20-Poly1305
 * ciphertext ‖ tag, 48 bytes more than the message like a sealed box, but not libsodium's format.
 */
function nodeSealer(publicKey: Uint8Array, secretKey: Uint8Array): Sealer {
  const recipient = x25519Secret(secretKey, publicKey)
  return {
    names: SEALED_NAMES.node, libsodiumFormat: false, text: false,
    seal(message) {
      const { ephemeralPublic, shared } = ephemeralShared(publicKey)
      const cipher = createCipheriv('chacha20-poly1305', nodeBoxKey(shared, ephemeralPublic, publicKey), ZERO_NONCE, { authTagLength: 16 })
      return Buffer.concat([ephemeralPublic, cipher.update(message), cipher.final(), cipher.getAuthTag()])
    },
    open(box) {
      const sealed = box as Uint8Array
      if (sealed.length < 48) return null
      const ephemeralPublic = sealed.subarray(0, 32)
      const shared = diffieHellman({ privateKey: recipient, publicKey: x25519Public(ephemeralPublic) })
      const decipher = createDecipheriv('chacha20-poly1305', nodeBoxKey(shared, ephemeralPublic, publicKey), ZERO_NONCE, { authTagLength: 16 })
      decipher.setAuthTag(sealed.subarray(sealed.length - 16))
      try {
        return Buffer.concat([decipher.update(sealed.subarray(32, sealed.length - 16)), decipher.final()])
      } catch {
        return null
      }
    },
  }
}

/** routechain's: sealValue() to the published key (base64), SealKeyRing.open() by key_id. */
function routechainSealer(ring: SealKeyRing): Sealer {
  const { key_id: keyId, key } = ring.published()
  return {
    names: SEALED_NAMES.routechain, libsodiumFormat: true, text: true,
    seal: (message) => sealValue(message, key),
    open(box) {
      try {
        return ring.open(keyId, box as string)
      } catch {
        return null
      }
    },
  }
}

/** Everything the cases need: one recipient key pair, the sealers, a message of each size, and each sealer's box of each. */
export interface SealedSetup {
  readonly pair: { readonly publicKey: Uint8Array; readonly secretKey: Uint8Array }
  readonly sealers: readonly Sealer[]
  /** One per size in SEALED_SIZES. */
  readonly messages: readonly Uint8Array[]
  /** boxes[sealer][size]. */
  readonly boxes: readonly (readonly Box[])[]
  /** Whether sodium-native loaded (else there is no libsodium sealer, and node:crypto's box is the baseline). */
  readonly libsodium: boolean
}

/** Makes a key pair, the sealers for it (libsodium first, the baseline), and a message and a box of each size per sealer. */
export function sealedSetup(): SealedSetup {
  const pair = generateSealKeyPair()
  const publicKey = new Uint8Array(Buffer.from(pair.publicKey, 'base64'))
  const secretKey = new Uint8Array(Buffer.from(pair.secretKey, 'base64'))
  const sodium = loadSodiumNative()
  const sealers = [
    ...(sodium === undefined ? [] : [libsodiumSealer(sodium, publicKey, secretKey)]),
    nodeSealer(publicKey, secretKey),
    tweetsodiumSealer(publicKey, secretKey),
    routechainSealer(new SealKeyRing(pair.secretKey)),
  ]
  const messages = SEALED_SIZES.map((size) => new Uint8Array(randomBytes(size.bytes)))
  return { pair: { publicKey, secretKey }, sealers, messages, boxes: sealers.map((s) => messages.map((m) => s.seal(m))), libsodium: sodium !== undefined }
}

/**
 * What is wrong with the sealers (empty when nothing is): each must open what it sealed, at every size, and refuse
 * a box with one byte changed; the ones in crypto_box_seal's format must open each other's boxes.
 */
export function checkSealers(setup: SealedSetup): string[] {
  const wrong: string[] = []
  const same = (a: Uint8Array | null, b: Uint8Array): boolean => a !== null && Buffer.compare(a, b) === 0
  const bytesOf = (box: Box): Buffer => (typeof box === 'string' ? Buffer.from(box, 'base64') : Buffer.from(box))
  const boxFor = (sealer: Sealer, bytes: Buffer): Box => (sealer.text ? bytes.toString('base64') : bytes)
  for (const [i, sealer] of setup.sealers.entries()) {
    for (const [j, message] of setup.messages.entries()) {
      const box = bytesOf(setup.boxes[i]?.[j] as Box)
      if (box.length !== message.length + 48) wrong.push(`${sealer.names.seal}: a ${message.length}-byte message made a ${box.length}-byte box`)
      for (const [k, other] of setup.sealers.entries()) {
        if (k !== i && !(sealer.libsodiumFormat && other.libsodiumFormat)) continue
        if (!same(other.open(boxFor(other, box)), message)) wrong.push(`${other.names.open} did not open the ${message.length}-byte box of ${sealer.names.seal}`)
      }
      const changed = Buffer.from(box)
      changed[changed.length - 1] = (changed[changed.length - 1] as number) ^ 1
      if (sealer.open(boxFor(sealer, changed)) !== null) wrong.push(`${sealer.names.open} opened a changed box`)
    }
  }
  return wrong
}

/** The cases, once every sealer checks out: seal, then open, at each size (the first sealer is each group's baseline); then tweetsodium's parts. */
export function sealedCases(setup: SealedSetup): CaseSpec[] {
  const wrong = checkSealers(setup)
  if (wrong.length > 0) throw new Error(`the sealed-box cases are wrong: ${wrong.join('; ')}`)
  const { sealers, messages, boxes, pair } = setup
  const cases: CaseSpec[] = []
  for (const [j, size] of SEALED_SIZES.entries()) {
    const message = messages[j] as Uint8Array
    for (const sealer of sealers) cases.push([sealGroup(size.label), sealer.names.seal, () => do_not_optimize(sealer.seal(message))])
  }
  for (const [j, size] of SEALED_SIZES.entries()) {
    for (const [i, sealer] of sealers.entries()) {
      const box = boxes[i]?.[j] as Box
      cases.push([openGroup(size.label), sealer.names.open, () => do_not_optimize(sealer.open(box))])
    }
  }
  // tweetsodium.seal is nacl.box.keyPair(), the nonce, then nacl.box (= box.before: the X25519 product through
  // HSalsa20; then box.after: XSalsa20-Poly1305); sealOpen is the nonce, box.before and box.open.after
  const message = messages[SEALED_SIZES.length - 1] as Uint8Array
  const ephemeral = nacl.box.keyPair()
  const nonce = sealNonce(ephemeral.publicKey, pair.publicKey)
  const shared = nacl.box.before(pair.publicKey, ephemeral.secretKey)
  const sealed = nacl.box.after(message, nonce, shared)
  const native = generateKeyPairSync('x25519')
  cases.push(
    [PARTS_GROUP, 'tweetsodium.seal, whole (bytes)', () => do_not_optimize(tweetsodium.seal(message, pair.publicKey))],
    [PARTS_GROUP, 'X25519 key pair (tweetnacl box.keyPair)', () => do_not_optimize(nacl.box.keyPair())],
    [PARTS_GROUP, 'X25519 + HSalsa20 (tweetnacl box.before)', () => do_not_optimize(nacl.box.before(pair.publicKey, ephemeral.secretKey))],
    [PARTS_GROUP, 'blake2b-192 nonce (blakejs)', () => do_not_optimize(sealNonce(ephemeral.publicKey, pair.publicKey))],
    [PARTS_GROUP, 'XSalsa20-Poly1305 seal (tweetnacl box.after)', () => do_not_optimize(nacl.box.after(message, nonce, shared))],
    [PARTS_GROUP, 'XSalsa20-Poly1305 open (tweetnacl box.open.after)', () => do_not_optimize(nacl.box.open.after(sealed, nonce, shared))],
    [PARTS_GROUP, 'for comparison: X25519 (node:crypto diffieHellman, native)', () => do_not_optimize(diffieHellman({ privateKey: native.privateKey, publicKey: native.publicKey }))],
  )
  return cases
}

/** Runs the sealed-box cases, timing every call on its own (the fastest take ~5 µs), so p99 is one call's. */
export async function benchSealed(quick: boolean): Promise<TimedCase[]> {
  const setup = sealedSetup()
  if (!setup.libsodium) console.warn('[bench] sodium-native did not load: the sealed-box groups have no libsodium row, and node:crypto\'s box is their baseline')
  return timeInRounds(sealedCases(setup), quick, true)
}
