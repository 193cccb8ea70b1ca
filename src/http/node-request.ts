import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import type { TLSSocket } from 'node:tls'
import { RoutechainError } from '../errors.js'
import { readBody } from './node-body.js'
import { HttpError } from './http-error.js'
import type { BodySource } from './multipart-parts.js'
import { RequestBase, type RequestContext } from './request-base.js'
import type { AnyParams } from './route-request.js'

/** A request that came in over `node:http`: headers, peer and body from the IncomingMessage. */
export class NodeRequest extends RequestBase {
  readonly #raw: IncomingMessage
  readonly #res: ServerResponse
  #signal: AbortSignal | undefined

  constructor(raw: IncomingMessage, res: ServerResponse, params: AnyParams, querystring: string, route: string | undefined, context: RequestContext) {
    super(raw.method as string, raw.url as string, params, querystring, route, context)
    this.#raw = raw
    this.#res = res
  }

  get raw(): IncomingMessage {
    return this.#raw
  }

  get headers(): IncomingHttpHeaders {
    return this.#raw.headers
  }

  get signal(): AbortSignal {
    if (this.#signal !== undefined) return this.#signal
    const controller = new AbortController()
    this.#signal = controller.signal
    const res = this.#res
    const gone = (): void => controller.abort(new HttpError(499, 'the client closed the connection'))
    // 'close' on the response comes both when it finished and when the connection dropped first
    if (res.writableFinished) return this.#signal
    if (res.destroyed || this.#raw.socket?.destroyed !== false) gone()
    else res.once('close', () => { if (!res.writableFinished) gone() })
    return this.#signal
  }

  protected peer(): string {
    return this.#raw.socket.remoteAddress ?? ''
  }

  protected encrypted(): boolean {
    return (this.#raw.socket as TLSSocket).encrypted === true
  }

  protected readBody(limit: number): Promise<Buffer> {
    // a body left unread closes the connection rather than have node read and discard the rest of it
    return readBody(this.#raw, limit, () => { this.#res.shouldKeepAlive = false })
  }

  protected bodySource(): BodySource | Error {
    const raw = this.#raw
    const res = this.#res
    if (raw.destroyed || (raw.readableEnded && !raw.complete)) return new HttpError(400, 'the request body could not be read: the client went away')
    if (raw.readableEnded) return new RoutechainError('ERR_ROUTECHAIN_BODY_USED', 'the request body was already read from req.raw; read it through the body readers only')
    return {
      stream: raw,
      heldToLength: true,
      leftUnread: () => { res.shouldKeepAlive = false },
      // 'close' comes once the response is sent, or the connection is gone
      whenDone: (cleanup) => {
        if (res.closed) cleanup()
        else res.once('close', cleanup)
      },
    }
  }
}
