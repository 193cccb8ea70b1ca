import type { OutgoingHttpHeaders } from 'node:http'
import { configError } from '../errors.js'

/** Status and headers for a reply. Header names are case-insensitive; they are stored in lower case. */
export interface ReplyInit {
  /** The HTTP status code. @default 200 */
  status?: number
  /** Response headers, as a plain object or a web `Headers`. */
  headers?: OutgoingHttpHeaders | Headers
}

/** What a {@link Reply} can carry as its body once converted: raw bytes, text, a stream, or nothing. */
export type ReplyBody = string | Uint8Array | NodeJS.ReadableStream | ReadableStream | AsyncIterable<unknown> | null

/** A reply body that is a stream or an iterable, sent as it comes. */
export type StreamBody = Exclude<ReplyBody, string | Uint8Array | null>

/** The content type of text replies. */
export const TEXT_TYPE = 'text/plain; charset=utf-8'
/** The content type of JSON replies. */
export const JSON_TYPE = 'application/json; charset=utf-8'
/** The content type of HTML replies. */
export const HTML_TYPE = 'text/html; charset=utf-8'
/** The content type of byte and stream replies unless given another. */
export const BYTES_TYPE = 'application/octet-stream'

/**
 * An HTTP response a step returns: a status, headers (lower-case names) and a body.
 * `next()` resolves to one, so an onion step can read or change what the rest of the chain answered.
 *
 * @example
 * const res = await next()
 * res.headers['x-response-time'] = `${Date.now() - started}ms`
 */
export class Reply {
  /** The HTTP status code. */
  status: number
  /** Response headers with lower-case names. */
  headers: OutgoingHttpHeaders
  /** The body: text, bytes, a stream, or `null` for none. */
  body: ReplyBody
  /** The error this reply answers, when it is an error response (set by routechain); `undefined` otherwise. */
  error: unknown

  constructor(body: ReplyBody, status = 200, headers: OutgoingHttpHeaders = {}) {
    this.status = status
    this.headers = headers
    this.body = body
    this.error = undefined
  }

  /** Sets a header (name case-insensitive) and returns the reply, for chaining. */
  header(name: string, value: string | number | string[]): this {
    this.headers[name.toLowerCase()] = value
    return this
  }
}

function initHeaders(init: ReplyInit | undefined, contentType: string | undefined): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {}
  if (contentType !== undefined) headers['content-type'] = contentType
  const given = init?.headers
  if (given instanceof Headers) {
    for (const [name, value] of given) if (name !== 'set-cookie') headers[name] = value
    const cookies = given.getSetCookie()
    if (cookies.length > 0) headers['set-cookie'] = cookies
  } else if (given !== undefined) {
    for (const name of Object.keys(given)) {
      const value = given[name]
      if (value !== undefined) headers[name.toLowerCase()] = value
    }
  }
  return headers
}

function initStatus(init: ReplyInit | undefined, fallback: number): number {
  const status = init?.status ?? fallback
  if (!Number.isInteger(status) || status < 100 || status > 999) configError(`a reply status must be an integer from 100 to 999, got ${String(status)}`)
  return status
}

/** The type-only key under which a JSON reply carries the type of its data, for the typed client. */
export declare const jsonData: unique symbol

/** A reply made by {@link json}: its data's type goes with it, so the typed client's `json()` resolves to it. */
export type JsonReply<T> = Reply & { readonly [jsonData]?: T }

/**
 * A JSON reply.
 * @example return json({ id: req.params.id }, { status: 201 })
 */
export function json<T>(data: T, init?: ReplyInit): JsonReply<T> {
  return new Reply(JSON.stringify(data) ?? 'null', initStatus(init, 200), initHeaders(init, JSON_TYPE))
}

/** A `text/plain; charset=utf-8` reply. */
export function text(body: string, init?: ReplyInit): Reply {
  return new Reply(body, initStatus(init, 200), initHeaders(init, TEXT_TYPE))
}

/** A `text/html; charset=utf-8` reply. */
export function html(body: string, init?: ReplyInit): Reply {
  return new Reply(body, initStatus(init, 200), initHeaders(init, HTML_TYPE))
}

/**
 * A reply with any body a step may return (text, bytes, a stream, JSON data, `null`) and a status and headers.
 * @example return reply(stream, { status: 200, headers: { 'content-type': 'text/csv' } })
 */
export function reply(body: unknown, init?: ReplyInit): Reply {
  const converted = toReply(body)
  const headers = { ...converted.headers, ...initHeaders(init, undefined) }
  return new Reply(converted.body, initStatus(init, converted.status), headers)
}

function isStream(value: object): boolean {
  return typeof (value as { pipe?: unknown }).pipe === 'function' ||
    value instanceof ReadableStream ||
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
}

/**
 * Turns anything a step may return into a {@link Reply}. A returned `Error` (an `HttpError` too) is
 * thrown, so it is handled, logged and shown exactly as if the step had thrown it.
 */
export function toReply(value: unknown): Reply {
  if (value instanceof Reply) return value
  switch (typeof value) {
    case 'string': return new Reply(value, 200, { 'content-type': TEXT_TYPE })
    case 'number': case 'boolean': return new Reply(JSON.stringify(value), 200, { 'content-type': JSON_TYPE })
    case 'object': {
      if (value === null) return new Reply(null, 204)
      if (value instanceof Uint8Array) return new Reply(value, 200, { 'content-type': BYTES_TYPE })
      if (value instanceof Response) return fromWebResponse(value)
      // a returned error means the same as a thrown one, rather than being serialised as `{}`
      if (value instanceof Error) throw value
      if (isStream(value)) return new Reply(value as ReplyBody, 200, { 'content-type': BYTES_TYPE })
      if (value instanceof Map || value instanceof Set) {
        throw new TypeError(`a step returned a ${value.constructor.name}, which JSON would send as {}: convert it first (e.g. Object.fromEntries or [...set])`)
      }
      return new Reply(JSON.stringify(value), 200, { 'content-type': JSON_TYPE })
    }
    default:
      throw new TypeError(`a step returned a ${typeof value}, which cannot be sent as a response`)
  }
}

function fromWebResponse(response: Response): Reply {
  const headers = initHeaders({ headers: response.headers }, undefined)
  return new Reply(response.body, response.status, headers)
}

/** Whether a status carries no body: 1xx, 204 and 304. */
export function noBodyAllowed(status: number): boolean {
  return status === 204 || status === 304 || status < 200
}

/** Closes a reply body that will not be sent (a stream is destroyed or cancelled; other bodies need nothing). */
export function discardBody(body: ReplyBody): void {
  if (body === null || typeof body === 'string' || body instanceof Uint8Array) return
  if (body instanceof ReadableStream) void body.cancel().catch(() => {})
  else if (typeof (body as { destroy?: unknown }).destroy === 'function') (body as unknown as { destroy(): void }).destroy()
}

/**
 * A copy of a reply with other headers, its body, status and error kept: what a step that decorates `next()`'s
 * answer returns, since the reply it got may be shared between requests.
 */
export function withHeaders(reply: Reply, headers: OutgoingHttpHeaders): Reply {
  const copy = new Reply(reply.body, reply.status, headers)
  copy.error = reply.error
  return copy
}

/** The headers plus one more `Set-Cookie` value, as a new object: the given ones may belong to a shared reply. */
export function headersWithCookie(headers: OutgoingHttpHeaders, cookie: string): OutgoingHttpHeaders {
  const existing = headers['set-cookie']
  const cookies = existing === undefined ? cookie : [...(Array.isArray(existing) ? existing : [String(existing)]), cookie]
  return { ...headers, 'set-cookie': cookies }
}
