import { quoteLikePython, unquote } from './cookie.js'
import { decodePayload, encodePayload, type SessionStorage, type StorageContext, type StoredSession } from './storage.js'

/**
 * Plain JSON in the cookie, readable and forgeable by anyone: for development and tests only. Written as
 * aiohttp_session's `SimpleCookieStorage` writes it. Warns at start-up under `NODE_ENV=production`.
 */
export class SimpleCookieStorage implements SessionStorage {
  /** Warns at start-up under NODE_ENV=production. */
  attach(context: StorageContext): void {
    if (process.env.NODE_ENV === 'production') {
      context.warn('SimpleCookieStorage keeps sessions as plain, forgeable JSON in the cookie: use EncryptedCookieStorage or NaClCookieStorage in production')
    }
  }

  /** Reads the session a cookie value stands for; `undefined` when it cannot be trusted or is unknown. */
  load(value: string): StoredSession | undefined {
    return decodePayload(unquote(value))
  }

  /** Stores a session and returns its cookie value. */
  save(session: StoredSession): string {
    // Python's json.dumps escapes non-ASCII by default; do the same so the cookie stays ASCII
    const ascii = encodePayload(session).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    return quoteLikePython(ascii)
  }
}
