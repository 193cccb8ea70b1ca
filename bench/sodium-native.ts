// libsodium itself, natively, through sodium-native, for the sealed-box bench and the compatibility tests: not a
// dependency of routechain, but @fastify/secure-session (a devDependency) brings it, so it is loaded from there.
import { createRequire } from 'node:module'

/** The part of sodium-native's API the sealed-box tests use (buffers are filled in place; failures throw). */
export interface SodiumNative {
  crypto_box_SEALBYTES: number
  crypto_box_keypair(pk: Uint8Array, sk: Uint8Array): void
  crypto_box_seal(c: Uint8Array, m: Uint8Array, pk: Uint8Array): void
  crypto_box_seal_open(m: Uint8Array, c: Uint8Array, pk: Uint8Array, sk: Uint8Array): boolean
  crypto_scalarmult_base(q: Uint8Array, n: Uint8Array): void
}

/** sodium-native as @fastify/secure-session loads it; `undefined` when it does not load. */
export function loadSodiumNative(): SodiumNative | undefined {
  try {
    const fromSecureSession = createRequire(createRequire(import.meta.url).resolve('@fastify/secure-session'))
    return fromSecureSession('sodium-native') as SodiumNative
  } catch {
    return undefined
  }
}
