// The requests the soak sends: one minted session cookie each, one in WRITE_EVERY changing its session.
import { EncryptedCookieStorage } from '../../src/index.js'
import { COOKIE_NAME } from '../sessions/spec.js'
import { READ_PATH, WRITE_EVERY, WRITE_PATH, type SoakSession } from './spec.js'

/** One request of the mix. */
export interface MixRequest {
  readonly method: 'GET' | 'POST'
  readonly path: string
  /** The whole Cookie header value, `session=<Fernet token>`. */
  readonly cookie: string
}

/** Makes a Cookie header value holding `data`, sealed with `key` as the server's storage would seal it. */
export function mintCookie(key: string, data: SoakSession): string {
  const value = new EncryptedCookieStorage(key).save({ created: Math.floor(Date.now() / 1000), data: { ...data } })
  return `${COOKIE_NAME}=${value}`
}

/**
 * `count` requests for `count` distinct members (`u0`, `u1`, …), each with its own cookie; every
 * {@link WRITE_EVERY}th is a POST that changes the session, the rest are GETs that only read it. Sent in turn,
 * so more distinct cookies than the storage's cache holds (1,000) make every request decrypt.
 */
export function requestMix(key: string, count: number): MixRequest[] {
  const storage = new EncryptedCookieStorage(key)
  const created = Math.floor(Date.now() / 1000)
  return Array.from({ length: count }, (_, i): MixRequest => {
    const cookie = `${COOKIE_NAME}=${storage.save({ created, data: { user: `u${i}`, role: 'member' } })}`
    return (i + 1) % WRITE_EVERY === 0 ? { method: 'POST', path: WRITE_PATH, cookie } : { method: 'GET', path: READ_PATH, cookie }
  })
}
