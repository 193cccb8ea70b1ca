import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import { parse as parseCookies } from 'cookie'
import { checkByteLimit, configError, RoutechainError } from '../errors.js'
import { isJsonType, mediaType } from '../util/media-type.js'
import {
  DEFAULT_JSON_DEPTH, DEFAULT_MAX_FIELDS, parseFields, parseJson, tooManyFields, tooManyQueryKeys, type BodyOptions, type FormFields, type FormOptions, type JsonOptions,
} from './body.js'
import { HttpError } from './http-error.js'
import { Multipart } from './multipart.js'
import { addField, type BodySource, type MultipartOptions } from './multipart-parts.js'
import { resolveLimits, type MultipartLimits } from './multipart-limits.js'
import { clientAddress, forwardedProto, type TrustsHop } from './proxy.js'
import type { AnyParams, Query, RouteRequest } from './route-request.js'
import type { SessionPhase } from '../session/phase.js'
import type { KnownSessionData, Session } from '../session/session.js'

/** What every request of one app shares: its body limit, its session phase and the proxies it trusts. */
export interface RequestContext {
  readonly bodyLimit: number
  readonly sessions: SessionPhase | undefined
  readonly trustProxy: TrustsHop | undefined
  /** The most query parameters a request may carry (400 past it). @default 1000 */
  readonly maxQueryKeys?: number
  /** True once the app's `close()` has begun: what {@link ready} answers 503 on. */
  readonly closing?: () => boolean
}

/**
 * The request object routechain builds for each request, whatever the transport; steps see it as a
 * {@link RouteRequest}. A transport supplies the headers, the peer's address, the signal and the body bytes.
 */
export abstract class RequestBase implements RouteRequest {
  readonly method: string
  readonly url: string
  readonly params: AnyParams
  readonly route: string | undefined
  bodyLimit: number
  readonly #context: RequestContext
  readonly #querystring: string
  #query: Query | undefined
  #cookies: Record<string, string | undefined> | undefined
  #body: Promise<Buffer> | undefined
  #json: Promise<unknown> | undefined
  #form: Promise<FormFields> | undefined
  #multipart: Multipart | undefined

  constructor(method: string, url: string, params: AnyParams, querystring: string, route: string | undefined, context: RequestContext) {
    this.method = method
    this.url = url
    this.params = params
    this.route = route
    this.bodyLimit = context.bodyLimit
    this.#context = context
    this.#querystring = querystring
  }

  abstract get raw(): IncomingMessage | Request
  abstract get headers(): IncomingHttpHeaders
  abstract get signal(): AbortSignal
  /** The address of whoever sent the request to us: the socket's peer, or what the fetch caller said. */
  protected abstract peer(): string
  /** Whether the request reached us over TLS. */
  protected abstract encrypted(): boolean
  /** Reads the whole body, refusing it with 413 past `limit` bytes. */
  protected abstract readBody(limit: number): Promise<Buffer>
  /** The body as a stream for the multipart reader, or why it cannot be read. */
  protected abstract bodySource(): BodySource | Error

  /**
   * True once the app's `close()` has begun (the drain window included), false before and in an app not closing.
   * @internal what the readiness step reads; steps see it through `ready()`
   */
  get appClosing(): boolean {
    return this.#context.closing?.() ?? false
  }

  get path(): string {
    const url = this.url
    if (url.charCodeAt(0) !== 47 /* '/' */) return absolutePath(url)
    const end = url.indexOf('?')
    return end === -1 ? url : url.slice(0, end)
  }

  get ip(): string {
    const peer = this.peer()
    const trusts = this.#context.trustProxy
    if (trusts === undefined) return peer
    const forwarded = this.headers['x-forwarded-for']
    return clientAddress(peer, Array.isArray(forwarded) ? forwarded.join(',') : forwarded, trusts)
  }

  get protocol(): 'http' | 'https' {
    if (this.encrypted()) return 'https'
    const trusts = this.#context.trustProxy
    if (trusts === undefined || !trusts(this.peer(), 0)) return 'http'
    return forwardedProto(this.headers['x-forwarded-proto']) ?? 'http'
  }

  get secure(): boolean {
    return this.protocol === 'https'
  }

