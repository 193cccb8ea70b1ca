/**
 * The shape of session data across the app. Augment it to type `session.get()` and `session.set()`:
 *
 * @example
 * declare module 'routechain' {
 *   interface SessionData { user: string; visits: number }
 * }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface SessionData {}

/** The session data type in force: the augmented {@link SessionData}, or any JSON object when it is empty. */
export type KnownSessionData = keyof SessionData extends never ? Record<string, unknown> : SessionData

/** What a session is while a request holds it; shared between the {@link Session} and the request's phase. */
export interface SessionState {
  data: Record<string, unknown>
  created: number
  isNew: boolean
  changed: boolean
  invalidated: boolean
  /** A new identity is due: a new id for server storages, and the old record deleted. */
  regenerated: boolean
  /** Saved even when empty: a `newSession()` is kept, unlike an emptied session, which is cleared. */
  keep: boolean
  /** When the session was last saved, in unix seconds; the idle timeout counts from it. */
  accessed: number | undefined
  /** This session's own lifetime ("remember me"); `undefined` means the app's. */
  maxAge: number | undefined
  /** The app's `maxAge`. */
  readonly defaultMaxAge: number | undefined
  /** The keys set or deleted by this request: `null` for none yet, `undefined` once the whole data was replaced. */
  changedKeys: Set<string> | null | undefined
  /** What the storage read (see {@link StoredSession.version}). */
  version: string | undefined
}

/**
 * A request's session: the same object for every `req.session()` call within one request. Changes are saved
 * before the response headers go out, and only when there are changes.
 *
 * @example
 * const session = await req.session()
 * session.set('user', 'alice')
 */
export class Session<D extends object = KnownSessionData> {
  readonly #state: SessionState

  /** @internal created by the request's session phase */
  constructor(state: SessionState) {
    this.#state = state
  }

  /** A value, or `undefined` when the key is not set. */
  get<K extends keyof D & string>(key: K): D[K] | undefined {
    return Object.hasOwn(this.#state.data, key) ? this.#state.data[key] as D[K] : undefined
  }

  /** Sets a value (it must survive JSON) and marks the session changed. After `invalidate()`, starts a new session. */
  set<K extends keyof D & string>(key: K, value: D[K]): this {
    this.#touch()
    this.#state.data[key] = value
    this.#changedKey(key)
    return this
  }

  /** Removes a key; true when it was there. */
  delete(key: keyof D & string): boolean {
    if (!Object.hasOwn(this.#state.data, key)) return false
    this.#touch()
    delete this.#state.data[key]
    this.#changedKey(key)
    return true
  }

  #changedKey(key: string): void {
    if (this.#state.changedKeys !== undefined) (this.#state.changedKeys ??= new Set()).add(key)
  }

  // A change after invalidate() belongs to a new session: a new identity, the old one still forgotten.
  #touch(): void {
    if (this.#state.invalidated) {
      this.#state.invalidated = false
      this.#state.regenerated = true
    }
    this.#state.changed = true
  }

  /** Whether a key is set. */
  has(key: keyof D & string): boolean {
    return Object.hasOwn(this.#state.data, key)
  }

  /** The keys that are set. */
  keys(): (keyof D & string)[] {
    return Object.keys(this.#state.data) as (keyof D & string)[]
  }

  /** Removes every key; an empty session clears its cookie. */
  clear(): void {
    this.#state.keep = false
    this.#state.data = emptyData()
    this.#state.changed = true
    this.#state.changedKeys = undefined
  }

  /** True when the request came without a (valid) session. */
  get isNew(): boolean {
    return this.#state.isNew
  }

  /** True when the session will be saved with this response. */
  get isChanged(): boolean {
    return this.#state.changed
  }

  /** When the session was created, in unix seconds (aiohttp_session's `created`). */
  get createdAt(): number {
    return this.#state.created
  }

  /** This session's absolute lifetime in seconds: the app's `maxAge` unless set for this session. */
  get maxAge(): number | undefined {
    return this.#state.maxAge ?? this.#state.defaultMaxAge
  }

  /**
   * Gives this session its own lifetime ("remember me"), counted from its creation; saved with it.
   * @example if (form.remember) session.setMaxAge(30 * 24 * 3600)
   */
  setMaxAge(seconds: number): void {
    if (!Number.isInteger(seconds) || seconds <= 0) throw new RangeError(`setMaxAge() takes a whole number of seconds above 0, got ${String(seconds)}`)
    this.#touch()
    this.#state.maxAge = seconds
  }

  /** Marks the session changed, after mutating a nested value in place. */
  changed(): void {
    this.#state.changed = true
    this.#state.changedKeys = undefined // some value changed in place: which key is unknown, so save it whole
  }

  /** Logout: the data is dropped, the cookie cleared, and a server-side record deleted. */
  invalidate(): void {
    this.#state.keep = false
    this.#state.changedKeys = undefined
    this.#state.data = emptyData()
    this.#state.invalidated = true
    this.#state.changed = true
  }

  /** A new identity with the same data: call it on login, against session fixation. */
  regenerate(): void {
    this.#state.regenerated = true
    this.#state.invalidated = false
    this.#state.changed = true
  }

  /** The data as a plain object (a copy). */
  toJSON(): Partial<D> {
    return { ...this.#state.data } as Partial<D>
  }
}

/** Session data has no prototype: `get('constructor')` is undefined and `__proto__` is just a key. */
export function emptyData(): Record<string, unknown> {
  return Object.create(null) as Record<string, unknown>
}

/** A copy of stored data without a prototype (JSON.parse gives ordinary objects). */
export function ownData(data: Record<string, unknown>): Record<string, unknown> {
  const copy = emptyData()
  for (const key of Object.keys(data)) copy[key] = data[key]
  return copy
}
