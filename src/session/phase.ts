import { configError, RoutechainError } from '../errors.js'
import { HttpError } from '../http/http-error.js'
import type { Logger } from '../util/logger.js'
import { readCookie, resolveCookie, serializeCookie, type CookieOptions } from './cookie.js'
import { checkRevocations, RevocableStorage, type RevocationList } from './revocation.js'
import { emptyData, ownData, Session, type SessionState } from './session.js'
import { SessionGoneError, UNKNOWN_CREATED, type SessionStorage, type StoredSession } from './storage.js'

/** The `session` option of `createApp`. */
export interface SessionOptions {
  /** Where sessions live: EncryptedCookieStorage, NaClCookieStorage, SimpleCookieStorage, or your own. */
  storage: SessionStorage
  /** The session cookie's name and attributes. */
  cookie?: CookieOptions
  /** Absolute lifetime in seconds, enforced from inside the payload; `null` for none. @default 604800 (7 days) */
  maxAge?: number | null
  /** Sliding lifetime in seconds since the session was last saved; unset for none. */
  idleTimeout?: number
  /**
   * Opt-in for cookie storages, which cannot forget a cookie: each session carries a random id, and logout
   * (`invalidate()`) and `regenerate()` revoke it here, so a copied cookie stops loading. Costs one lookup per
   * request that loads a session. Needs `maxAge` or `idleTimeout`, which bound how long an id is kept.
   * @example revocations: new RedisRevocations(redis)
   */
  revocations?: RevocationList
}

/** What one request holds of its session. */
export interface RequestSession {
  readonly session: Promise<Session>
  state: SessionState | undefined
  /** The cookie value the request came with. */
  incoming: string | undefined
  /** The request came with a cookie that did not load (tampered, expired…): clear it. */
  stale: boolean
  /** The cookie was sealed with a rotated-out key: seal it again under the current one, changed or not. */
  reseal: boolean
  committed: boolean
}

/** What the phase reads of a request: its Cookie header, and whether it came over HTTPS (`secure: 'auto'`). */
export interface SessionHolder {
  readonly headers: { readonly cookie?: string | undefined }
  readonly secure: boolean
}

// the request's session state hangs off the request under a key no other module holds, so no step can
// overwrite it or read it
const SLOT: unique symbol = Symbol('routechain.session')

interface Slotted extends SessionHolder {
  [SLOT]?: RequestSession
}

function slotOf(req: SessionHolder): RequestSession | undefined {
  return (req as Slotted)[SLOT]
}

const SECONDS = (): number => Math.floor(Date.now() / 1000)

/** A session state with every field in one order, so all states share one shape. */
function newState(
  data: Record<string, unknown>, created: number, accessed: number | undefined, maxAge: number | undefined,
  version: string | undefined, isNew: boolean, defaultMaxAge: number | undefined,
): SessionState {
  return { data, created, accessed, isNew, changed: false, invalidated: false, regenerated: false, keep: false, maxAge, defaultMaxAge, changedKeys: null, version }
}

function unavailable(error: unknown): HttpError {
  return new HttpError(503, 'sessions are unavailable right now; try again shortly', { cause: error, expose: true, headers: { 'retry-after': '1' } })
}
const MAX_COOKIE = 4096

function checkSeconds(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) configError(`session ${name} must be a whole number of seconds above 0, got ${String(value)}`)
  return value
}

/**
 * The session phase of a request: loads the session the first time a step asks for it, and saves it
 * (setting or clearing the cookie) before the response headers go out. Routes that never ask pay nothing.
 */
export class SessionPhase {
  readonly #storage: SessionStorage
  readonly #cookie: ReturnType<typeof resolveCookie>
  readonly #maxAge: number | undefined
  readonly #idle: number | undefined
  readonly #logger: Logger
  readonly #note: (req: object, text: string) => void

