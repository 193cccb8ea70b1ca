// Shared by the session behaviour tests: storages that record what the session phase asks of them, a small
// cookie jar that plays the browser, and readers for Set-Cookie headers.
import * as assert from 'uvu/assert'
import {
  EncryptedCookieStorage,
  generateKey,
  NaClCookieStorage,
  type RouteRequest,
  type SaveOptions,
  type StorageContext,
  type Session,
  type SessionStorage,
  type StoredSession,
} from '../../src/index.js'
import { recordingLogger, type TestResponse, type TestServer } from '../_helpers/http.js'

/**
 * The session data these tests use. Named explicitly rather than through the app-wide `SessionData`, so an
 * augmentation elsewhere in the compilation (an example app) cannot change what these tests compile against.
 */
export type Data = Record<string, unknown>

/** `req.session()` typed with {@link Data}. */
export function sessionOf(req: RouteRequest): Promise<Session<Data>> {
  return req.session<Data>()
}

/** The storages the important behaviours run against: the two that are fit for production. */
export interface CookieStorageCase {
  readonly name: string
  make(key?: string): SessionStorage
}

export const KEY = generateKey()

export const cookieStorages: readonly CookieStorageCase[] = [
  { name: 'EncryptedCookieStorage', make: (key = KEY) => new EncryptedCookieStorage(key) },
  { name: 'NaClCookieStorage', make: (key = KEY) => new NaClCookieStorage(key) },
]

/** Wraps a storage, forwarding everything (attach and save options too), and records every call made to it. */
export class CountingStorage implements SessionStorage {
  readonly loads: string[] = []
  readonly saves: { session: StoredSession; current: string | undefined; options: SaveOptions | undefined }[] = []
  readonly deletes: string[] = []
  /** Every call in order, by method name: 'load', 'save' or 'delete'. */
  readonly log: string[] = []
  readonly #inner: SessionStorage

  constructor(inner: SessionStorage) {
    this.#inner = inner
  }

  load(value: string): StoredSession | undefined | Promise<StoredSession | undefined> {
    this.loads.push(value)
    this.log.push('load')
    return this.#inner.load(value)
  }

  save(session: StoredSession, current: string | undefined, options?: SaveOptions): string | Promise<string> {
    this.saves.push({ session, current, options })
    this.log.push('save')
    return this.#inner.save(session, current, options)
  }

  attach(context: StorageContext): void {
    this.#inner.attach?.(context)
  }

  delete(value: string): void | Promise<void> {
    this.deletes.push(value)
    this.log.push('delete')
    return this.#inner.delete?.(value)
  }

  get calls(): number {
    return this.loads.length + this.saves.length + this.deletes.length
  }
}

/** A server-side storage in miniature (an id in the cookie, the session in a map), to see identities change. */
export class IdStorage implements SessionStorage {
  readonly records = new Map<string, string>()
  #next = 1

  load(value: string): StoredSession | undefined {
    const record = this.records.get(value)
    return record === undefined ? undefined : JSON.parse(record) as StoredSession
  }

  save(session: StoredSession, current: string | undefined): string {
    const id = current ?? `id${this.#next++}`
    this.records.set(id, JSON.stringify(session))
    return id
  }

  delete(value: string): void {
    this.records.delete(value)
  }
}

/** A cookie value the storage would have set for this data, created now. */
export async function cookieFor(storage: SessionStorage, data: Data): Promise<string> {
  return storage.save({ created: nowSeconds(), data }, undefined)
}

/** The data a cookie value holds, read with the storage; fails when it does not load. */
export async function dataOf(storage: SessionStorage, value: string): Promise<Data> {
  const loaded = await storage.load(value)
  assert.ok(loaded !== undefined, `the cookie value did not load: ${value}`)
  return loaded.data
}

/** Every Set-Cookie header of a response. */
export function setCookies(res: TestResponse): string[] {
  const header = res.headers['set-cookie']
  return header === undefined ? [] : Array.isArray(header) ? header : [header]
}

/** One Set-Cookie header, read: the value as sent, and the attributes by lower-case name. */
export interface SetCookie {
  readonly name: string
  readonly value: string
  readonly attributes: ReadonlyMap<string, string | true>
  readonly raw: string
}

