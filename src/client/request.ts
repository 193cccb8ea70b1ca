import type { Readable } from 'node:stream'
import type { Dispatcher } from 'undici'
import { configError } from '../errors.js'
import { isFieldValue, isToken } from './http-syntax.js'
import { fillPath, type PathParams } from './path-params.js'

/**
 * A request body. Text and bytes can be sent again (a retry, a redirect, an auth challenge); so can a
 * function that makes the body, called once per attempt. A stream is sent once: a request carrying one is
 * not retried or re-sent.
 */
export type RequestBody = string | Uint8Array | Readable | AsyncIterable<Uint8Array> | (() => string | Uint8Array | Readable | AsyncIterable<Uint8Array>)

/** Query string fields: repeated with an array; `undefined` leaves the field out. */
export type QueryFields = Record<string, string | number | boolean | readonly (string | number | boolean)[] | undefined>

/**
 * A request as client middlewares see it. Treat it as read-only: to change it, pass a changed copy on,
 * `next({ ...req, headers: { ...req.headers, authorization: 'Bearer t' } })`.
 */
export interface ClientRequest {
  /** Upper case. */
  readonly method: string
  /** Absolute, with the query string. */
  readonly url: URL
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: RequestBody | undefined
  /** Aborts the request when it aborts. */
  readonly signal: AbortSignal | undefined
  /**
   * Milliseconds each attempt may take, from sending to the end of the response's body, redirects followed
   * included: one deadline for all the hops of an attempt. At most 2147483647 (about 24.8 days).
   */
  readonly timeout: number | undefined
  /** How many redirects are followed; 0 returns the redirect response itself. */
  readonly maxRedirects: number
  /** The undici dispatcher that sends it: the client's Agent unless a middleware (blockPrivateAddresses) set another. */
  readonly dispatcher: Dispatcher | undefined
}

/** What a call may pass beside the URL. */
export interface RequestOptions {
  /**
   * Values for the URL's route parameters: with them the URL is a route pattern, as the server registered it,
   * whose `:name` segments (and `*`) are filled in, encoded. Every parameter must be given, and nothing else.
   * @example client.get('/post/:id', { params: { id: 42 } }) // GET /post/42
   */
  params?: PathParams
  /** Query fields, added to any already in the URL. */
  query?: QueryFields
  /** Headers for this request, over the client's. */
  headers?: Record<string, string | undefined>
  /** Aborts the request. */
  signal?: AbortSignal
  /** Milliseconds each attempt may take, redirects included; at most 2147483647. @default the client's `timeout` */
  timeout?: number
  /** A JSON body; sets `content-type: application/json` unless given. */
  json?: unknown
  /** An urlencoded form body; sets `content-type: application/x-www-form-urlencoded` unless given. */
  form?: QueryFields | URLSearchParams
  /** A raw body: text, bytes, a stream, or a function that makes one (so it can be sent again). */
  body?: RequestBody
  /** Throw {@link HttpStatusError} for a status of 400 or above. @default the client's, false */
  throwOnError?: boolean
  /** How many redirects are followed. @default the client's, 10 */
  maxRedirects?: number
}

/** Whether a body can be sent more than once. */
export function isReplayable(body: RequestBody | undefined): boolean {
  return body === undefined || typeof body === 'string' || body instanceof Uint8Array || typeof body === 'function'
}

/** The body to send for one attempt: a body function is called anew each time. */
export function bodyForAttempt(body: RequestBody | undefined): Exclude<RequestBody, () => unknown> | undefined {
  return typeof body === 'function' ? body() : body
}

/** The longest wait a Node timer keeps, in milliseconds (about 24.8 days); a longer one would fire at once. */
export const MAX_TIMER_MS = 2_147_483_647

/**
 * Checks a count option given by the user: a whole number from `min` to `max`. Throws a configuration error
 * naming the option otherwise.
 *
 * @example
 * const attempts = checkCount('retry() attempts', options.attempts ?? 3, 1, 10)
 */
export function checkCount(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    configError(`${name} must be a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}, got ${String(value)}`)
  }
  return value
}

/**
 * Checks a millisecond option given by the user: a whole number from `min` up to {@link MAX_TIMER_MS}, the
 * longest a timer waits.
 *
 * @example
 * const timeout = checkMs('timeout', options.timeout, 1)
 */
export function checkMs(name: string, value: unknown, min: number): number {
  if (typeof value === 'number' && value > MAX_TIMER_MS) {
    configError(`${name} is in milliseconds, at most ${MAX_TIMER_MS} (about 24.8 days, the longest a timer waits); got ${String(value)}`)
  }
  return checkCount(name, value, min, MAX_TIMER_MS)
}

