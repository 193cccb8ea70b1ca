// In process: what one encode (save) and one decode (load) costs for each storage, against AES-256-GCM by hand
// and @fastify/secure-session's own encoder and decoder.
import { do_not_optimize } from 'mitata'
import { EncryptedCookieStorage, NaClCookieStorage, SimpleCookieStorage, type StoredSession } from '../../src/index.js'
import { readCookie } from '../../src/session/cookie.js'
import { timeInRounds, type CaseSpec, type TimedCase } from '../dispatch.js'
import { secureSessionApp } from './contenders/fastify.js'
import { gcmDecrypt, gcmEncrypt } from './contenders/raw-gcm.js'
import { BENCH_KEY, REPEATED_USER } from './spec.js'

export const DECODE_GROUP = 'decode a session cookie (load)'
export const ENCODE_GROUP = 'encode a session cookie (save)'

/** Runs the per-operation cases; a decode with the cache off reads one value over and over, uncached. */
export async function benchSessionOps(quick: boolean): Promise<TimedCase[]> {
  const now = Math.floor(Date.now() / 1000)
  const session: StoredSession = { created: now, data: { user: REPEATED_USER } }
  const payload = { user: REPEATED_USER, exp: now + 24 * 3600 }
  const storages = {
    encrypted: [new EncryptedCookieStorage(BENCH_KEY, { cacheSize: 0 }), new EncryptedCookieStorage(BENCH_KEY)],
    nacl: [new NaClCookieStorage(BENCH_KEY, { cacheSize: 0 }), new NaClCookieStorage(BENCH_KEY)],
  } as const
  const simple = new SimpleCookieStorage()
  const fastify = await secureSessionApp()
  await fastify.ready()

  const gcmValue = gcmEncrypt(BENCH_KEY, payload)
  const fernetValue = storages.encrypted[0].save(session)
  const naclValue = storages.nacl[0].save(session)
  // SimpleCookieStorage writes Python-quoted JSON; load() gets it as the request's cookie reader unquotes it
  const simpleValue = readCookie(`session=${simple.save(session)}`, 'session') as string
  const fastifyValue = fastify.encodeSecureSession(fastify.createSecureSession({ user: REPEATED_USER }))
  // the cached storages have seen their value once: every timed load is a hit
  for (const [storage, value] of [[storages.encrypted[1], fernetValue], [storages.nacl[1], naclValue]] as const) {
    if (storage.load(value)?.data.user !== REPEATED_USER) throw new Error('a storage did not load what it saved')
  }
  const checks: [string, unknown][] = [
    ['AES-256-GCM by hand', gcmDecrypt(BENCH_KEY, gcmValue)?.user],
    ['EncryptedCookieStorage', storages.encrypted[0].load(fernetValue)?.data.user],
    ['NaClCookieStorage', storages.nacl[0].load(naclValue)?.data.user],
    ['SimpleCookieStorage', simple.load(simpleValue)?.data.user],
    ['@fastify/secure-session', fastify.decodeSecureSession(fastifyValue)?.get('user')],
  ]
  for (const [name, user] of checks) if (user !== REPEATED_USER) throw new Error(`${name} did not decode what it encoded`)

  const cases: CaseSpec[] = [
    [DECODE_GROUP, 'AES-256-GCM by hand (node:crypto)', () => do_not_optimize(gcmDecrypt(BENCH_KEY, gcmValue))],
    [DECODE_GROUP, 'EncryptedCookieStorage, cache off', () => do_not_optimize(storages.encrypted[0].load(fernetValue))],
    [DECODE_GROUP, 'EncryptedCookieStorage, cache hit', () => do_not_optimize(storages.encrypted[1].load(fernetValue))],
    [DECODE_GROUP, 'NaClCookieStorage, cache off', () => do_not_optimize(storages.nacl[0].load(naclValue))],
    [DECODE_GROUP, 'NaClCookieStorage, cache hit', () => do_not_optimize(storages.nacl[1].load(naclValue))],
    [DECODE_GROUP, 'SimpleCookieStorage (plain JSON)', () => do_not_optimize(simple.load(simpleValue))],
    [DECODE_GROUP, '@fastify/secure-session decodeSecureSession', () => do_not_optimize(fastify.decodeSecureSession(fastifyValue))],
    [ENCODE_GROUP, 'AES-256-GCM by hand (node:crypto)', () => do_not_optimize(gcmEncrypt(BENCH_KEY, payload))],
    [ENCODE_GROUP, 'EncryptedCookieStorage', () => do_not_optimize(storages.encrypted[0].save(session))],
    [ENCODE_GROUP, 'NaClCookieStorage', () => do_not_optimize(storages.nacl[0].save(session))],
    [ENCODE_GROUP, 'SimpleCookieStorage (plain JSON)', () => do_not_optimize(simple.save(session))],
    [ENCODE_GROUP, '@fastify/secure-session encodeSecureSession', () => do_not_optimize(fastify.encodeSecureSession(fastify.createSecureSession({ user: REPEATED_USER })))],
  ]
  try {
    // a quick run times what the targets are about: EncryptedCookieStorage's decode and the two it is held to
    return await timeInRounds(quick ? cases.filter(([group, name]) => group === DECODE_GROUP && !/NaCl|Simple/.test(name)) : cases, quick)
  } finally {
    await fastify.close()
  }
}
