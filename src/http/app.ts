import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { resolveOptions, type AppOptions, type ServerTimeouts } from './app-options.js'
import { compose, NoResponseError, type AnyStep, type Chain } from '../core/chain.js'
import { configError, HttpError } from '../errors.js'
import { errorReply, type ErrorHandler } from './error-reply.js'
import type { Logger } from '../util/logger.js'
import { Reply, text, toReply } from './reply.js'
import { IncomingRequest, type RequestContext, type RouteRequest } from './request.js'
import { SessionPhase } from '../session/phase.js'
import { allowedReply, formatRoutes, MALFORMED, RouteTable, type CompiledRoute, type RouteEntry, type RoutingOptions } from '../core/route-table.js'
import { Router, routerState } from '../core/router.js'
import { repeatsHost } from './request-checks.js'
import { closeServer, startServer } from './node-server.js'
import { discardBody, sendReply, sendValue } from './node-send.js'
import type { Step } from '../core/step.js'
import { isThenable } from '../util/thenable.js'
import { Tracer } from './trace.js'

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
}

function noNote(): void {}

const MISS: CompiledRoute = { chain: undefined, path: '(no route)', steps: [] }

/**
 * An app: the root {@link Router} plus the server side. Its `use` steps run before every route, and before
 * the 404, 405 and OPTIONS answers.
 */
export class App<Ctx extends object = {}> extends Router<Ctx> {
  readonly #logger: Logger
  readonly #context: RequestContext
  readonly #routing: RoutingOptions
  readonly #timeouts: ServerTimeouts
  readonly #tracer: Tracer | undefined
  readonly #servers = new Set<Server>()
  #table: RouteTable | undefined
  #missChain: Chain | undefined
  #onError: ErrorHandler | undefined
  #notFound: AnyStep = () => text('Not Found', { status: 404 })
  #closing = false

  constructor(options: AppOptions = {}) {
    super()
    this[routerState].isApp = true
    const resolved = resolveOptions(options)
    this.#logger = resolved.logger
    this.#routing = resolved.routing
    this.#timeouts = resolved.timeouts
    if (resolved.trace !== undefined) {
      this.#tracer = new Tracer(resolved.trace, (error) => resolved.logger.error('the trace sink threw; tracing stops', error))
    }
    const tracer = this.#tracer
    const sessions = options.session === undefined
      ? undefined
      : new SessionPhase(options.session, resolved.logger, tracer === undefined ? noNote : (req, text) => tracer.note(req, text))
    this.#context = { bodyLimit: resolved.bodyLimit, sessions, trustProxy: resolved.trustProxy }
  }

  /**
   * Adds steps that run before every route, and before the 404, 405 and OPTIONS answers. Returns the app,
   * typed with what the steps add: `const app = createApp().use(authenticate)` types `req.user` everywhere.
   */
  override use<A1 extends object = {}>(s1: Step<RouteRequest & Ctx, A1>): App<Ctx & A1>
  override use<A1 extends object = {}, A2 extends object = {}>(
    s1: Step<RouteRequest & Ctx, A1>, s2: Step<RouteRequest & Ctx & NoInfer<A1>, A2>,
  ): App<Ctx & A1 & A2>
  override use<A1 extends object = {}, A2 extends object = {}, A3 extends object = {}>(
    s1: Step<RouteRequest & Ctx, A1>, s2: Step<RouteRequest & Ctx & NoInfer<A1>, A2>,
    s3: Step<RouteRequest & Ctx & NoInfer<A1 & A2>, A3>,
  ): App<Ctx & A1 & A2 & A3>
  override use(...steps: Step<RouteRequest & Ctx>[]): this
  override use(...steps: unknown[]): unknown {
    return super.use(...(steps as [never]))
  }

  /**
   * Sets the error handler. It runs for every error response: a step that threw or returned an error, a chain
   * that answered nothing, a value that cannot be sent. Return a response, or `undefined` for the default one.
   */
  onError(handler: ErrorHandler): this {
    if (typeof handler !== 'function') configError('onError() takes a function (error, req) => response | undefined')
    this.#onError = handler
    return this
  }

