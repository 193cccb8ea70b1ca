// Which public keys a value may be sealed to: 32 bytes that X25519 can make a secret with.
import nacl from 'tweetnacl'

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
// verdicts on keys already checked, by their base64; a client seals to one or a few keys, so a few dozen is plenty
const VERDICTS_KEPT = 64
const verdicts = new Map<string, boolean>()

/**
 * Decodes standard, canonical base64 (padded, and with the unused bits of the last character zero, so each
 * value has one spelling), or `undefined` when the text is not exactly that.
 *
 * @example decodeBase64('AA==') // Uint8Array [0]; decodeBase64('AB==') and decodeBase64('AA') are undefined
 */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (!STRICT_BASE64.test(text)) return undefined
  const bytes = Buffer.from(text, 'base64')
  return bytes.toString('base64') === text ? bytes : undefined
}

/**
 * Whether X25519 with `key` can give a shared secret nobody else knows: false for the all-zero key and the other
 * low-order points, whose product with every secret key is all zeros, so that a value sealed to one opens for
 * anyone. libsodium's `crypto_box_seal` refuses the same keys.
 */
function isContributory(key: Uint8Array): boolean {
  // a clamped scalar is a multiple of 8, so a point of order 1, 2, 4 or 8 gives all zeros with any scalar
  return nacl.scalarMult(nacl.randomBytes(32), key).some((byte) => byte !== 0)
}

/** A public key fit to seal to: its 32 bytes, or what is wrong with it (a phrase to follow "the public key"). */
export type CheckedPublicKey = { readonly bytes: Uint8Array; readonly problem?: undefined } | { readonly bytes?: undefined; readonly problem: string }

/**
 * Checks a public key to seal to, given as 32 bytes or their standard base64 (surrounding white space is ignored).
 * The verdict on the X25519 check is remembered per key, so sealing to a key again costs no extra scalar
 * multiplication.
 *
 * @example
 * const { bytes, problem } = checkPublicKey(published.key)
 * if (problem !== undefined) throw new TypeError(`the public key ${problem}`)
 */
export function checkPublicKey(publicKey: string | Uint8Array): CheckedPublicKey {
  const text = typeof publicKey === 'string' ? publicKey.trim() : Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('base64')
  const bytes = typeof publicKey === 'string' ? decodeBase64(text) : publicKey
  if (bytes === undefined || bytes.length !== 32) return { problem: 'must be 32 bytes, or their standard base64' }
  let usable = verdicts.get(text)
  if (usable === undefined) {
    usable = isContributory(bytes)
    if (verdicts.size >= VERDICTS_KEPT) verdicts.delete(verdicts.keys().next().value as string)
    verdicts.set(text, usable)
  }
  return usable ? { bytes } : { problem: 'is a low-order point (all zeros, or another whose X25519 product is always all zeros): a value sealed to it opens for anyone' }
}
