import { createHash } from 'node:crypto'
import nacl from 'tweetnacl'
import { configError, RoutechainError } from '../errors.js'
import { readKey } from '../session/keys.js'
import { isWellFormedText } from '../util/utf8.js'
import { checkPublicKey, decodeBase64 } from './public-key.js'
import { openBox, openingKey, sealBox, SEAL_OVERHEAD, type OpeningKey } from './sealed-box.js'

const HOW_TO = 'make a pair with generateSealKeyPair() (or libsodium\'s crypto_box_keypair) and pass its secretKey'

/** A sealing key pair as text: both keys as standard base64, and the id clients send back with what they seal. */
export interface SealKeyPair {
  /** The public key's {@link sealKeyId}; to publish it under an id of your own, give `SealKeyRing` `{ secretKey, keyId }`. */
  readonly keyId: string
  /** 32 bytes, base64: publish it. */
  readonly publicKey: string
  /** 32 bytes, base64: keep it secret (an environment variable, a secret store). */
  readonly secretKey: string
}

/** A key the ring opens with: the secret key (base64 or 32 bytes), with the id it is known by when not derived. */
export type SealKeyInput = string | Uint8Array | { readonly secretKey: string | Uint8Array; readonly keyId?: string }

/** What a server publishes for clients to seal with, in the shape GitHub's secrets API uses. */
export interface PublishedSealKey {
  readonly key_id: string
  readonly key: string
}

/**
 * The response header `openSealed()` sets on the 400 for a `key_id` the ring does not hold, with the value
 * `unknown`: the sender's key was rotated away, so it should fetch the current one and seal again.
 * `sealBodyFields()` fetches the key again on that 400 only.
 */
export const SEALED_KEY_HEADER = 'x-sealed-key'

/**
 * Why a sealed value did not open; {@link SealKeyRing.open} throws it, and `openSealed()` turns it into a 400.
 * Code `ERR_ROUTECHAIN_SEALED_VALUE`.
 */
export class SealedValueError extends RoutechainError {
  constructor(message: string) {
    super('ERR_ROUTECHAIN_SEALED_VALUE', message)
    this.name = 'SealedValueError'
  }
}

/** The id a public key gets when none is chosen: 16 hex digits of its SHA-256, so every process agrees on it. */
export function sealKeyId(publicKey: Uint8Array): string {
  return createHash('sha256').update(publicKey).digest('hex').slice(0, 16)
}

/**
 * A new key pair for sealed boxes (X25519), with its id.
 * @example
 * const { secretKey, publicKey, keyId } = generateSealKeyPair()   // store secretKey as SEAL_KEY
 */
export function generateSealKeyPair(): SealKeyPair {
  const pair = nacl.box.keyPair()
  return {
    keyId: sealKeyId(pair.publicKey),
    publicKey: Buffer.from(pair.publicKey).toString('base64'),
    secretKey: Buffer.from(pair.secretKey).toString('base64'),
  }
}

interface RingKey {
  readonly keyId: string
  readonly publicKey: Uint8Array
  readonly opening: OpeningKey
}

function ringKey(input: SealKeyInput): RingKey {
  const given = typeof input === 'object' && !(input instanceof Uint8Array) ? input : { secretKey: input }
  if (given === null || typeof given !== 'object') configError(`SealKeyRing: a key is a base64 secret key or { secretKey, keyId }; ${HOW_TO}`)
  const secretKey = new Uint8Array(readKey(given.secretKey, 'SealKeyRing', HOW_TO))
  // a placeholder (Buffer.alloc(32), a zeroed variable), not a secret: anyone can open what is sealed to its public key
  if (secretKey.every((byte) => byte === 0)) configError(`SealKeyRing: the secret key is all zeros, which anyone can guess; ${HOW_TO}`)
  const { publicKey } = nacl.box.keyPair.fromSecretKey(secretKey)
  const keyId = given.keyId ?? sealKeyId(publicKey)
  if (typeof keyId !== 'string' || keyId === '' || keyId.length > 128) configError('SealKeyRing: a keyId is a non-empty string of up to 128 characters')
  return { keyId, publicKey, opening: openingKey(publicKey, secretKey) }
}

/**
 * The keys a service opens sealed values with. The first key is the current one: it is the one published, so
 * clients seal with it. All of them open, so values sealed with an older key still open while it is rotated out.
 *
 * @example
 * const ring = new SealKeyRing([process.env.SEAL_KEY, process.env.SEAL_OLD_KEY].filter((key) => key !== undefined))
 */
export class SealKeyRing {
  readonly #keys: readonly RingKey[]
  readonly #byId: ReadonlyMap<string, RingKey>

  constructor(keys: SealKeyInput | readonly SealKeyInput[]) {
    const list = Array.isArray(keys) ? keys as readonly SealKeyInput[] : [keys as SealKeyInput]
    if (list.length === 0) configError(`SealKeyRing: give at least one key; ${HOW_TO}`)
    this.#keys = list.map(ringKey)
    const byId = new Map<string, RingKey>()
    for (const key of this.#keys) {
      if (byId.has(key.keyId)) configError(`SealKeyRing: two keys share the id "${key.keyId}"`)
      byId.set(key.keyId, key)
    }
    this.#byId = byId
  }

  /** The current public key and its id, as clients fetch it: `{ key_id, key }` with the key in base64. */
  published(): PublishedSealKey {
    const current = this.#keys[0] as RingKey
    return { key_id: current.keyId, key: Buffer.from(current.publicKey).toString('base64') }
  }

  /** The ids of every key the ring opens with, current first. */
  keyIds(): string[] {
    return this.#keys.map((key) => key.keyId)
  }

  /** Whether the ring holds a key with this id (and so opens values sealed to it). */
  has(keyId: string): boolean {
    return this.#byId.has(keyId)
  }

  /** Opens a base64 sealed box sealed to the key `keyId`; throws {@link SealedValueError} saying why it cannot. */
  open(keyId: string, sealed: string): Uint8Array {
    const key = this.#byId.get(keyId)
    if (key === undefined) throw new SealedValueError(`unknown key_id "${keyId.slice(0, 64)}": fetch the current public key and seal again`)
    const box = decodeBase64(sealed)
    if (box === undefined) throw new SealedValueError('not base64')
    if (box.length < SEAL_OVERHEAD) throw new SealedValueError('too short to be a sealed box')
    const opened = openBox(box, key.opening)
    if (opened === null) throw new SealedValueError('does not open with this key: sealed to another key, or changed')
    return opened
  }
}

/**
 * Seals a value to a public key (libsodium's `crypto_box_seal`) and returns it as base64. Only the holder of the
 * secret key can open it, and nothing in it says who sealed it. Throws a `TypeError` for a key that is not 32
 * bytes (or their standard base64), for a low-order key such as all zeros (what is sealed to one opens for
 * anyone; libsodium refuses them too), and for a string with a lone surrogate, which UTF-8 cannot carry.
 * @example const encrypted_value = sealValue('s3cr3t', published.key)
 */
export function sealValue(value: string | Uint8Array, publicKey: string | Uint8Array): string {
  const key = checkPublicKey(publicKey)
  if (key.problem !== undefined) throw new TypeError(`sealValue: the public key ${key.problem}`)
  if (typeof value === 'string' && !isWellFormedText(value)) throw new TypeError('sealValue: the text has a lone surrogate, which UTF-8 cannot carry: it would not open as it was')
  const message = typeof value === 'string' ? Buffer.from(value, 'utf8') : value
  return Buffer.from(sealBox(message, key.bytes)).toString('base64')
}
