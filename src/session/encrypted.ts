import { fernetDecrypt, fernetEncrypt, fernetKey, type FernetKey } from './fernet.js'
import { readKeys, type KeyInput } from './keys.js'
import { decodePayload, encodePayload, type SessionStorage, type StoredSession } from './storage.js'
import { cacheOrMarkOutdated, ValueCache } from './value-cache.js'

/** Options for {@link EncryptedCookieStorage}. */
export interface EncryptedCookieOptions {
  /** How many verified cookie values to remember, so a repeated cookie is not decrypted again. @default 1000 */
  cacheSize?: number
}

/**
 * Sessions encrypted into the cookie as Fernet tokens (AES-128-CBC + HMAC-SHA256), byte-compatible with
 * aiohttp_session's `EncryptedCookieStorage`: a cookie written by Python with the same key loads here, and
 * the other way round. Give several keys to rotate: the first encrypts, all decrypt, and a cookie an older key sealed is sealed
 * again with the first on its next response.
 *
 * @example new EncryptedCookieStorage(process.env.SESSION_KEY)   // 32 bytes, or Fernet.generate_key()'s string
 */
export class EncryptedCookieStorage implements SessionStorage {
  readonly #keys: FernetKey[]
  readonly #cache: ValueCache

  constructor(keys: KeyInput | readonly KeyInput[] | undefined, options: EncryptedCookieOptions = {}) {
    this.#keys = readKeys(keys, 'EncryptedCookieStorage').map(fernetKey)
    this.#cache = new ValueCache(options.cacheSize ?? 1000)
  }

  /** Reads the session a cookie value stands for; `undefined` when it cannot be trusted or is unknown. */
  load(value: string): StoredSession | undefined {
    const cached = this.#cache.get(value)
    if (cached !== undefined) return decodePayload(cached)
    const plaintext = fernetDecrypt(this.#keys, value)
    if (plaintext === undefined) return undefined
    return cacheOrMarkOutdated(this.#cache, value, plaintext.text, plaintext.keyIndex)
  }

  /** Stores a session and returns its cookie value. */
  save(session: StoredSession): string {
    return fernetEncrypt(this.#keys[0] as FernetKey, encodePayload(session), Math.floor(Date.now() / 1000))
  }
}