  constructor(options: SessionOptions, logger: Logger, note: (req: object, text: string) => void) {
    if (options === null || typeof options !== 'object') configError('the session option takes { storage, cookie?, maxAge?, idleTimeout?, revocations? }')
    const { storage } = options
    if (storage === null || typeof storage !== 'object' || typeof storage.load !== 'function' || typeof storage.save !== 'function') {
      configError('session.storage must be a session storage, e.g. new EncryptedCookieStorage(process.env.SESSION_KEY)')
    }
    this.#cookie = resolveCookie(options.cookie)
    this.#maxAge = options.maxAge === null ? undefined : checkSeconds('maxAge', options.maxAge ?? 7 * 24 * 3600)
    this.#idle = options.idleTimeout === undefined ? undefined : checkSeconds('idleTimeout', options.idleTimeout)
    if (options.revocations === undefined) {
      this.#storage = storage
    } else {
      const list = checkRevocations(options.revocations, storage)
      if (this.#maxAge === undefined && this.#idle === undefined) {
        configError('session.revocations needs maxAge or idleTimeout: a revoked id is kept as long as a copied cookie could load, which without either is forever')
      }
      this.#storage = new RevocableStorage(storage, list, (stored) => this.#lifeLeft(stored, SECONDS()))
    }
    this.#logger = logger
    this.#note = note
    storage.attach?.({ cookieName: this.#cookie.name, warn: (message) => logger.warn(message) })
  }

  /** `req.session()`: the request's session, loaded on the first call; the same object on every call. */
  open(req: SessionHolder): Promise<Session> {
    const existing = slotOf(req)
    if (existing !== undefined) return existing.session
    const slot: { -readonly [K in keyof RequestSession]: RequestSession[K] } = {
      session: undefined as unknown as Promise<Session>, state: undefined, incoming: undefined, stale: false, reseal: false, committed: false,
    }
    slot.session = this.#load(req, slot)
    ;(req as Slotted)[SLOT] = slot
    return slot.session
  }

  /** `req.newSession()`: a fresh, empty session with a new identity that counts as changed. */
  async fresh(req: SessionHolder): Promise<Session> {
    const session = await this.open(req)
    const state = (slotOf(req) as RequestSession).state as SessionState
    Object.assign(state, {
      data: emptyData(), created: SECONDS(), accessed: undefined, isNew: true, changed: true, invalidated: false,
      regenerated: true, maxAge: undefined, changedKeys: undefined, keep: true,
    })
    return session
  }

  #load(req: SessionHolder, slot: RequestSession): Promise<Session> {
    const value = readCookie(req.headers.cookie, this.#cookie.name)
    slot.incoming = value
    if (value === undefined) return Promise.resolve(this.#begin(req, slot, undefined, undefined))
    let loaded: StoredSession | undefined | Promise<StoredSession | undefined>
    try {
      loaded = this.#storage.load(value)
    } catch (error) {
      return Promise.reject(unavailable(error))
    }
    // hot path: cookie storages answer synchronously, so the session is ready without waiting a turn
    if (!(loaded instanceof Promise)) return Promise.resolve(this.#begin(req, slot, value, loaded))
    return loaded.then((stored) => this.#begin(req, slot, value, stored), (error: unknown) => { throw unavailable(error) })
  }

  #begin(req: SessionHolder, slot: RequestSession, value: string | undefined, loaded: StoredSession | undefined): Session {
    let stored = loaded
    if (value !== undefined) {
      if (stored === undefined) {
        this.#logger.debug('session cookie did not load (tampered, garbled, wrong key or unknown): starting a fresh session')
      } else if (this.#expired(stored, SECONDS())) {
        this.#logger.debug('session expired: starting a fresh session')
        void Promise.resolve().then(() => this.#storage.delete?.(value)).catch(() => {})
        stored = undefined
      }
      slot.stale = stored === undefined
    }
    // a session of unknown age that survived the expiry check (no maxAge, as aiohttp_session's max_age=None)
    // is new-born, as aiohttp_session has it
    const created = stored === undefined || stored.created === UNKNOWN_CREATED ? SECONDS() : stored.created
    slot.state = stored === undefined
      ? newState(emptyData(), created, undefined, undefined, undefined, true, this.#maxAge)
      : newState(ownData(stored.data), created, stored.accessed, stored.maxAge, stored.version, false, this.#maxAge)
    slot.reseal = stored?.outdated === true
    this.#note(req, stored === undefined ? `session: new${slot.stale ? ' (the cookie sent did not load)' : ''}` : 'session: loaded')
    return new Session(slot.state)
  }

  /**
   * Whether the response must wait for a commit: the session may need saving or its cookie clearing. A
   * session only read needs nothing, and its response goes out on the same fast path as one without.
   */
  needsCommit(req: SessionHolder): boolean {
    const slot = slotOf(req)
    if (slot === undefined || slot.committed) return false
    const state = slot.state
    return state === undefined || state.changed || slot.stale || slot.reseal || this.#idleRefreshDue(state, SECONDS())
  }

  #expired(stored: StoredSession, now: number): boolean {
    // a session "created" in the future (past a minute of clock skew) was not made by us: never trust it
    if (stored.created > now + 60) return true
    const maxAge = stored.maxAge ?? this.#maxAge
    if (maxAge !== undefined && stored.created + maxAge <= now) return true
    return this.#idle !== undefined && (stored.accessed ?? stored.created) + this.#idle <= now
  }

  /** Seconds until a cookie holding this session no longer loads, by its absolute and idle lifetimes. */
  #lifeLeft(stored: StoredSession, now: number): number {
    const maxAge = stored.maxAge ?? this.#maxAge
    const absolute = maxAge === undefined ? Number.POSITIVE_INFINITY : stored.created + maxAge - now
    const idle = this.#idle === undefined ? Number.POSITIVE_INFINITY : (stored.accessed ?? stored.created) + this.#idle - now
    return Math.min(absolute, idle)
  }

  /** Whether the request opened a session that has not been committed yet. */
  isOpen(req: SessionHolder): boolean {
    const slot = slotOf(req)
    return slot !== undefined && !slot.committed
  }

  /**
   * Saves the request's session if it needs saving and resolves to the `Set-Cookie` value that sets or clears
   * its cookie, or `undefined` when the cookie stays as it is. Throws when the cookie would be too large for
   * browsers to keep.
   */
  async commit(req: SessionHolder): Promise<string | undefined> {
    const slot = slotOf(req)
    if (slot === undefined || slot.committed) return undefined
    slot.committed = true
    try {
      await slot.session
    } catch {
      return undefined // the session never loaded (storage down): nothing to save
    }
    const state = slot.state as SessionState
    const now = SECONDS()
    const known = slot.incoming !== undefined && !slot.stale ? slot.incoming : undefined
    let value: string | undefined
    let maxAge: number | undefined
    if (state.invalidated || (state.changed && !state.keep && Object.keys(state.data).length === 0)) {
      if (known !== undefined) await this.#store(() => this.#storage.delete?.(known))
      if (slot.incoming === undefined) return undefined
    } else if (state.changed || slot.reseal || this.#idleRefreshDue(state, now)) {
      const fresh = state.regenerated || state.isNew
      const stored: StoredSession = {
        created: state.created, data: state.data, accessed: this.#idle === undefined ? undefined : now, maxAge: state.maxAge,
        version: fresh ? undefined : state.version,
      }
      maxAge = this.#cookieMaxAge(state, now)
      const changed = fresh || state.changedKeys === undefined ? undefined : [...(state.changedKeys ?? [])]
      try {
        value = await this.#store(() => this.#storage.save(stored, fresh ? undefined : known, { ttl: maxAge, changed }))
      } catch (error) {
        if (!(error instanceof HttpError && error.cause instanceof SessionGoneError)) throw error
        value = undefined // revoked meanwhile: clear the cookie rather than bring the session back
      }
      // the old record goes only once the new one is safely stored: a failed save must lose nothing
      if (state.regenerated && known !== undefined && value !== undefined) await this.#store(() => this.#storage.delete?.(known))
    } else if (!slot.stale) {
      return undefined
    }
    this.#note(req, value === undefined ? 'session: cookie cleared' : 'session: saved')
    const header = serializeCookie(this.#cookie.name, value ?? '', {
      path: this.#cookie.path,
      domain: this.#cookie.domain,
      secure: this.#cookie.secure === 'auto' ? req.secure : this.#cookie.secure,
      httpOnly: this.#cookie.httpOnly,
      sameSite: this.#cookie.sameSite,
      maxAge: value === undefined ? 0 : maxAge,
    }, now * 1000)
    const size = Buffer.byteLength(header)
    if (size > MAX_COOKIE) {
      throw new RoutechainError('ERR_ROUTECHAIN_SESSION_TOO_LARGE',
        `the session cookie would be ${size} bytes, over the ${MAX_COOKIE} browsers keep (they drop it silently): keep less in the session, or use a server-side storage such as MemoryStorage or RedisStorage`)
    }
    return header
  }

  // a storage that fails (a server that is down or slow) answers 503, not a bare 500; session data that cannot
  // be JSON is a bug in the app, and stays a 500
  async #store<T>(operation: () => T | Promise<T>): Promise<T> {
    try {
      return await operation()
    } catch (error) {
      if (error instanceof RoutechainError && error.code === 'ERR_ROUTECHAIN_SESSION_DATA') throw error
      throw unavailable(error)
    }
  }

  #idleRefreshDue(state: SessionState, now: number): boolean {
    // rewrite an untouched session only once a quarter of the idle timeout has passed, not on every request
    return this.#idle !== undefined && !state.isNew && now - (state.accessed ?? state.created) >= this.#idle / 4
  }

  #cookieMaxAge(state: SessionState, now: number): number | undefined {
    const maxAge = state.maxAge ?? this.#maxAge
    const absolute = maxAge === undefined ? undefined : Math.max(1, state.created + maxAge - now)
    if (this.#idle === undefined) return absolute
    return absolute === undefined ? this.#idle : Math.min(absolute, this.#idle)
  }
}