  /** Sets what answers a request no route matches. @default a 404 "Not Found" text reply */
  notFound(step: Step): this {
    if (typeof step !== 'function') configError('notFound() takes a step: (req) => response')
    this.#notFound = step as AnyStep
    return this
  }

  /** Every route: method, full path and step names; each router's own routes, then those of its mounts. */
  routes(): RouteEntry[] {
    return this.#build().entries()
  }

  /** Logs the routes as a table (through `logger.info`) and returns it. */
  printRoutes(): string {
    const table = formatRoutes(this.routes())
    this.#logger.info(table)
    return table
  }

  /**
   * A `(req, res)` function for any `node:http` or `node:https` server. Reading it builds the route table,
   * so misconfigured routes throw here, and routes can no longer be added.
   */
  get handler(): (req: IncomingMessage, res: ServerResponse) => void {
    this.#build()
    return this.#handle
  }

  /**
   * Builds the route table and listens. Resolves to the `node:http` server once it accepts connections.
   * @example const server = await app.listen({ port: 3000, host: '127.0.0.1' })
   */
  async listen(options: ListenOptions = {}): Promise<Server> {
    const { port = 0, host = '127.0.0.1' } = options
    const server = await startServer(this.handler, this.#timeouts, port, host)
    this.#closing = false
    this.#servers.add(server)
    server.once('close', () => this.#servers.delete(server))
    return server
  }

  /** The port of the first server started by {@link App.listen}, handy after listening on port 0. */
  get port(): number | undefined {
    for (const server of this.#servers) return (server.address() as AddressInfo | null)?.port
    return undefined
  }

  /**
   * Stops accepting connections, lets in-flight requests finish (their connections then close), closes idle
   * keep-alive connections, and cuts whatever is still open after `timeout`.
   */
  async close(options: CloseOptions = {}): Promise<void> {
    const { timeout = 10_000 } = options
    this.#closing = true
    await Promise.all([...this.#servers].map((server) => closeServer(server, timeout)))
  }

  #build(): RouteTable {
    if (this.#table !== undefined) return this.#table
    this.#table = new RouteTable(this[routerState], this.#routing, this.#composeRoute)
    const missStep: AnyStep = (req: IncomingRequest) => req.allow === undefined ? (this.#notFound as (r: RouteRequest) => unknown)(req) : allowedReply(req.method, req.allow)
    this.#missChain = this.#composeRoute({ ...MISS, steps: [...this[routerState].uses, missStep] })
    return this.#table
  }

  readonly #composeRoute = (route: CompiledRoute): Chain => {
    const steps = this.#tracer === undefined ? route.steps : this.#tracer.wrap(route.steps)
    return compose(steps, { onRestError: (error, req) => this.#errorReply(req as IncomingRequest, route, error) })
  }

  #errorReply(req: IncomingRequest, route: CompiledRoute, error: unknown): Promise<Reply> {
    return errorReply(req, route, error, this.#onError, this.#logger)
  }

  // hot path: one lookup, one request object, then the chain; promises only if a step returns one
  readonly #handle = (raw: IncomingMessage, res: ServerResponse): void => {
    if (this.#closing) res.shouldKeepAlive = false
    if (repeatsHost(raw.rawHeaders)) {
      this.#reject(res, 'more than one Host header')
      return
    }
    const table = this.#table as RouteTable
    const url = raw.url as string
    const found = url === '*' ? null : table.find(raw.method as string, url)
    if (found === null || found === MALFORMED) {
      this.#miss(raw, res, found === MALFORMED ? MALFORMED : table.allowed(url))
      return
    }
    const route = found.store
    const req = new IncomingRequest(raw, res, found.params, found.searchParams, this.#context)
    this.#run(req, res, route, route.chain ?? table.chainOf(route))
  }

  #miss(raw: IncomingMessage, res: ServerResponse, allowed: string[] | typeof MALFORMED): void {
    if (allowed === MALFORMED) {
      this.#reject(res, 'malformed URL')
      return
    }
    const url = raw.url as string
    const query = url.indexOf('?')
    const req = new IncomingRequest(raw, res, {}, query === -1 ? '' : url.slice(query + 1), this.#context)
    if (allowed.length > 0) req.allow = allowed
    this.#run(req, res, MISS, this.#missChain as Chain)
  }

  // a request refused before any step runs: 400, and the connection is not kept, as after a parse error
  #reject(res: ServerResponse, reason: string): void {
    res.shouldKeepAlive = false
    sendReply(res, text(`Bad Request: ${reason}`, { status: 400 }), this.#streamFailed)
  }

  #run(req: IncomingRequest, res: ServerResponse, route: CompiledRoute, chain: Chain): void {
    this.#tracer?.begin(req, req.method, req.url, route.path)
    let out: unknown
    try {
      out = chain(req)
    } catch (error) {
      void this.#fail(req, res, route, error)
      return
    }
    if (isThenable(out)) {
      Promise.resolve(out).then((value) => this.#respond(req, res, route, value), (error: unknown) => this.#fail(req, res, route, error))
    } else {
      this.#respond(req, res, route, out)
    }
  }

  #respond(req: IncomingRequest, res: ServerResponse, route: CompiledRoute, value: unknown): void {
    if (value === undefined) {
      void this.#fail(req, res, route, new NoResponseError())
      return
    }
    if (req.sessionSlot !== undefined && (this.#context.sessions as SessionPhase).needsCommit(req)) {
      void this.#respondWithSession(req, res, route, value)
      return
    }
    try {
      sendValue(res, value, this.#streamFailed)
    } catch (error) {
      void this.#fail(req, res, route, error)
      return
    }
    this.#tracer?.end(req, res.statusCode)
  }

  // the session is saved before the headers go out, whatever the reply: data, stream, redirect or error
  async #respondWithSession(req: IncomingRequest, res: ServerResponse, route: CompiledRoute, value: unknown): Promise<void> {
    let reply: Reply
    try {
      reply = toReply(value)
    } catch (error) {
      await this.#fail(req, res, route, error)
      return
    }
    try {
      reply = await (this.#context.sessions as SessionPhase).commit(req, reply)
    } catch (error) {
      discardBody(reply.body) // the body will not go out: a stream must not be left open
      await this.#fail(req, res, route, error)
      return
    }
    try {
      sendReply(res, reply, this.#streamFailed)
    } catch (error) {
      await this.#fail(req, res, route, error)
      return
    }
    this.#tracer?.end(req, res.statusCode)
  }

  async #fail(req: IncomingRequest, res: ServerResponse, route: CompiledRoute, error: unknown): Promise<void> {
    if (res.headersSent) {
      this.#logger.error(`${req.method} ${route.path}: failed after the response started; connection closed.`, error)
      res.destroy()
      return
    }
    let reply = await this.#errorReply(req, route, error)
    // a thrown HttpError is an answer (a redirect, a 404) and keeps the session's changes; a crash does not
    if (req.sessionSlot !== undefined && !req.sessionSlot.committed && error instanceof HttpError) {
      try {
        reply = await (this.#context.sessions as SessionPhase).commit(req, reply)
      } catch (sessionError) {
        reply = await this.#errorReply(req, route, sessionError)
      }
    }
    // a writeHead that threw has already set statusMessage (e.g. "OK"); let the error status bring its own
    res.statusMessage = ''
    try {
      sendReply(res, reply, this.#streamFailed)
    } catch (sendError) {
      this.#logger.error(`${req.method} ${route.path}: the error response could not be sent`, sendError)
      res.statusMessage = ''
      sendReply(res, text('Internal Server Error', { status: 500 }), this.#streamFailed)
    }
    this.#tracer?.end(req, res.statusCode)
  }

  readonly #streamFailed = (error: Error): void => {
    this.#logger.error('a streamed response failed after its headers were sent; connection closed.', error)
  }
}

/**
 * Creates an app: the root router plus the `node:http` side.
 * @example
 * const app = createApp()
 * app.get('/', () => 'ok')
 * const server = await app.listen({ port: 3000 })
 */
export function createApp<Ctx extends object = {}>(options?: AppOptions): App<Ctx> {
  return new App<Ctx>(options)
}
