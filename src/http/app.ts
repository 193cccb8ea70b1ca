import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import type { AnyStep } from '../core/chain.js'
import { formatRoutes } from '../core/route-text.js'
import type { RouteEntry, RouteTable } from '../core/route-table.js'
import { Router, routerState, type RouterTyping } from '../core/router.js'
import type { Step } from '../core/step.js'
import type { routerTypes } from '../core/route-types.js'
import { configError } from '../errors.js'
import { SessionPhase } from '../session/phase.js'
import { resolveOptions, type AppOptions, type ResolvedOptions } from './app-options.js'
import { Dispatcher } from './dispatch.js'
import type { ErrorHandler } from './error-reply.js'
import { toWebRequest, type InProcessInit } from './in-process.js'
import { closeServer, startServer } from './node-server.js'
import { nodeHandler } from './node-transport.js'
import { errorAnswer } from './problem.js'
import type { RouteRequest } from './route-request.js'
import { Tracer } from './trace.js'
import { fetchHandler, type FetchInfo } from './web-transport.js'
import { WebSocketHub } from '../websocket/hub.js'
import { resolveWebSocketOptions, type ResolvedWebSocketOptions } from '../websocket/options.js'
import { upgradeHandler } from '../websocket/upgrade-transport.js'

/** An App's types: its `use()` steps see requests no route matched too, and what they add widens the App. */
export interface AppTyping<Ctx extends object> extends RouterTyping<Ctx, ''> {
  readonly useWith: (req: RouteRequest & Ctx) => void
  readonly widened: App<Ctx & this['added']>
}

/** The `node:http` server {@link App.listen} resolves to, with the address it listens on. */
export type ListeningServer = Server & {
  /** The port it listens on: the one chosen when `listen()` asked for port 0. */
  readonly port: number
  /** Its base URL, `http://127.0.0.1:3000` (an IPv6 host in brackets), with no trailing slash. */
  readonly url: string
}

/** Where to listen. */
export interface ListenOptions {
  /** The TCP port; 0 picks a free one. @default 0 */
  port?: number
  /** The address to bind. @default '127.0.0.1' */
  host?: string
}

/** Options for {@link App.close}. */
export interface CloseOptions {
  /** How long in-flight requests may take to finish before their connections are cut, in ms. @default 10000 */
  timeout?: number
  /**
   * How long to go on serving after closing begins, in ms, before the servers stop accepting connections:
   * the window in which a load balancer's health check sees {@link ready} answer 503 and stops sending
   * requests here. Set it above the balancer's check interval × the failures it needs (HAProxy: `inter` × `fall`).
   * Responses meanwhile close their connections, so clients reconnect, through the balancer, elsewhere.
   * @default 0
   */
  drain?: number
}

/** The app as a web-standard handler, as `app.fetch` gives it. */
export type FetchHandler = (request: Request, info?: FetchInfo) => Promise<Response>

function noNote(): void {}

/**
 * The app's route table, built (and its routers frozen) on first use: for what documents the routes.
 * @internal
 */
export let tableOf: (app: App) => RouteTable

/**
 * An app: the root {@link Router} plus its entry points: `node:http` (`listen`, `handler`), in-process
 * (`request`) and web-standard (`fetch`), all served by one dispatcher. Its `use` steps run before every
 * route, and before the 404, 405 and OPTIONS answers.
 */
export class App<Ctx extends object = {}> extends Router<Ctx> {
  readonly #options: ResolvedOptions
  readonly #tracer: Tracer | undefined
  readonly #sessions: SessionPhase | undefined
  readonly #servers = new Set<ListeningServer>()
  #dispatcher: Dispatcher | undefined
  #handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined
  #upgrade: ((req: IncomingMessage, socket: Duplex, head: Buffer) => void) | undefined
  #hub: WebSocketHub | undefined
  readonly #websocket: ResolvedWebSocketOptions
  #fetch: FetchHandler | undefined
  #onError: ErrorHandler | undefined
  #notFound: AnyStep = () => errorAnswer(this.#options.errors, 404)
  #closing = false

