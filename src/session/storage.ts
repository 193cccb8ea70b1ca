import { RoutechainError } from '../errors.js'
import { randomUUID } from 'node:crypto'
/**
 * A session as storages keep it: aiohttp_session's `created` and data, plus what routechain needs to
 * enforce lifetimes from inside the payload. All times are whole unix seconds.
 */
export interface StoredSession {
  /** When the session was created (aiohttp's `created`). */
  readonly created: number
  /** The session's data (aiohttp's `session`). */
  readonly data: Record<string, unknown>
  /** When the session was last saved by a request; the idle timeout counts from it. */
  readonly accessed?: number | undefined
  /** This session's own absolute lifetime in seconds ("remember me"), when it differs from the app's. */
  readonly maxAge?: number | undefined
  /**
   * Opaque: what the storage read, handed back on save unless the session takes a new identity. A server-side
   * storage tells a concurrent change by it; with revocations, it carries the session's revocation id.
   */
  readonly version?: string | undefined
  /** The id a revocation list knows this session by (`session.revocations`); in the payload as `rid`. */
  readonly revocationId?: string | undefined
  /**
   * Set by a cookie storage on load when the value was sealed with a rotated-out key: the session is saved
   * again under the current key on this response, so the old key can be dropped without logging anyone out.
   */
  readonly outdated?: boolean | undefined
}

/** What a save knows beyond the session itself. */
export interface SaveOptions {
  /** Seconds the session has left (the cookie's Max-Age): server-side storages expire the record then. */
  readonly ttl: number | undefined
  /**
   * The keys this request set or deleted, when it changed only those: a server-side storage merges them into
   * the record as it is now, so a concurrent request's change to another key survives. `undefined`: replace.
   */
  readonly changed: readonly string[] | undefined
}

/**
 * Where sessions live. Cookie storages encode the whole session into the cookie value; server-side storages
 * keep it elsewhere and put an id in the cookie. Write your own by implementing these methods (compare
 * aiohttp_session's `AbstractStorage`).
 *
 * @example
 * class MyStorage implements SessionStorage {
 *   load(value) { return db.get(value) }                  // undefined when unknown: a fresh session follows
 *   save(session, current) { const id = current ?? newId(); db.set(id, session); return id }
 *   delete(value) { db.delete(value) }
 * }
 */
export interface SessionStorage {
  /**
   * Reads the session a cookie value stands for. Returns `undefined` for anything it cannot trust (tampered,
   * garbled, wrong key, unknown id): the request then gets a fresh session. Throw only when the storage
   * itself fails (a server that is down), which answers 503.
   */
  load(value: string): StoredSession | undefined | Promise<StoredSession | undefined>
  /**
   * Stores a session and returns the cookie value for it. `current` is the value the request came with, or
   * `undefined` for a new identity (a new session, `regenerate()`, `newSession()`). A server-side storage
   * throws {@link SessionGoneError} when the record was deleted meanwhile (logout, revocation): the cookie is
   * then cleared rather than the session brought back.
   */
  save(session: StoredSession, current: string | undefined, options?: SaveOptions): string | Promise<string>
  /** Forgets a session for good (logout, regenerate). Cookie storages have nothing to forget. */
  delete?(value: string): void | Promise<void>
  /** Called once when the app is created: the cookie name (server-side storages key records by it) and a way to warn. */
  attach?(context: StorageContext): void
}

/** What a storage learns of the app that uses it. */
export interface StorageContext {
  /** The session cookie's name; aiohttp_session's RedisStorage keys records as `<name>_<id>`. */
  readonly cookieName: string
  /** Logs a warning at start-up (e.g. about a development-only storage). */
  warn(message: string): void
}

// Python's json writes NaN, Infinity and -Infinity bare; JSON.parse refuses them and JSON.stringify writes null.
// Outside strings they pass through a marker string made fresh for each call, which no stored string can
// contain by chance, so a session Python wrote keeps them both ways and a user's string stays a string.
const SPECIAL: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY }

