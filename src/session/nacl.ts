import { secretboxNonce, secretboxOpen, secretboxSeal, SECRETBOX_NONCE, SECRETBOX_TAG } from '../util/secretbox.js'
import { decodeUtf8Strict } from '../util/utf8.js'
import { readKeys, type KeyInput } from './keys.js'
import { decodePayload, encodePayload, type SessionStorage, type StoredSession } from './storage.js'
import { cacheOrMarkOutdated, ValueCache } from './value-cache.js'

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/

/** Options for {@link NaClCookieStorage}. */
export interface NaClCookieOptions {
  /** How many verified cookie values to remember, so a repeated cookie is not decrypted again. @default 1000 */
  cacheSize?: number
}

/**
 * Sessions sealed into the cookie with NaCl's secretbox (XSalsa20-Poly1305), from `tweetnacl`'s parts, compatible with
 * aiohttp_session's `NaClCookieStorage`: standard base64 of nonce ‖ box, 32-byte key. Several keys rotate:
 * the first seals, all open, and a cookie an older key sealed is sealed again with the first on its next response.
 */
export class NaClCookieStorage implements SessionStorage {
  readonly #keys: Uint8Array[]
  readonly #cache: ValueCache

  constructor(keys: KeyInput | readonly KeyInput[] | undefined, options: NaClCookieOptions = {}) {
    this.#keys = readKeys(keys, 'NaClCookieStorage').map((key) => new Uint8Array(key))
    this.#cache = new ValueCache(options.cacheSize ?? 1000)
  }

  /** Reads the session a cookie value stands for; `undefined` when it cannot be trusted or is unknown. */
  load(value: string): StoredSession | undefined {
    const cached = this.#cache.get(value)
    if (cached !== undefined) return decodePayload(cached)
    if (!BASE64.test(value)) return undefined
    const bytes = Buffer.from(value, 'base64')
    if (bytes.length < SECRETBOX_NONCE + SECRETBOX_TAG) return undefined
    for (let keyIndex = 0; keyIndex < this.#keys.length; keyIndex++) {
      const opened = secretboxOpen(bytes.subarray(SECRETBOX_NONCE), bytes, this.#keys[keyIndex] as Uint8Array)
      if (opened === null) continue
      const text = decodeUtf8Strict(opened)
      return text === undefined ? undefined : cacheOrMarkOutdated(this.#cache, value, text, keyIndex)
    }
    return undefined
  }

  /** Stores a session and returns its cookie value. */
  save(session: StoredSession): string {
    const nonce = secretboxNonce()
    const box = secretboxSeal(Buffer.from(encodePayload(session), 'utf8'), nonce, this.#keys[0] as Uint8Array)
    return Buffer.concat([nonce, box]).toString('base64')
  }
}
