import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Logger } from '../util/logger.js'
import type { Dispatcher, Transport } from './dispatch.js'
import { sendReply, sendValue } from './node-send.js'
import { NodeRequest } from './node-request.js'
import type { Reply } from './reply.js'
import { repeatsHost } from './request-checks.js'

/** The `node:http` transport: reads an IncomingMessage, writes a ServerResponse. */
export function nodeTransport(logger: Logger, etag: boolean): Transport<IncomingMessage, ServerResponse> {
  const streamFailed = (error: Error): void => {
    logger.error('a streamed response failed after its headers were sent; connection closed.', error)
  }
  return {
    method: (raw) => raw.method as string,
    target: (raw) => raw.url as string,
    createRequest: (raw, res, params, querystring, route, context) => new NodeRequest(raw, res, params, querystring, route, context),
    send: (res, _req, value, cookie) => sendValue(res, value, cookie, streamFailed, etag),
    sendError(res, _req, reply, cookie) {
      // a writeHead that threw has already set statusMessage (e.g. "OK"); let the error status bring its own
      res.statusMessage = ''
      sendReply(res, reply, cookie, streamFailed)
    },
    refuse(res, reply) {
      // refused before any step ran: as after a parse error, the connection is not kept
      res.shouldKeepAlive = false
      sendReply(res, reply, undefined, streamFailed)
    },
    started: (res) => res.headersSent,
    abort: (res) => { res.destroy() },
    status: (res) => res.statusCode,
  }
}

/**
 * The `(req, res)` handler for `node:http` servers: refuses what node's parser lets through but RFC 9112
 * does not (a repeated Host), then hands the request to the dispatcher. `closing` says the app is shutting
 * down, so the connection is not kept alive.
 */
export function nodeHandler(dispatcher: Dispatcher, logger: Logger, closing: () => boolean): (raw: IncomingMessage, res: ServerResponse) => void {
  const transport = nodeTransport(logger, dispatcher.etag)
  const refuse = (res: ServerResponse, reply: Reply): void => transport.refuse(res, reply)
  // hot path: two checks, then the dispatcher
  return (raw, res) => {
    if (closing()) res.shouldKeepAlive = false
    if (repeatsHost(raw.rawHeaders)) return refuse(res, dispatcher.answer(400, 'more than one Host header'))
    dispatcher.dispatch(transport, raw, res)
  }
}