export function parseSetCookie(raw: string): SetCookie {
  const [pair = '', ...rest] = raw.split(';')
  const eq = pair.indexOf('=')
  const attributes = new Map<string, string | true>()
  for (const part of rest) {
    const at = part.indexOf('=')
    if (at === -1) attributes.set(part.trim().toLowerCase(), true)
    else attributes.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim())
  }
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1), attributes, raw }
}

/** The response's Set-Cookie for the session cookie, or undefined; more than one for the same name fails. */
export function sessionCookie(res: TestResponse, name = 'session'): SetCookie | undefined {
  const found = setCookies(res).map(parseSetCookie).filter((c) => c.name === name)
  assert.ok(found.length <= 1, `expected at most one Set-Cookie for ${name}, got ${JSON.stringify(found.map((c) => c.raw))}`)
  return found[0]
}

/** Like {@link sessionCookie}, failing when there is none. */
export function expectSessionCookie(res: TestResponse, name = 'session'): SetCookie {
  const cookie = sessionCookie(res, name)
  assert.ok(cookie !== undefined, `expected a Set-Cookie for ${name}; got ${JSON.stringify(setCookies(res))}`)
  return cookie
}

/** Asserts the response sets the session cookie to a value (not clearing it) and returns that value. */
export function expectSaved(res: TestResponse, name = 'session'): string {
  const cookie = expectSessionCookie(res, name)
  assert.is.not(cookie.attributes.get('max-age'), '0', `expected the cookie to be set, not cleared: ${cookie.raw}`)
  assert.ok(cookie.value.length > 0, `expected a cookie value: ${cookie.raw}`)
  return cookie.value
}

/** Asserts the response clears the session cookie: an empty value, Max-Age=0 and an Expires in the past. */
export function expectCleared(res: TestResponse, name = 'session'): SetCookie {
  const cookie = expectSessionCookie(res, name)
  assert.is(cookie.value, '', `a cleared cookie has no value: ${cookie.raw}`)
  assert.is(cookie.attributes.get('max-age'), '0', `a cleared cookie has Max-Age=0: ${cookie.raw}`)
  const expires = cookie.attributes.get('expires')
  assert.ok(typeof expires === 'string' && Date.parse(expires) <= 0, `a cleared cookie expires in the past: ${cookie.raw}`)
  return cookie
}

/** Asserts the response carries no Set-Cookie for the session cookie. */
export function expectNoCookie(res: TestResponse, name = 'session'): void {
  assert.is(sessionCookie(res, name), undefined, `expected no Set-Cookie for ${name}, got ${JSON.stringify(setCookies(res))}`)
}

/** The Max-Age of a Set-Cookie, as a number; fails when it has none. */
export function maxAgeOf(cookie: SetCookie): number {
  const value = cookie.attributes.get('max-age')
  assert.type(value, 'string', `expected a Max-Age: ${cookie.raw}`)
  return Number(value)
}

/** The request options that send one cookie. */
export function withCookie(value: string, name = 'session'): { headers: { cookie: string } } {
  return { headers: { cookie: `${name}=${value}` } }
}

/** Whole unix seconds now, as the session payload counts them. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000)
}

/** Plays the browser for one cookie: sends it back, and keeps what Set-Cookie says (Max-Age=0 forgets it). */
export class Browser {
  value: string | undefined
  readonly #server: TestServer
  readonly #name: string

  constructor(server: TestServer, name = 'session') {
    this.#server = server
    this.#name = name
  }

  async fetch(path: string, method: 'GET' | 'POST' = 'GET'): Promise<TestResponse> {
    const res = await this.#server.fetch(path, this.value === undefined ? { method } : { method, ...withCookie(this.value, this.#name) })
    const cookie = sessionCookie(res, this.#name)
    if (cookie !== undefined) this.value = cookie.attributes.get('max-age') === '0' ? undefined : cookie.value
    return res
  }
}

/** A logger that keeps what it is given to itself, so expected debug and error lines stay out of the test output. */
export function quiet(): ReturnType<typeof recordingLogger>['logger'] {
  return recordingLogger().logger
}