function appendFields(params: URLSearchParams, fields: QueryFields): URLSearchParams {
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue
    if (Array.isArray(value)) for (const item of value) params.append(name, String(item))
    else params.append(name, String(value))
  }
  return params
}

/** What the client adds to every request. */
export interface ClientDefaults {
  readonly baseUrl: URL | undefined
  readonly headers: Readonly<Record<string, string>>
  readonly timeout: number | undefined
  readonly maxRedirects: number
}

/**
 * Lower-cases header names and drops `undefined` values, over a base set. Throws a configuration error for a
 * name that is not a token or a value holding CR, LF, NUL or another control character.
 */
export function mergeHeaders(base: Readonly<Record<string, string>>, extra: Record<string, string | undefined> | undefined): Record<string, string> {
  const headers: Record<string, string> = { ...base }
  if (extra === undefined) return headers
  for (const [name, value] of Object.entries(extra)) {
    if (!isToken(name)) configError(`the header name ${JSON.stringify(name)} is not an HTTP token (letters, digits and !#$%&'*+-.^_\`|~)`)
    const key = name.toLowerCase()
    if (value === undefined) {
      delete headers[key]
      continue
    }
    const text = String(value)
    // the value is left out of the message: it may be a credential
    if (!isFieldValue(text)) configError(`the value of header "${key}" holds CR, LF, NUL or another control character (or one beyond U+00FF), which cannot be sent`)
    headers[key] = text
  }
  return headers
}

/** Builds the request a call describes: the URL against the base, the query, the headers and the body. */
export function buildRequest(method: string, target: string | URL, options: RequestOptions, defaults: ClientDefaults): ClientRequest {
  if (typeof method !== 'string' || !isToken(method)) configError(`the method must be an HTTP token such as GET or PURGE, got ${JSON.stringify(method)}`)
  if (options.params !== undefined) {
    if (typeof target !== 'string') configError('params fill a route pattern given as a string, not a URL object')
    target = fillPath(target, options.params)
  }
  let url: URL
  try {
    url = new URL(target, defaults.baseUrl)
  } catch {
    configError(`cannot make a URL of "${String(target)}"${defaults.baseUrl === undefined ? ': give an absolute URL, or a baseUrl to the client' : ` against ${defaults.baseUrl.href}`}`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') configError(`the client speaks http: and https:, not ${url.protocol} (${url.href})`)
  if (options.query !== undefined) appendFields(url.searchParams, options.query)
  const headers = mergeHeaders(defaults.headers, options.headers)
  const bodies = (options.json === undefined ? 0 : 1) + (options.form === undefined ? 0 : 1) + (options.body === undefined ? 0 : 1)
  if (bodies > 1) configError('give a request one of json, form or body, not several')
  let body: RequestBody | undefined = options.body
  if (options.json !== undefined) {
    body = JSON.stringify(options.json)
    headers['content-type'] ??= 'application/json'
  } else if (options.form !== undefined) {
    const form = options.form instanceof URLSearchParams ? options.form : appendFields(new URLSearchParams(), options.form)
    body = form.toString()
    headers['content-type'] ??= 'application/x-www-form-urlencoded'
  }
  const timeout = options.timeout ?? defaults.timeout
  if (timeout !== undefined) checkMs('timeout', timeout, 1)
  const maxRedirects = options.maxRedirects === undefined ? defaults.maxRedirects : checkCount('maxRedirects', options.maxRedirects, 0)
  return { method: method.toUpperCase(), url, headers, body, signal: options.signal, timeout, maxRedirects, dispatcher: undefined }
}

// headers that carry credentials for one origin; a request moving elsewhere does not take them along
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization']

// headers that describe a body; a request that drops its body (a redirect to GET) drops them too, as fetch does
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location', 'transfer-encoding']

/**
 * A copy of `headers` without those that describe a body: `content-type`, `content-length`,
 * `content-encoding`, `content-language`, `content-location` and `transfer-encoding`. For a request sent on
 * without its body, such as a redirect turned into a GET.
 *
 * @example
 * next({ ...req, method: 'GET', body: undefined, headers: withoutBodyHeaders(req.headers) })
 */
export function withoutBodyHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const copy: Record<string, string> = { ...headers }
  for (const name of BODY_HEADERS) delete copy[name]
  return copy
}

/** Drops the headers that carry credentials when a request made for `from` goes to another origin, `to`. */
export function dropCredentialsAcrossOrigins(headers: Record<string, string>, from: URL, to: URL): void {
  if (from.origin !== to.origin) for (const name of CREDENTIAL_HEADERS) delete headers[name]
}
