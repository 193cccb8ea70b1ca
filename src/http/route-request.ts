import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import type { BodyOptions, FormFields, FormOptions, JsonOptions } from './body.js'
import type { Multipart } from './multipart.js'
import type { MultipartOptions } from './multipart-parts.js'
import type { KnownSessionData, Session } from '../session/session.js'

/** Query string fields; a repeated field becomes an array. */
export type Query = Record<string, string | string[] | undefined>

/** Path parameters when the path is not known to the type system. */
export type AnyParams = Record<string, string | undefined>

/**
 * What every step receives. `P` is the shape of `params`, inferred from the route's path.
 * Body readers cache their result: reading twice gives the same value.
 */
export interface RouteRequest<P extends object = AnyParams> {
  /** The request method, upper case. */
  readonly method: string
  /** The request target as sent: path and query string. */
  readonly url: string
  /** The path part of `url` (also for an absolute-form target such as `http://host/a`), still percent-encoded. */
  readonly path: string
  /** Path parameters, percent-decoded. */
  readonly params: P
  /** Query string fields, decoded; parsed on first use. */
  readonly query: Query
  /** Request headers, names in lower case. */
  readonly headers: IncomingHttpHeaders
  /** Cookies, parsed on first use. */
  readonly cookies: Record<string, string | undefined>
  /**
   * The client's address: the socket's peer, or with the app's `trustProxy` set, walking back through
   * `X-Forwarded-For` from the peer, the first hop that is not a trusted proxy. There is no socket through
   * `app.fetch` and `app.request`: the peer is `info.ip` (default `''`) and `init.ip` (default `127.0.0.1`).
   */
  readonly ip: string
  /** `https` over TLS, or when a trusted proxy says so in `X-Forwarded-Proto` (see `trustProxy`); else `http`. */
  readonly protocol: 'http' | 'https'
  /** Whether {@link RouteRequest.protocol} is `https`. Session cookies get `Secure` when it is. */
  readonly secure: boolean
  /**
   * Aborts when the client goes away before the response is sent. Pass it to long work (`fetch`, timers,
   * database calls) or check `signal.aborted`; its reason is an HttpError with status 499.
   * @example await fetch(upstream, { signal: req.signal })
   */
  readonly signal: AbortSignal
  /**
   * The transport's own request: `node:http`'s IncomingMessage when served over `app.listen()` or
   * `app.handler`, the web `Request` when served through `app.fetch()` or `app.request()`.
   */
  readonly raw: IncomingMessage | Request
  /**
   * The pattern of the matched route, every mount prefix included (`'/users/:userId/posts/:postId'`): a
   * low-cardinality name for logs, metrics and spans. `undefined` when no route matched (404, 405, OPTIONS),
   * which only the app's own `use` steps see.
   */
  readonly route: string | undefined
  /** The largest body the readers accept, in bytes. A step may change it for the steps after it. */
  bodyLimit: number
  /**
   * The body as JSON. 415 unless the content type is JSON, 413 if too large, 400 if it does not parse, nests
   * deeper than `maxDepth` (128), or has a `__proto__` or `constructor.prototype` key.
   */
  json<T = unknown>(options?: JsonOptions): Promise<T>
  /** The body as UTF-8 text. */
  text(options?: BodyOptions): Promise<string>
  /**
   * A form's text fields, urlencoded or `multipart/form-data`; 415 for any other content type; 413 past
   * `maxFields` fields (1000) or the size limit: no field is ever dropped. A multipart form that sends a file
   * is 400 here: read it with {@link RouteRequest.multipart}.
   */
  form(options?: FormOptions): Promise<FormFields>
  /**
   * A `multipart/form-data` body (file uploads): iterate it for its parts as they stream in, or `collect()`
   * its fields and files (saved to temporary files, removed after the response). Past any of its `limits`
   * 413, malformed 400, another content type 415. The same object on every call.
   *
   * @example
   * for await (const part of req.multipart({ limits: { fileSize: 10 * 1024 * 1024 } })) {
   *   if (part.kind === 'file') await pipeline(part.stream, createWriteStream(`uploads/${randomUUID()}`))
   * }
   * const { fields, files } = await req.multipart().collect()
   */
  multipart(options?: MultipartOptions): Multipart
  /** The body as raw bytes. */
  buffer(options?: BodyOptions): Promise<Buffer>
  /**
   * The request's session, loaded on the first call (the same object on every call), saved before the
   * response goes out when it changed. Any step can call it: app `use` steps, routers' steps, route steps.
   * @example const session = await req.session(); session.set('user', 'alice')
   */
  session<D extends object = KnownSessionData>(): Promise<Session<D>>
  /** A fresh, empty session with a new identity that counts as changed (aiohttp's `new_session()`). */
  newSession<D extends object = KnownSessionData>(): Promise<Session<D>>
}

/** The request a route's own steps receive: one that matched a route, so `route` is always set. */
export interface MatchedRequest<P extends object = AnyParams> extends RouteRequest<P> {
  readonly route: string
}
