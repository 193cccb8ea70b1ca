import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import type { TLSSocket } from 'node:tls'
import { parse as parseCookies } from 'cookie'
import { checkByteLimit } from './app-options.js'
import { configError, HttpError } from '../errors.js'
import { DEFAULT_JSON_DEPTH, isJsonType, mediaType, parseFields, parseJson, readBody, type BodyOptions, type FormFields, type JsonOptions } from './body.js'
import { clientAddress, forwardedProto, type TrustsHop } from './proxy.js'
import type { RequestSession, SessionPhase } from '../session/phase.js'
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
   * `X-Forwarded-For` from the peer, the first hop that is not a trusted proxy.
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
  /** The underlying `node:http` request. */
  readonly raw: IncomingMessage
  /** The largest body the readers accept, in bytes. A step may change it for the steps after it. */
  bodyLimit: number
  /**
   * The body as JSON. 415 unless the content type is JSON, 413 if too large, 400 if it does not parse, nests
   * deeper than `maxDepth` (128), or has a `__proto__` or `constructor.prototype` key.
   */
  json<T = unknown>(options?: JsonOptions): Promise<T>
  /** The body as UTF-8 text. */
  text(options?: BodyOptions): Promise<string>
  /** An urlencoded form body. 415 unless the content type is `application/x-www-form-urlencoded`. */
  form(options?: BodyOptions): Promise<FormFields>
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

/** What every request of one app shares: its body limit, its session phase and the proxies it trusts. */
export interface RequestContext {
  readonly bodyLimit: number
  readonly sessions: SessionPhase | undefined
  readonly trustProxy: TrustsHop | undefined
}

/** The request object routechain builds for each request; steps see it as a {@link RouteRequest}. */
export class IncomingRequest implements RouteRequest {
  readonly raw: IncomingMessage
  readonly method: string
  readonly url: string
  readonly params: AnyParams
  bodyLimit: number
  /** Set on a request no route matched: the methods that do have a route for its path. */
  allow: string[] | undefined
  #querystring: string
  #query: Query | undefined
  #cookies: Record<string, string | undefined> | undefined
  #body: Promise<Buffer> | undefined
  #json: Promise<unknown> | undefined
  #form: Promise<FormFields> | undefined
  #signal: AbortSignal | undefined

  /** The session this request holds, once a step asked for it. */
  sessionSlot: RequestSession | undefined
  readonly #res: ServerResponse
  readonly #context: RequestContext

  constructor(raw: IncomingMessage, res: ServerResponse, params: AnyParams, querystring: string, context: RequestContext) {
    this.raw = raw
    this.#res = res
    this.#context = context
    this.method = raw.method as string
    this.url = raw.url as string
    this.params = params
    this.bodyLimit = context.bodyLimit
    this.allow = undefined
    this.sessionSlot = undefined
    this.#querystring = querystring
  }

  get path(): string {
    const url = this.url
    if (url.charCodeAt(0) !== 47 /* '/' */) return absolutePath(url)
    const end = url.indexOf('?')
    return end === -1 ? url : url.slice(0, end)
  }

  get headers(): IncomingHttpHeaders {
    return this.raw.headers
  }

  get ip(): string {
    const peer = this.raw.socket.remoteAddress ?? ''
    const trusts = this.#context.trustProxy
    if (trusts === undefined) return peer
    const forwarded = this.raw.headers['x-forwarded-for']
    return clientAddress(peer, Array.isArray(forwarded) ? forwarded.join(',') : forwarded, trusts)
  }

  get protocol(): 'http' | 'https' {
    if ((this.raw.socket as TLSSocket).encrypted === true) return 'https'
    const trusts = this.#context.trustProxy
    if (trusts === undefined || !trusts(this.raw.socket.remoteAddress ?? '', 0)) return 'http'
    return forwardedProto(this.raw.headers['x-forwarded-proto']) ?? 'http'
  }

  get secure(): boolean {
    return this.protocol === 'https'
  }

  get signal(): AbortSignal {
    if (this.#signal !== undefined) return this.#signal
    const controller = new AbortController()
    this.#signal = controller.signal
    const res = this.#res
    const gone = (): void => controller.abort(new HttpError(499, 'the client closed the connection'))
    // 'close' on the response comes both when it finished and when the connection dropped first
    if (res.writableFinished) return this.#signal
    if (res.destroyed || this.raw.socket?.destroyed !== false) gone()
    else res.once('close', () => { if (!res.writableFinished) gone() })
    return this.#signal
  }

  get query(): Query {
    return (this.#query ??= parseFields(this.#querystring))
  }

  get cookies(): Record<string, string | undefined> {
    if (this.#cookies === undefined) {
      const header = this.raw.headers.cookie
      this.#cookies = header === undefined ? {} : parseCookies(header)
    }
    return this.#cookies
  }

  buffer(options?: BodyOptions): Promise<Buffer> {
    // a body left unread closes the connection rather than have node read and discard the rest of it
    const limit = options?.limit === undefined ? this.bodyLimit : checkByteLimit('the body reader limit', options.limit)
    this.#body ??= readBody(this.raw, limit, () => { this.#res.shouldKeepAlive = false })
    return this.#body
  }

  async text(options?: BodyOptions): Promise<string> {
    return (await this.buffer(options)).toString('utf8')
  }

  json<T = unknown>(options?: JsonOptions): Promise<T> {
    const maxDepth = options?.maxDepth ?? DEFAULT_JSON_DEPTH
    if (!Number.isInteger(maxDepth) || maxDepth < 1) configError(`json({ maxDepth }) takes a whole number from 1 up, got ${String(maxDepth)}`)
    this.#json ??= this.#expect(isJsonType(mediaType(this.raw)), 'application/json')
      .then(() => this.buffer(options))
      .then((body) => parseJson(body, maxDepth))
    return this.#json as Promise<T>
  }

  form(options?: BodyOptions): Promise<FormFields> {
    this.#form ??= this.#expect(mediaType(this.raw) === 'application/x-www-form-urlencoded', 'application/x-www-form-urlencoded')
      .then(() => this.text(options))
      .then(parseFields)
    return this.#form
  }

  session<D extends object = KnownSessionData>(): Promise<Session<D>> {
    return this.#sessions().open(this) as unknown as Promise<Session<D>>
  }

  newSession<D extends object = KnownSessionData>(): Promise<Session<D>> {
    return this.#sessions().fresh(this) as unknown as Promise<Session<D>>
  }

  #sessions(): SessionPhase {
    const sessions = this.#context.sessions
    if (sessions === undefined) configError('req.session() needs sessions set up: createApp({ session: { storage: new EncryptedCookieStorage(process.env.SESSION_KEY) } })')
    return sessions
  }

  #expect(matches: boolean, expected: string): Promise<void> {
    if (matches) return Promise.resolve()
    const got = mediaType(this.raw) || 'none'
    return Promise.reject(new HttpError(415, `expected an ${expected} body, got content-type ${got}`))
  }
}

/** The path of an absolute-form request target (`GET http://host/a?b`), as a proxy-style client sends it. */
function absolutePath(url: string): string {
  try {
    return new URL(url).pathname
  } catch {
    return url
  }
}
