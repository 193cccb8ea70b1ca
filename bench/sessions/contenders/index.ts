import type { SessionContender } from '../spec.js'
import { fastifySecureSession } from './fastify.js'
import { rawGcm } from './raw-gcm.js'
import { encrypted, naclStorage, noSession, simple } from './routechain.js'
import { memoryStorage, redisStorage } from './server-side.js'

/** Every session contender; the first (the same route without a session) is the baseline the others are divided by. */
export const SESSION_CONTENDERS: readonly SessionContender[] = [noSession, encrypted, naclStorage, simple, rawGcm, fastifySecureSession, memoryStorage, redisStorage]

/**
 * The contenders of a quick run: the baseline, EncryptedCookieStorage, and the two it is held to. The server-side
 * storages run in full runs only: with them the quick sessions part took ~20 s instead of ~12 s.
 */
export const QUICK_SESSION_CONTENDERS: readonly SessionContender[] = [noSession, encrypted, rawGcm, fastifySecureSession]
