import type { IncomingHttpHeaders } from 'node:http'
import { Readable } from 'node:stream'
import { RoutechainError } from '../errors.js'
import { HttpError } from './http-error.js'
import type { BodySource } from './multipart-parts.js'
import { RequestBase, type RequestContext } from './request-base.js'
import type { AnyParams } from './route-request.js'
import { readWebBody } from './web-body.js'

/** A request served through the fetch handler: headers, body and signal from a web `Request`. */
export class WebRequest extends RequestBase {
  readonly #request: Request
  readonly #peer: string
  #headers: IncomingHttpHeaders | undefined
  #signal: AbortSignal | undefined
  #cleanups: (() => void | Promise<void>)[] | undefined

  constructor(request: Request, target: string, peer: string, params: AnyParams, querystring: string, route: string | undefined, context: RequestContext) {
    super(request.method, target, params, querystring, route, context)
    this.#request = request
    this.#peer = peer
  }

  get raw(): Request {
    return this.#request
  }

  get headers(): IncomingHttpHeaders {
    return (this.#headers ??= toNodeHeaders(this.#request))
  }

  get signal(): AbortSignal {
    if (this.#signal !== undefined) return this.#signal
    const controller = new AbortController()
    this.#signal = controller.signal
    const given = this.#request.signal
    const gone = (): void => controller.abort(new HttpError(499, 'the client closed the connection'))
    if (given.aborted) gone()
    else given.addEventListener('abort', gone, { once: true })
    return this.#signal
  }

  protected peer(): string {
    return this.#peer
  }

  protected encrypted(): boolean {
    return this.#request.url.startsWith('https:')
  }

  protected readBody(limit: number): Promise<Buffer> {
    return readWebBody(this.#request, limit)
  }

  protected bodySource(): BodySource | Error {
    const request = this.#request
    if (request.bodyUsed) return new RoutechainError('ERR_ROUTECHAIN_BODY_USED', 'the request body was already read from req.raw; read it through the body readers only')
    const body = request.body
    return {
      stream: body === null ? Readable.from([]) : Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>),
      heldToLength: false,
      leftUnread: () => { void body?.cancel().catch(() => {}) },
      whenDone: (cleanup) => { (this.#cleanups ??= []).push(cleanup) },
    }
  }

  /**
   * The response is ready to hand over: what waited for it (temporary upload files) is cleaned up. Returns the
   * cleanups' promise, which the response waits for, or `undefined` when there is nothing to clean up.
   */
  handedOver(): Promise<unknown> | undefined {
    const cleanups = this.#cleanups
    if (cleanups === undefined) return undefined
    this.#cleanups = undefined
    return Promise.allSettled(cleanups.map((cleanup) => cleanup()))
  }
}

/** Web headers as node:http gives them: lower-case names, `set-cookie` as a list, and a `host` always there. */
function toNodeHeaders(request: Request): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = {}
  for (const [name, value] of request.headers) if (name !== 'set-cookie') headers[name] = value
  const cookies = request.headers.getSetCookie()
  if (cookies.length > 0) headers['set-cookie'] = cookies
  // an HTTP/1.1 request always names its host; a Request built in code may not, so take it from the URL
  headers.host ??= new URL(request.url).host
  return headers
}