  constructor(options: AppOptions = {}) {
    super()
    this[routerState].isApp = true
    const resolved = resolveOptions(options)
    this.#options = resolved
    this.#websocket = resolveWebSocketOptions(options.websocket)
    if (resolved.trace !== undefined) {
      this.#tracer = new Tracer(resolved.trace, (error) => resolved.logger.error('the trace sink threw; tracing stops', error))
    }
    const tracer = this.#tracer
    this.#sessions = options.session === undefined
      ? undefined
      : new SessionPhase(options.session, resolved.logger, tracer === undefined ? noNote : (req, line) => tracer.note(req, line))
  }

  /** Type-level only: an App's `use()` steps also run before 404, 405 and OPTIONS, and it widens to an App. */
  declare readonly [routerTypes]?: AppTyping<Ctx>

  /**
   * Sets the error handler. It runs for every error response: a step that threw or returned an error, a chain
   * that answered nothing, a value that cannot be sent. Return a response, or `undefined` for the default one.
   */
  onError(handler: ErrorHandler): this {
    if (typeof handler !== 'function') configError('onError() takes a function (error, req) => response | undefined')
    this.#onError = handler
    return this
  }

  /** Sets what answers a request no route matches. @default a 404 "Not Found", as text or a problem document (`errors`) */
  notFound(step: Step): this {
    if (typeof step !== 'function') configError('notFound() takes a step: (req) => response')
    this.#notFound = step as AnyStep
    return this
  }

  /** Every route: method, full path and step names; each router's own routes, then those of its mounts. */
  routes(): RouteEntry[] {
    return this.#build().table.entries()
  }

  /** Logs the routes as a table (through `logger.info`) and returns it. */
  printRoutes(): string {
    const table = formatRoutes(this.routes())
    this.#options.logger.info(table)
    return table
  }