  get query(): Query {
    return (this.#query ??= parseFields(this.#querystring, this.#context.maxQueryKeys ?? DEFAULT_MAX_FIELDS, tooManyQueryKeys))
  }

  get cookies(): Record<string, string | undefined> {
    if (this.#cookies === undefined) {
      const header = this.headers.cookie
      this.#cookies = header === undefined ? {} : parseCookies(header)
    }
    return this.#cookies
  }

  buffer(options?: BodyOptions): Promise<Buffer> {
    const limit = options?.limit === undefined ? this.bodyLimit : checkByteLimit('the body reader limit', options.limit)
    if (this.#multipart !== undefined) this.#body ??= Promise.reject(bodyUsed('req.multipart()'))
    return (this.#body ??= this.readBody(limit))
  }

  async text(options?: BodyOptions): Promise<string> {
    return (await this.buffer(options)).toString('utf8')
  }

  json<T = unknown>(options?: JsonOptions): Promise<T> {
    const maxDepth = options?.maxDepth ?? DEFAULT_JSON_DEPTH
    if (!Number.isInteger(maxDepth) || maxDepth < 1) configError(`json({ maxDepth }) takes a whole number from 1 up, got ${String(maxDepth)}`)
    this.#json ??= isJsonType(mediaType(this.headers['content-type']))
      ? this.buffer(options).then((body) => parseJson(body, maxDepth))
      : this.#refuse('application/json')
    return this.#json as Promise<T>
  }

  form(options?: FormOptions): Promise<FormFields> {
    const max = options?.maxFields ?? DEFAULT_MAX_FIELDS
    if (!Number.isInteger(max) || max < 1) configError(`form({ maxFields }) takes a whole number from 1 up, got ${String(max)}`)
    const type = mediaType(this.headers['content-type'])
    if (type === 'multipart/form-data') return (this.#form ??= this.#multipartFields(max, options?.limit))
    this.#form ??= type === 'application/x-www-form-urlencoded'
      ? this.text(options).then((text) => parseFields(text, max, tooManyFields))
      : this.#refuse('application/x-www-form-urlencoded or multipart/form-data')
    return this.#form
  }

  async #multipartFields(max: number, limit: number | undefined): Promise<FormFields> {
    const fields = Object.create(null) as FormFields
    const limits: MultipartLimits = { fields: max, parts: max + 1, files: max }
    if (limit !== undefined) limits.total = checkByteLimit('the body reader limit', limit)
    for await (const part of this.multipart({ limits })) {
      if (part.kind === 'field') {
        addField(fields, part.name, part.value)
        continue
      }
      // a file input left empty sends a nameless, empty file: nothing is lost by passing over it
      if (part.filename !== '' || await drain(part.stream) > 0) {
        throw new HttpError(400, `req.form() reads text fields, and field "${part.name}" is a file: this route reads its form with req.multipart()`)
      }
    }
    return fields
  }

  multipart(options?: MultipartOptions): Multipart {
    if (this.#multipart !== undefined) return this.#multipart
    const limits = resolveLimits(options?.limits, this.bodyLimit)
    const source = (): BodySource | Error => this.#body !== undefined ? bodyUsed('another body reader') : this.bodySource()
    return (this.#multipart = new Multipart(this.headers, source, limits, options?.tmpDir))
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

  #refuse(expected: string): Promise<never> {
    const got = mediaType(this.headers['content-type']) || 'none'
    return Promise.reject(new HttpError(415, `expected an ${expected} body, got content-type ${got}`))
  }
}

function bodyUsed(by: string): RoutechainError {
  return new RoutechainError('ERR_ROUTECHAIN_BODY_USED', `the request body was already read by ${by}; a body is read once`)
}

/** Reads a stream to its end, keeping nothing; resolves to how many bytes it had. */
async function drain(stream: AsyncIterable<Uint8Array>): Promise<number> {
  let bytes = 0
  for await (const chunk of stream) bytes += chunk.byteLength
  return bytes
}

/** The path of an absolute-form request target (`GET http://host/a?b`), as a proxy-style client sends it. */
function absolutePath(url: string): string {
  try {
    return new URL(url).pathname
  } catch {
    return url
  }
}
