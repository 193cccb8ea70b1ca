import { ServerResponse, type IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { Upgrade, WS_METHOD } from '../core/upgrade.js'
import type { Dispatcher, Transport } from '../http/dispatch.js'
import { NodeRequest } from '../http/node-request.js'
import { nodeTransport } from '../http/node-transport.js'
import type { Reply } from '../http/reply.js'
import type { Logger } from '../util/logger.js'
import type { WebSocketHub } from './hub.js'
import type { ResolvedWebSocketOptions } from './options.js'

/** One upgrade request's way back: an HTTP response on its socket for a refusal, or the socket itself for ws. */
interface UpgradeExchange {
  readonly res: ServerResponse
  readonly socket: Duplex
  readonly head: Buffer
  /** Room was reserved in the hub and not yet given back or used. */
  reserved: boolean
}

/**
 * The transport for `upgrade` events: looks routes up among the WebSocket routes (method `WS`), answers a
 * refusal as an HTTP response on the socket, and hands an {@link Upgrade} to the hub for the handshake.
 */
function upgradeTransport(hub: WebSocketHub, logger: Logger): Transport<IncomingMessage, UpgradeExchange> {
  const http = nodeTransport(logger, false)
  const release = (exchange: UpgradeExchange): void => {
    if (exchange.reserved) hub.release()
    exchange.reserved = false
  }
  return {
    method: () => WS_METHOD,
    target: (raw) => raw.url as string,
    createRequest: (raw, exchange, params, querystring, route, context) => new NodeRequest(raw, exchange.res, params, querystring, route, context),
    send(exchange, req, value, cookie) {
      if (value instanceof Upgrade) {
        exchange.reserved = false // the hub's accept takes the reservation over
        exchange.res.detachSocket(exchange.socket as Socket)
        exchange.res.statusCode = 101
        hub.accept((req as NodeRequest).raw, exchange.socket, exchange.head, cookie, (ws) => value.handler(ws as never, req as never))
        return
      }
      release(exchange)
      http.send(exchange.res, req, value, cookie)
    },
    sendError(exchange, req, reply, cookie) {
      release(exchange)
      http.sendError(exchange.res, req, reply, cookie)
    },
    refuse(exchange, reply) {
      release(exchange)
      http.refuse(exchange.res, reply)
    },
    started: (exchange) => exchange.res.headersSent || exchange.res.statusCode === 101,
    abort: (exchange) => { exchange.socket.destroy() },
    status: (exchange) => exchange.res.statusCode,
    takesAsIs: (value) => value instanceof Upgrade,
  }
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host.toLowerCase()
  } catch {
    return false
  }
}

/**
 * The `upgrade` listener for `node:http` servers. Before any step runs it refuses what is no WebSocket upgrade
 * (400), a page of another origin (403, against cross-site WebSocket hijacking) and an upgrade past
 * `maxConnections` (503); then the route's whole chain runs on the upgrade request, and either answers (a
 * refusal, written as HTTP on the socket) or lets the handshake happen.
 */
export function upgradeHandler(
  dispatcher: Dispatcher, hub: WebSocketHub, options: ResolvedWebSocketOptions, logger: Logger, closing: () => boolean,
): (raw: IncomingMessage, socket: Duplex, head: Buffer) => void {
  const transport = upgradeTransport(hub, logger)
  return (raw, socket, head) => {
    socket.on('error', () => {}) // a peer that resets mid-handshake must not crash the process; ws listens once it owns the socket
    const res = new ServerResponse(raw)
    res.assignSocket(socket as Socket)
    res.shouldKeepAlive = false
    res.once('finish', () => socket.end())
    const exchange: UpgradeExchange = { res, socket, head, reserved: false }
    const refuse = (reply: Reply): void => transport.refuse(exchange, reply)
    if ((raw.headers.upgrade ?? '').toLowerCase() !== 'websocket') return refuse(dispatcher.answer(400, 'only WebSocket upgrades are served'))
    const origin = raw.headers.origin
    if (origin !== undefined && !options.allowedOrigins.has(origin) && !sameOrigin(origin, raw.headers.host)) {
      return refuse(dispatcher.answer(403, 'WebSocket connections from this origin are refused'))
    }
    if (closing()) return refuse(dispatcher.answer(503, 'the server is shutting down'))
    if (!hub.hasRoom()) return refuse(dispatcher.answer(503, 'too many WebSocket connections'))
    hub.reserve()
    exchange.reserved = true
    dispatcher.dispatch(transport, raw, exchange)
  }
}
