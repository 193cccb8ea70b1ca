import type { Session } from '../session/session.js'

type Callback = (error?: unknown) => void

/** Where the view lives and how to get a fresh session: the connect request, and `req.newSession()`. */
export interface SessionHome {
  session?: unknown
  readonly fresh: () => Promise<Session>
}

/**
 * Shows routechain's session to connect middleware as `express-session` does: `req.session` is the data
 * itself (`req.session.passport = …`), with `regenerate`, `save`, `destroy`, `reload` and `touch`. Writes go
 * to the routechain session, which saves them with the response as it does for any step. Changes made deep
 * inside a value are found by {@link settle}, which compares the data with what it was.
 */
export class SessionView {
  #session: Session
  #before: string
  readonly #home: SessionHome

  constructor(session: Session, home: SessionHome) {
    this.#session = session
    this.#before = JSON.stringify(session)
    this.#home = home
    home.session = this.#view()
  }

  /** Called when the middleware hands on or answers: a value changed in place marks the session changed. */
  settle(): void {
    const now = JSON.stringify(this.#session)
    if (now !== this.#before) this.#session.changed()
    this.#before = now
  }

  #view(): Record<string, unknown> {
    const session = this.#session
    const methods: Record<string, (...args: never[]) => unknown> = {
      // express-session's regenerate: a new identity and empty data, as passport's login expects
      regenerate: (callback: Callback) => {
        this.#home.fresh().then((fresh) => {
          this.#session = fresh
          this.#before = JSON.stringify(fresh)
          this.#home.session = this.#view()
          callback()
        }, callback)
      },
      save: (callback?: Callback) => {
        session.changed()
        if (callback !== undefined) process.nextTick(callback)
      },
      destroy: (callback?: Callback) => {
        session.invalidate()
        this.#before = JSON.stringify(session)
        this.#home.session = undefined
        if (callback !== undefined) process.nextTick(callback)
      },
      reload: (callback?: Callback) => {
        if (callback !== undefined) process.nextTick(callback)
      },
      touch: () => {},
    }
    return new Proxy(Object.create(null) as Record<string, unknown>, {
      get: (_target, key) => {
        if (typeof key !== 'string') return undefined
        return Object.hasOwn(methods, key) ? methods[key] : (session as Session<Record<string, unknown>>).get(key)
      },
      set: (_target, key, value) => {
        if (typeof key === 'string' && !Object.hasOwn(methods, key)) (session as Session<Record<string, unknown>>).set(key, value)
        return true
      },
      deleteProperty: (_target, key) => {
        if (typeof key === 'string') session.delete(key)
        return true
      },
      has: (_target, key) => typeof key === 'string' && (session.has(key) || Object.hasOwn(methods, key)),
      ownKeys: () => session.keys(),
      getOwnPropertyDescriptor: (_target, key) => typeof key === 'string' && session.has(key)
        ? { value: (session as Session<Record<string, unknown>>).get(key), writable: true, enumerable: true, configurable: true }
        : undefined,
    })
  }
}
