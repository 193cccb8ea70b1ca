import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import type { Logger } from '../util/logger.js'
import { isThenable } from '../util/thenable.js'
import type { ResolvedWebSocketOptions } from './options.js'

const COOKIE: unique symbol = Symbol('routechain.ws-cookie')

interface WithCookie extends IncomingMessage {
  [COOKIE]?: string
}

interface Tracked {
  alive: boolean
}

/**
 * The app's WebSocket side, on `ws` in noServer mode: completes handshakes (with the session's `Set-Cookie` in
 * the 101), counts open sockets, pings them and closes those that stop answering, and closes them all with
 * 1001 when the app closes.
 */
export class WebSocketHub {
  readonly #server: WebSocketServer
  readonly #options: ResolvedWebSocketOptions
  readonly #logger: Logger
  readonly #sockets = new Map<WebSocket, Tracked>()
  #timer: NodeJS.Timeout | undefined
  #pending = 0

  constructor(options: ResolvedWebSocketOptions, logger: Logger) {
    this.#options = options
    this.#logger = logger
    this.#server = new WebSocketServer({ noServer: true, clientTracking: false, maxPayload: options.maxPayload, perMessageDeflate: options.perMessageDeflate })
    this.#server.on('headers', (headers: string[], req: WithCookie) => {
      const cookie = req[COOKIE]
      if (cookie !== undefined) headers.push(`Set-Cookie: ${cookie}`)
    })
  }

  /** Whether another socket may open now: open ones and handshakes under way stay under `maxConnections`. */
  hasRoom(): boolean {
    return this.#sockets.size + this.#pending < this.#options.maxConnections
  }

  /** Reserves room for a handshake that is about to run its chain; {@link release} or {@link accept} ends it. */
  reserve(): void {
    this.#pending++
  }

  /** Gives back room reserved for a handshake that was refused. */
  release(): void {
    this.#pending--
  }

  /**
   * Completes the handshake (ws answers 400 itself for a bad `Sec-WebSocket-Key` or version) and calls
   * `handler`. Messages wait until a handler's promise settles, so none is lost to a listener added after an
   * `await`; a handler that throws closes the socket with 1011.
   */
  accept(req: IncomingMessage, socket: Duplex, head: Buffer, cookie: string | undefined, handler: (ws: WebSocket) => unknown): void {
    if (cookie !== undefined) (req as WithCookie)[COOKIE] = cookie
    // a handshake ws refuses (it answers 400 and destroys the socket) never reaches the callback: give its room back then
    const refused = (): void => { this.#pending-- }
    socket.once('close', refused)
    this.#server.handleUpgrade(req, socket, head, (ws) => {
      socket.off('close', refused)
      this.#pending--
      this.#track(ws)
      ws.pause()
      let result: unknown
      try {
        result = handler(ws)
      } catch (error) {
        this.#failed(ws, error)
        return
      }
      if (isThenable(result)) Promise.resolve(result).then(() => ws.resume(), (error: unknown) => this.#failed(ws, error))
      else ws.resume()
    })
  }

  #failed(ws: WebSocket, error: unknown): void {
    this.#logger.error('a WebSocket handler threw; the socket was closed with 1011', error)
    ws.close(1011, 'internal error')
  }

  #track(ws: WebSocket): void {
    const tracked: Tracked = { alive: true }
    this.#sockets.set(ws, tracked)
    ws.on('pong', () => { tracked.alive = true })
    // a peer's bad frame (too large: 1009, invalid UTF-8: 1007) is an error event that ws closes the socket on;
    // unheard, it would end the process
    ws.on('error', (error) => this.#logger.debug(`a WebSocket peer sent what it may not (${(error as Error).message}); closed`))
    ws.once('close', () => {
      this.#sockets.delete(ws)
      if (this.#sockets.size === 0) this.#stopHeartbeat()
    })
    this.#startHeartbeat()
  }

  #startHeartbeat(): void {
    if (this.#timer !== undefined || this.#options.heartbeat === 0) return
    this.#timer = setInterval(() => {
      for (const [ws, tracked] of this.#sockets) {
        if (!tracked.alive) {
          ws.terminate()
          continue
        }
        tracked.alive = false
        ws.ping()
      }
    }, this.#options.heartbeat)
    this.#timer.unref()
  }

  #stopHeartbeat(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer)
    this.#timer = undefined
  }

  /** How many sockets are open. */
  get size(): number {
    return this.#sockets.size
  }

  /** Closes every socket with 1001 (going away), and cuts those still open after `timeout` ms. */
  async close(timeout: number): Promise<void> {
    const open = [...this.#sockets.keys()]
    if (open.length === 0) return
    await new Promise<void>((resolve) => {
      let left = open.length
      const cut = setTimeout(() => { for (const ws of open) ws.terminate() }, timeout)
      for (const ws of open) {
        ws.once('close', () => { if (--left === 0) { clearTimeout(cut); resolve() } })
        ws.close(1001, 'the server is shutting down')
      }
    })
    this.#stopHeartbeat()
  }
}
