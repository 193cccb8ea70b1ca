import { randomBytes, randomFillSync } from 'node:crypto'

// Each call into node:crypto's random generator costs ~5 µs whatever the size, more than sealing a cookie, so
// the small draws made per request (nonces, IVs, session ids) come from a pool filled 4 KiB at a time, as node's
// own randomUUID() does. Bytes handed out are cleared from the pool.
const POOL_SIZE = 4096
const pool = Buffer.alloc(POOL_SIZE)
let used = POOL_SIZE

/** `length` cryptographically random bytes in a new Buffer, drawn from a pool refilled by node:crypto. */
export function pooledRandomBytes(length: number): Buffer {
  if (length > POOL_SIZE / 4) return randomBytes(length)
  if (used + length > POOL_SIZE) {
    randomFillSync(pool)
    used = 0
  }
  const out = Buffer.allocUnsafe(length)
  pool.copy(out, 0, used, used + length)
  pool.fill(0, used, used + length)
  used += length
  return out
}
