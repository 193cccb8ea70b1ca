// NaCl's secretbox (XSalsa20-Poly1305), byte for byte tweetnacl's `nacl.secretbox`, from tweetnacl's own
// low-level parts. tweetnacl's high-level functions copy the message into a zero-padded buffer, then run HSalsa20
// and the first Salsa20 block twice on opening (once for the MAC key, once to decrypt); for a cookie-sized box
// that doubled work and the copies are most of the cost. Here each runs once, in place, on one buffer.
import nacl from 'tweetnacl'
import { pooledRandomBytes } from './random-pool.js'

/** The secretbox key's length in bytes. */
export const SECRETBOX_KEY = 32
/** The secretbox nonce's length in bytes. */
export const SECRETBOX_NONCE = 24
/** The Poly1305 tag that leads every box. */
export const SECRETBOX_TAG = 16

// 32 zero bytes lead the buffer the keystream runs over: they come out as the Poly1305 key
const ZEROS = 32
const SIGMA = new Uint8Array(Buffer.from('expand 32-byte k', 'latin1'))

interface LowLevel {
  crypto_core_hsalsa20(out: Uint8Array, input: Uint8Array, key: Uint8Array, constant: Uint8Array): number
  crypto_stream_salsa20_xor(c: Uint8Array, cpos: number, m: Uint8Array, mpos: number, bytes: number, nonce: Uint8Array, key: Uint8Array): number
  crypto_onetimeauth(out: Uint8Array, outpos: number, m: Uint8Array, mpos: number, bytes: number, key: Uint8Array): number
  crypto_onetimeauth_verify(h: Uint8Array, hpos: number, m: Uint8Array, mpos: number, bytes: number, key: Uint8Array): number
}
// tweetnacl's typings leave out its lowlevel functions
const lowlevel = (nacl as unknown as { lowlevel: LowLevel }).lowlevel

/** HSalsa20 of a 16-byte input under a 32-byte key, into `out` (32 bytes): XSalsa20's subkey, and crypto_box's shared key. */
export function hsalsa20(out: Uint8Array, input: Uint8Array, key: Uint8Array): void {
  lowlevel.crypto_core_hsalsa20(out, input, key, SIGMA)
}

// scratch space, reused: each call fills and clears it before it returns, and nothing in between yields
const subkey = new Uint8Array(32)
const nonceTail = new Uint8Array(8)

/** XSalsa20 over `work` in place: HSalsa20 makes the subkey from the nonce's first 16 bytes, Salsa20 uses its last 8. */
function xsalsa20InPlace(work: Uint8Array, nonce: Uint8Array, key: Uint8Array): void {
  hsalsa20(subkey, nonce, key)
  for (let i = 0; i < 8; i++) nonceTail[i] = nonce[16 + i] as number
  lowlevel.crypto_stream_salsa20_xor(work, 0, work, 0, work.length, nonceTail, subkey)
  subkey.fill(0)
}

/** Seals `message` with a 24-byte nonce and 32-byte key (both checked by the caller): the box, tag ‖ ciphertext. */
export function secretboxSeal(message: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array {
  const work = new Uint8Array(ZEROS + message.length)
  work.set(message, ZEROS)
  xsalsa20InPlace(work, nonce, key)
  // work now holds the Poly1305 key (the keystream over the zeros), then the ciphertext. Poly1305 reads its key
  // when it starts, so the tag may go over the key's second half, just before the ciphertext.
  lowlevel.crypto_onetimeauth(work, ZEROS - SECRETBOX_TAG, work, ZEROS, message.length, work)
  return work.subarray(ZEROS - SECRETBOX_TAG)
}

/** Opens a box (tag ‖ ciphertext) sealed with this nonce and key: the message, or `null` when the tag does not verify. */
export function secretboxOpen(box: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array | null {
  if (box.length < SECRETBOX_TAG) return null
  const length = box.length - SECRETBOX_TAG
  const work = new Uint8Array(ZEROS + length)
  for (let i = 0; i < length; i++) work[ZEROS + i] = box[SECRETBOX_TAG + i] as number
  xsalsa20InPlace(work, nonce, key)
  // the tag is over the ciphertext, which `box` still holds; the message goes out only when it verifies
  if (lowlevel.crypto_onetimeauth_verify(box, 0, box, SECRETBOX_TAG, length, work) === 0) return work.subarray(ZEROS)
  work.fill(0) // what a forged box decrypted to is never handed out, nor left behind
  return null
}

/** A fresh random nonce. */
export function secretboxNonce(): Uint8Array {
  return pooledRandomBytes(SECRETBOX_NONCE)
}
