// libsodium's sealed boxes (crypto_box_seal), in tweetsodium's format, with the X25519 scalar multiplications
// done by node:crypto (OpenSSL) instead of tweetnacl's JavaScript, which takes ~20 times as long and blocks the
// event loop meanwhile. The rest is tweetsodium's own parts: the nonce is BLAKE2b-192 of the ephemeral and the
// recipient's public keys (blakejs), the box key is HSalsa20 of the shared point, and the box is NaCl's secretbox
// (XSalsa20-Poly1305) from tweetnacl's parts. Where node:crypto lacks X25519, tweetsodium does it all.
import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from 'node:crypto'
import blake from 'blakejs'
import tweetsodium from 'tweetsodium'
import { hsalsa20, secretboxOpen, secretboxSeal } from '../util/secretbox.js'

/** 48: the ephemeral public key and the box's MAC. */
export const SEAL_OVERHEAD = tweetsodium.overheadLength

const KEY = 32
const NONCE = 24
const ZERO = new Uint8Array(16)

let native: boolean | undefined
/** Whether node:crypto does X25519 here (it does on every Node routechain supports, unless OpenSSL was built without it). */
function hasNativeX25519(): boolean {
  if (native === undefined) {
    try {
      generateKeyPairSync('x25519')
      native = true
    } catch {
      native = false
    }
  }
  return native
}

/** The key a recipient's public key and a secret key share, as crypto_box_beforenm makes it: HSalsa20 of the X25519 point. */
function boxKey(privateKey: KeyObject, publicKey: KeyObject): Uint8Array {
  const key = new Uint8Array(KEY)
  hsalsa20(key, ZERO, diffieHellman({ privateKey, publicKey }))
  return key
}

/** A sealed box's nonce: BLAKE2b with a 24-byte output over the ephemeral public key, then the recipient's. */
function sealNonce(ephemeral: Uint8Array, recipient: Uint8Array): Uint8Array {
  const hash = blake.blake2bInit(NONCE)
  blake.blake2bUpdate(hash, ephemeral)
  blake.blake2bUpdate(hash, recipient)
  return blake.blake2bFinal(hash)
}

const b64url = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url')

/** A raw 32-byte X25519 public key as a KeyObject (through JWK: OpenSSL's DER decoders take ~10 times as long). */
function publicKeyObject(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64url(raw) }, format: 'jwk' })
}

// the recipients most recently sealed to, by base64 key: a server seals to a handful of keys, over and over
const recipients = new Map<string, KeyObject>()
const MAX_RECIPIENTS = 32

function recipientObject(raw: Uint8Array): KeyObject {
  const id = b64url(raw)
  let key = recipients.get(id)
  if (key === undefined) {
    key = publicKeyObject(raw)
    if (recipients.size >= MAX_RECIPIENTS) recipients.delete(recipients.keys().next().value as string)
    recipients.set(id, key)
  }
  return key
}

/**
 * Seals `message` to `publicKey` (32 bytes, checked by the caller): ephemeral public key ‖ box, byte for byte what
 * tweetsodium and libsodium make and open.
 */
export function sealBox(message: Uint8Array, publicKey: Uint8Array): Uint8Array {
  if (!hasNativeX25519()) return tweetsodium.seal(message, publicKey)
  const ephemeral = generateKeyPairSync('x25519')
  const ephemeralPublic = Buffer.from(ephemeral.publicKey.export({ format: 'jwk' }).x as string, 'base64url')
  const box = secretboxSeal(message, sealNonce(ephemeralPublic, publicKey), boxKey(ephemeral.privateKey, recipientObject(publicKey)))
  const out = new Uint8Array(KEY + box.length)
  out.set(ephemeralPublic, 0)
  out.set(box, KEY)
  return out
}

/** A key pair ready to open sealed boxes with: made once per key, as importing the secret key costs ~70 µs. */
export interface OpeningKey {
  readonly publicKey: Uint8Array
  readonly secretKey: Uint8Array
  readonly privateObject: KeyObject | undefined
}

/** Prepares a key pair (the public key derived from the secret one) for {@link openBox}. */
export function openingKey(publicKey: Uint8Array, secretKey: Uint8Array): OpeningKey {
  const privateObject = hasNativeX25519()
    ? createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', x: b64url(publicKey), d: b64url(secretKey) }, format: 'jwk' })
    : undefined
  return { publicKey, secretKey, privateObject }
}

/**
 * Opens a sealed box (at least {@link SEAL_OVERHEAD} bytes, checked by the caller); `null` when it does not open.
 * An ephemeral key of low order (whose shared point is all zeros whatever the secret key) is refused, as
 * libsodium refuses it: what is sealed with one opens for anyone.
 */
export function openBox(box: Uint8Array, key: OpeningKey): Uint8Array | null {
  if (key.privateObject === undefined) return tweetsodium.sealOpen(box, key.publicKey, key.secretKey)
  const ephemeral = box.subarray(0, KEY)
  let shared: Uint8Array
  try {
    shared = boxKey(key.privateObject, publicKeyObject(ephemeral))
  } catch {
    return null // OpenSSL refuses a low-order point (an all-zero result) and a malformed key alike
  }
  return secretboxOpen(box.subarray(KEY), sealNonce(ephemeral, key.publicKey), shared)
}
