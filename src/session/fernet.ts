import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual, type Decipher } from 'node:crypto'
import { pooledRandomBytes } from '../util/random-pool.js'

// The Fernet spec: 0x80 ‖ timestamp (8 bytes, big-endian seconds) ‖ IV (16) ‖ AES-128-CBC ciphertext ‖
// HMAC-SHA256 (32) over everything before it; the 32-byte key is the signing key then the encryption key.
const VERSION = 0x80
const HEADER = 1 + 8 + 16
const MAC = 32
const TOKEN = /^[A-Za-z0-9_-]+={0,2}$/

/** A Fernet key split into its two halves, with a block decrypter for the second. */
export interface FernetKey {
  readonly signing: Buffer
  readonly encryption: Buffer
  /**
   * AES-128 in ECB mode without padding, made once and used for every token: each block decrypts on its own,
   * so nothing carries over from one token to the next, and CBC is the XOR with the previous block done here.
   * Creating a CBC decipher per token cost more than the rest of the decryption.
   */
  readonly blocks: Decipher
}

/** Splits a 32-byte key into Fernet's signing and encryption keys. */
export function fernetKey(key: Buffer): FernetKey {
  const encryption = key.subarray(16, 32)
  const blocks = createDecipheriv('aes-128-ecb', encryption, null)
  blocks.setAutoPadding(false)
  return { signing: key.subarray(0, 16), encryption, blocks }
}

/**
 * AES-128-CBC decryption of whole blocks through the key's ECB decrypter, then PKCS#7 padding removed;
 * `undefined` for bad padding. Only ever run on a token whose MAC verified, so nothing here is an oracle.
 */
function cbcDecrypt(key: FernetKey, iv: Uint8Array, ciphertext: Uint8Array): Buffer | undefined {
  const out = key.blocks.update(ciphertext)
  if (out.length !== ciphertext.length) return undefined
  for (let i = out.length - 1; i >= 16; i--) out[i] = (out[i] as number) ^ (ciphertext[i - 16] as number)
  for (let i = 0; i < 16; i++) out[i] = (out[i] as number) ^ (iv[i] as number)
  const pad = out[out.length - 1] as number
  if (pad < 1 || pad > 16) return undefined
  for (let i = out.length - pad; i < out.length; i++) if (out[i] !== pad) return undefined
  return out.subarray(0, out.length - pad)
}

/** Encrypts to a Fernet token (url-safe base64 with padding, as Python's `cryptography` writes it). */
export function fernetEncrypt(key: FernetKey, plaintext: string, nowSeconds: number): string {
  const iv = pooledRandomBytes(16)
  const cipher = createCipheriv('aes-128-cbc', key.encryption, iv)
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  const token = Buffer.allocUnsafe(HEADER + body.length + MAC)
  token[0] = VERSION
  token.writeBigUInt64BE(BigInt(nowSeconds), 1)
  iv.copy(token, 9)
  body.copy(token, HEADER)
  createHmac('sha256', key.signing).update(token.subarray(0, HEADER + body.length)).digest().copy(token, HEADER + body.length)
  return token.toString('base64')
    .replace(/\+/g, '-').replace(/\//g, '_')
}

/** A decrypted token and the index of the key that verified it (0: the current key). */
export interface FernetPlaintext {
  readonly text: string
  readonly keyIndex: number
}

/** Decrypts a Fernet token with any of the keys; `undefined` when it is malformed or no key verifies it. */
export function fernetDecrypt(keys: readonly FernetKey[], token: string): FernetPlaintext | undefined {
  if (!TOKEN.test(token)) return undefined
  const bytes = Buffer.from(token, 'base64url')
  if (bytes.length < HEADER + 16 + MAC || bytes[0] !== VERSION || (bytes.length - HEADER - MAC) % 16 !== 0) return undefined
  const signed = bytes.subarray(0, bytes.length - MAC)
  const mac = bytes.subarray(bytes.length - MAC)
  for (let keyIndex = 0; keyIndex < keys.length; keyIndex++) {
    const key = keys[keyIndex] as FernetKey
    const expected = createHmac('sha256', key.signing).update(signed).digest()
    if (!timingSafeEqual(expected, mac)) continue
    const plaintext = cbcDecrypt(key, bytes.subarray(9, HEADER), bytes.subarray(HEADER, bytes.length - MAC))
    return plaintext === undefined ? undefined : { text: plaintext.toString('utf8'), keyIndex }
  }
  return undefined
}