  /**
   * A `(req, res)` function for any `node:http` or `node:https` server. Reading it builds the route table,
   * so misconfigured routes throw here, and routes can no longer be added.
   */
  get handler(): (req: IncomingMessage, res: ServerResponse) => void {
    return (this.#handler ??= nodeHandler(this.#build(), this.#options.logger, () => this.#closing))
  }

  /**
   * The `upgrade` listener for `node:http` and `node:https` servers: WebSocket routes run their chains on the
   * upgrade request, then hand the socket to their handler. `listen()` attaches it; on your own server,
   * `server.on('upgrade', app.upgrade)` beside `createServer(app.handler)`. Reading it builds the route table.
   */
  get upgrade(): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
    if (this.#upgrade !== undefined) return this.#upgrade
    const hub = (this.#hub ??= new WebSocketHub(this.#websocket, this.#options.logger))
    return (this.#upgrade = upgradeHandler(this.#build(), hub, this.#websocket, this.#options.logger, () => this.#closing))
  }

  /**
   * The app as a web-standard handler, `(request, info?) => Promise<Response>`, for serverless platforms,
   * `Bun.serve` and `Deno.serve`. It is bound, so it can be handed on as it is; reading it builds the route
   * table. Unlike node:http there is no socket: `req.raw` is the `Request`, and `req.ip` is `info.ip`.
   * @example Deno.serve((request, info) => app.fetch(request, { ip: info.remoteAddr.hostname }))
   */
  get fetch(): FetchHandler {
    return (this.#fetch ??= fetchHandler(this.#build(), this.#options.logger))
  }

  /**
   * Serves one request in-process, with no socket and no port: what tests want. `input` is a path (taken
   * against `http://localhost`), a URL or a `Request`; `init` a `RequestInit`, plus `ip` for `req.ip`
   * (default `127.0.0.1`). Answers exactly as over HTTP, and never rejects: bad input gets its 4xx.
   * @example const res = await app.request('/post/1', { headers: { authorization: 'Bearer t' } })
   */
  request(input: string | URL | Request, init?: InProcessInit): Promise<Response> {
    const fetch = this.fetch
    const { ip = '127.0.0.1', ...requestInit } = init ?? {}
    const request = toWebRequest(input, init === undefined ? undefined : requestInit)
    if (request instanceof Error) {
      const reply = errorAnswer(this.#options.errors, 400, request.message)
      return Promise.resolve(new Response(reply.body as string, { status: 400, headers: reply.headers as Record<string, string> }))
    }
    return fetch(request, { ip })
  }

  /**
   * Builds the route table and listens. Resolves to the `node:http` server once it accepts connections, with
   * the `port` it listens on (the chosen one after port 0) and its base `url`.
   * @example
   * const server = await app.listen({ port: 0 })
   * await fetch(`${server.url}/health`)
   */
  async listen(options: ListenOptions = {}): Promise<ListeningServer> {
    const { port = 0, host = '127.0.0.1' } = options
    const server = withAddress(await startServer(this.handler, this.#options.timeouts, port, host))
    server.on('upgrade', this.upgrade)
    this.#closing = false
    this.#servers.add(server)
    server.once('close', () => this.#servers.delete(server))
    return server
  }

  /** The port of the first server started by {@link App.listen}, handy after listening on port 0. */
  get port(): number | undefined {
    for (const server of this.#servers) return server.port
    return undefined
  }

  /**
   * Stops accepting connections, lets in-flight requests finish (their connections then close), closes idle
   * keep-alive connections, and cuts whatever is still open after `timeout`. With `drain`, it first goes on
   * serving for that long while {@link ready} answers 503, so a load balancer takes this process out first.
   * @example
   * app.get('/ready', ready())
   * process.once('SIGTERM', () => app.close({ drain: 3000 }))
   */
  async close(options: CloseOptions = {}): Promise<void> {
    const { timeout = 10_000, drain = 0 } = options
    if (!Number.isInteger(drain) || drain < 0) configError(`close({ drain }) takes a whole number of ms from 0 up, got ${String(drain)}`)
    this.#closing = true
    if (drain > 0) await new Promise((resolve) => setTimeout(resolve, drain))
    // open sockets close with 1001 while in-flight HTTP requests finish, all within the one timeout
    await Promise.all([...[...this.#servers].map((server) => closeServer(server, timeout)), this.#hub?.close(timeout)])
  }

  static {
    tableOf = (app) => app.#build().table
  }

  #build(): Dispatcher {
    return (this.#dispatcher ??= new Dispatcher(this[routerState], {
      routing: this.#options.routing,
      context: {
        bodyLimit: this.#options.bodyLimit, sessions: this.#sessions, trustProxy: this.#options.trustProxy, maxQueryKeys: this.#options.maxQueryKeys,
        closing: () => this.#closing,
      },
      logger: this.#options.logger,
      tracer: this.#tracer,
      onError: () => this.#onError,
      notFound: () => this.#notFound,
      errors: this.#options.errors,
      etag: this.#options.etag,
    }))
  }
}

/** Adds `port` and `url` to a listening server, read once: a server's address does not change while it listens. */
function withAddress(server: Server): ListeningServer {
  const { address, port, family } = server.address() as AddressInfo
  const host = family === 'IPv6' ? `[${address}]` : address
  return Object.defineProperties(server, {
    port: { value: port, enumerable: true },
    url: { value: `http://${host}:${port}`, enumerable: true },
  }) as ListeningServer
}

/**
 * Creates an app: the root router plus its entry points (`listen`, `handler`, `request`, `fetch`).
 * @example
 * const app = createApp()
 * app.get('/', () => 'ok')
 * const server = await app.listen({ port: 3000 })
 */
export function createApp<Ctx extends object = {}>(options?: AppOptions): App<Ctx> {
  return new App<Ctx>(options)
}