function freshMarker(): string {
  return `\u0000${randomUUID()}:`
}

function parseLikePython(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    const marker = freshMarker()
    let out = ''
    let inString = false
    for (let i = 0; i < text.length; i++) {
      const c = text[i] as string
      if (inString) {
        out += c
        if (c === '\\') out += text[++i] ?? ''
        else if (c === '"') inString = false
        continue
      }
      if (c === '"') inString = true
      const token = ['-Infinity', 'Infinity', 'NaN'].find((t) => text.startsWith(t, i))
      if (token !== undefined) {
        out += JSON.stringify(marker + token)
        i += token.length - 1
        continue
      }
      out += c
    }
    return JSON.parse(out, (_key, value: unknown) =>
      typeof value === 'string' && value.startsWith(marker) && value.slice(marker.length) in SPECIAL ? SPECIAL[value.slice(marker.length)] : value)
  }
}

/** Encodes a session as aiohttp_session's JSON payload, with routechain's extra fields beside it. */
export function encodePayload(session: StoredSession): string {
  const payload: Record<string, unknown> = { created: session.created, session: session.data }
  if (session.accessed !== undefined) payload.accessed = session.accessed
  if (session.maxAge !== undefined) payload.max_age = session.maxAge
  if (session.revocationId !== undefined) payload.rid = session.revocationId
  let marker: string | undefined
  let json: string
  try {
    json = JSON.stringify(payload, (_key, value: unknown) => {
      if (typeof value !== 'number' || Number.isFinite(value)) return value
      marker ??= freshMarker()
      return `${marker}${value}`
    })
  } catch (error) {
    throw new RoutechainError('ERR_ROUTECHAIN_SESSION_DATA', `session data must survive JSON (no BigInt, no cycles): ${(error as Error).message}`, { cause: error })
  }
  if (marker === undefined) return json
  // JSON.stringify writes the marker's NUL as the six characters \u0000
  const written = JSON.stringify(marker).slice(1, -1).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return json.replace(new RegExp(`"${written}(-?Infinity|NaN)"`, 'g'), '$1')
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const REVOCATION_ID = /^[0-9a-f]{32}$/

/**
 * The `created` of a payload that has none. aiohttp_session then takes the session's age as unknown: expired
 * under any `max_age`, loaded as new-born without one. A created of 0 means the same to it.
 */
export const UNKNOWN_CREATED = 0

/**
 * Decodes aiohttp_session's JSON payload; `undefined` when it is not one. A payload with session data but no
 * `created` has {@link UNKNOWN_CREATED}; one with neither (aiohttp writes `{}` for an empty session) is none.
 */
export function decodePayload(text: string): StoredSession | undefined {
  let payload: unknown
  try {
    payload = parseLikePython(text)
  } catch {
    return undefined
  }
  if (!isRecord(payload)) return undefined
  const created = payload.created === undefined && payload.session !== undefined ? UNKNOWN_CREATED : payload.created
  if (typeof created !== 'number' || !Number.isFinite(created)) return undefined
  const data = payload.session ?? {}
  if (!isRecord(data)) return undefined
  const accessed = typeof payload.accessed === 'number' ? payload.accessed : undefined
  const maxAge = typeof payload.max_age === 'number' ? payload.max_age : undefined
  const revocationId = typeof payload.rid === 'string' && REVOCATION_ID.test(payload.rid) ? payload.rid : undefined
  const stored = { created: Math.floor(created), data, accessed, maxAge }
  return revocationId === undefined ? stored : { ...stored, revocationId }
}

/** Thrown by a storage's `save` when the session was deleted meanwhile: it stays deleted, and its cookie is cleared. */
export class SessionGoneError extends RoutechainError {
  constructor() {
    super('ERR_ROUTECHAIN_SESSION_GONE', 'the session was deleted while this request held it (logged out or revoked elsewhere)')
    this.name = 'SessionGoneError'
  }
}
