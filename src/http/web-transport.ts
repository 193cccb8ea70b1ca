import type { IncomingHttpHeaders } from 'node:http'
import { METHODS } from 'node:http'
import type { Logger } from '../util/logger.js'
import type { Dispatcher, Transport } from './dispatch.js'
import { toReply } from './reply.js'
import type { RequestBase } from './request-base.js'
import { WebRequest } from './web-request.js'
import { toResponse } from './web-response.js'

/** What `app.fetch()` may be told besides the request. */
export interface FetchInfo {
  /**
   * The address of whoever sent the request (`req.ip`, and the peer that `trustProxy` starts from). A web
   * `Request` carries no socket: pass what the platform knows, e.g. Deno's `info.remoteAddr.hostname` or
   * Bun's `server.requestIP(req)?.address`. @default ''
   */
  ip?: string
}

/** One request through the fetch handler: where its Response goes, and what was sent. */
interface Exchange {
  readonly request: Request
  readonly target: string
  readonly ip: string
  readonly resolve: (response: Response) => void
  status: number
  sent: boolean
}

const KNOWN_METHODS = new Set(METHODS)

/** The path and query string of an absolute URL: what node:http calls `req.url`. */
function targetOf(url: string): string {
  const path = url.indexOf('/', url.indexOf('//') + 2)
  return path === -1 ? '/' : url.slice(path)
}

function webTransport(logger: Logger, etag: boolean): Transport<Exchange, Exchange> {
  const streamFailed = (error: Error): void => {
    logger.error('a streamed response failed after it was handed over; its body ends with the error.', error)
  }
  // the caller gets the response once the request's cleanups (temporary upload files) are done: what it holds is final
  const deliver = (exchange: Exchange, response: Response, req: RequestBase | undefined): void => {
    exchange.status = response.status
    exchange.sent = true
    const cleaning = (req as WebRequest | undefined)?.handedOver()
    if (cleaning === undefined) exchange.resolve(response)
    else void cleaning.then(() => exchange.resolve(response))
  }
  const send = (exchange: Exchange, req: RequestBase | undefined, value: unknown, cookie: string | undefined, request?: IncomingHttpHeaders): void => {
    deliver(exchange, toResponse(toReply(value), cookie, exchange.request.method, streamFailed, request === undefined ? undefined : { request, etag }), req)
  }
  return {
    method: (exchange) => exchange.request.method,
    target: (exchange) => exchange.target,
    createRequest: (exchange, _out, params, querystring, route, context) =>
      new WebRequest(exchange.request, exchange.target, exchange.ip, params, querystring, route, context),
    send: (exchange, req, value, cookie) => send(exchange, req, value, cookie, req.headers),
    sendError: (exchange, req, reply, cookie) => send(exchange, req, reply, cookie),
    refuse: (exchange, reply) => send(exchange, undefined, reply, undefined),
    started: (exchange) => exchange.sent,
    abort: () => {},
    status: (exchange) => exchange.status,
  }
}

/**
 * The app as a web-standard handler: `(request, info?) => Promise<Response>`. It never rejects: bad input
 * gets the same 4xx as over node:http.
 */
export function fetchHandler(dispatcher: Dispatcher, logger: Logger): (request: Request, info?: FetchInfo) => Promise<Response> {
  const transport = webTransport(logger, dispatcher.etag)
  return (request, info) => new Promise<Response>((resolve) => {
    const exchange: Exchange = { request, target: targetOf(request.url), ip: info?.ip ?? '', resolve, status: 0, sent: false }
    // node's parser refuses methods it does not know before any handler runs; so does this one
    if (!KNOWN_METHODS.has(request.method)) return transport.refuse(exchange, dispatcher.answer(400, 'unknown method'))
    try {
      dispatcher.dispatch(transport, exchange, exchange)
    } catch (error) {
      logger.error('the fetch handler failed before any step ran', error)
      if (!exchange.sent) transport.refuse(exchange, dispatcher.answer(500))
    }
  })
}
