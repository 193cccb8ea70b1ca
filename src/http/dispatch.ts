import { compose, type AnyStep, type Chain } from '../core/chain.js'
import { MALFORMED, RouteTable, type CompiledRoute, type RoutingOptions } from '../core/route-table.js'
import { metaOf, runs } from '../core/step-meta.js'
import type { RouterState } from '../core/router.js'
import type { Logger } from '../util/logger.js'
import { isThenable } from '../util/thenable.js'
import { allowedReply } from './allowed-reply.js'
import { observeRequest, observeSteps, requestAnswered, requestChannel, requestFailed, stepChannel } from './channels.js'
import { errorReply, type ErrorHandler } from './error-reply.js'
import { HttpError, NoResponseError } from './http-error.js'
import { errorAnswer, type ErrorFormat } from './problem.js'
import { discardBody, Reply, toReply } from './reply.js'
import type { RequestBase, RequestContext } from './request-base.js'
import type { AnyParams } from './route-request.js'
import type { Tracer } from './trace.js'

/**
 * What a transport (node:http, the fetch handler) gives the dispatcher: how to read its request, how to build
 * a routechain request from it, and how to answer. `In` is its incoming request, `Out` where the answer goes.
 */
export interface Transport<In, Out> {
  /** The request method and target (path and query string). */
  method(source: In): string
  target(source: In): string
  createRequest(source: In, out: Out, params: AnyParams, querystring: string, route: string | undefined, context: RequestContext): RequestBase
  /** Sends a step's value (a Reply or anything toReply takes) with a session cookie to add, if any. May throw. */
  send(out: Out, req: RequestBase, value: unknown, cookie: string | undefined): void
  /** Sends an error response; the same as `send` but for what a failed earlier attempt may have left behind. */
  sendError(out: Out, req: RequestBase, reply: Reply, cookie: string | undefined): void
  /** Answers a request refused before any step runs, such as one with a malformed URL. */
  refuse(out: Out, reply: Reply): void
  /** Whether the response has started going out, after which an error can no longer be answered. */
  started(out: Out): boolean
  /** Cuts a response that failed after it started. */
  abort(out: Out): void
  /** The status that went out. */
  status(out: Out): number
  /** Whether `send` takes this value as it is rather than as a response (the upgrade transport's handshake). */
  takesAsIs?(value: unknown): boolean
}

/** What a dispatcher needs of the app: its settings and handlers, checked and resolved. */
export interface DispatchSettings {
  readonly routing: RoutingOptions
  readonly context: RequestContext
  readonly logger: Logger
  readonly tracer: Tracer | undefined
  readonly onError: () => ErrorHandler | undefined
  readonly notFound: () => AnyStep
  readonly errors: ErrorFormat
  /** Whether 200 answers to GET and HEAD get an ETag (and 304s): the transports ask. */
  readonly etag: boolean
}

const MISS_PATH = '(no route)'
const ALLOW: unique symbol = Symbol('routechain.allow')

/** What a request no route matched learns for its 405, 426 or OPTIONS answer: its lookup method, and the path's. */
interface Allowed {
  readonly method: string
  readonly methods: readonly string[]
  /** For a CORS preflight: the `cors()` step of the route the preflight asks about, which answers it. */
  readonly preflight?: AnyStep | undefined
}

/** The `kind` of the metadata a `cors()` step carries, so a preflight can find the step of the route it asks about. */
export const CORS_KIND = 'routechain.cors'

/**
 * The HTTP methods the request's path serves, for a request no route matched (an OPTIONS preflight among
 * them); `undefined` when a route matched it.
 */
export function pathMethods(req: object): readonly string[] | undefined {
  return (req as { [ALLOW]?: Allowed })[ALLOW]?.methods.filter((method) => method !== 'WS')
}

function noNext(): Promise<never> {
  return Promise.reject(new Error('a preflight answer cannot call next()'))
}

function toNextResult(value: unknown): Reply {
  if (value === undefined) throw new NoResponseError()
  return toReply(value)
}

/**
 * The one place a request is served, whatever the transport: lookup → request → chain → reply → session
 * commit → response. It knows nothing of node:http; each transport is a thin {@link Transport} on it.
 */
export class Dispatcher {
  readonly #table: RouteTable
  readonly #miss: CompiledRoute
  readonly #settings: DispatchSettings
  readonly #context: RequestContext

  constructor(root: RouterState, settings: DispatchSettings) {
    this.#settings = settings
    this.#context = settings.context
    this.#table = new RouteTable(root, settings.routing, this.#composeRoute)
    const notFound: AnyStep = function notFound(req: RequestBase) {
      const allow = (req as RequestBase & { [ALLOW]?: Allowed })[ALLOW]
      if (allow === undefined) return (settings.notFound() as (r: RequestBase) => unknown)(req)
      // a preflight about a route with a cors() step: that step answers it, before any of the route's other steps
      if (allow.preflight !== undefined) return (allow.preflight as (r: RequestBase, next: () => Promise<never>) => unknown)(req, noNext)
      return allowedReply(allow.method, allow.methods, settings.errors)
    }
    this.#miss = { path: MISS_PATH, steps: [...root.uses, notFound], chain: undefined, observed: undefined }
  }

  /**
   * One of routechain's own error answers, in the app's format (`createApp({ errors })`): for what the
   * transports refuse before any step runs.
   */
  answer(status: number, detail?: string): Reply {
    return errorAnswer(this.#settings.errors, status, detail)
  }

  /** Whether 200 answers to GET and HEAD get a strong ETag, and 304 when it matches. */
  get etag(): boolean {
    return this.#settings.etag
  }

  /** The route table, for `app.routes()`. */
  get table(): RouteTable {
    return this.#table
  }

  /** Serves one request from `source`, answering into `out`. Never throws. */
  dispatch<In, Out>(transport: Transport<In, Out>, source: In, out: Out): void {
    const table = this.#table
    const url = transport.target(source)
    const method = transport.method(source)
    const found = url === '*' ? null : table.find(method, url)
    if (found === MALFORMED) return this.#refuse(transport, out)
    if (found === null) return this.#serveMiss(transport, source, out, url, method)
    const route = found.store
    const req = transport.createRequest(source, out, found.params, found.searchParams, route.path, this.#context)
    this.#start(transport, out, req, route)
  }

  #serveMiss<In, Out>(transport: Transport<In, Out>, source: In, out: Out, url: string, method: string): void {
    const allowed = this.#table.allowed(url)
    if (allowed === MALFORMED) return this.#refuse(transport, out)
    const query = url.indexOf('?')
    const req = transport.createRequest(source, out, {}, query === -1 ? '' : url.slice(query + 1), undefined, this.#context)
    if (allowed.length > 0) {
      const preflight = method === 'OPTIONS' ? this.#corsStepFor(url, req.headers['access-control-request-method']) : undefined
      ;(req as RequestBase & { [ALLOW]?: Allowed })[ALLOW] = { method, methods: allowed, preflight }
    }
    this.#start(transport, out, req, this.#miss)
  }

  /** The cors() step of the route a preflight asks about (`requested` is its Access-Control-Request-Method). */
  #corsStepFor(url: string, requested: string | string[] | undefined): AnyStep | undefined {
    if (typeof requested !== 'string') return undefined
    const found = this.#table.find(requested.toUpperCase(), url)
    if (found === null || found === MALFORMED) return undefined
    return found.store.steps.find((step) => metaOf(step)?.kind === CORS_KIND)
  }

  #refuse<Out>(transport: Transport<unknown, Out>, out: Out): void {
    transport.refuse(out, this.answer(400, 'malformed URL'))
  }

  // hot path: with nobody observing, one check per channel and straight on to the chain
  #start<Out>(transport: Transport<unknown, Out>, out: Out, req: RequestBase, route: CompiledRoute): void {
    const chain = stepChannel.hasSubscribers ? this.#table.observedChainOf(route) : route.chain ?? this.#table.chainOf(route)
    if (requestChannel.hasSubscribers) observeRequest(req, () => this.#run(transport, out, req, route, chain))
    else this.#run(transport, out, req, route, chain)
  }

  readonly #composeRoute = (route: CompiledRoute, observed: boolean): Chain => {
    const tracer = this.#settings.tracer
    // metadata-only steps (describe()) document the route and never run
    const running = route.steps.filter(runs)
    const traced = tracer === undefined ? running : tracer.wrap(running)
    const steps = observed ? observeSteps(traced, route === this.#miss ? undefined : route.path) : traced
    return compose(steps, { settle: toNextResult, onRestError: (error, req) => this.#errorReply(req as RequestBase, route, error) })
  }

  #errorReply(req: RequestBase, route: CompiledRoute, error: unknown): Promise<Reply> {
    return errorReply(req, route, error, this.#settings.onError(), this.#settings.logger, this.#settings.errors)
  }

  #run<Out>(transport: Transport<unknown, Out>, out: Out, req: RequestBase, route: CompiledRoute, chain: Chain): void {
    this.#settings.tracer?.begin(req, req.method, req.url, route.path)
    let value: unknown
    try {
      value = chain(req)
    } catch (error) {
      void this.#fail(transport, out, req, route, error)
      return
    }
    if (isThenable(value)) {
      Promise.resolve(value).then((v) => this.#respond(transport, out, req, route, v), (error: unknown) => this.#fail(transport, out, req, route, error))
    } else {
      this.#respond(transport, out, req, route, value)
    }
  }

  #respond<Out>(transport: Transport<unknown, Out>, out: Out, req: RequestBase, route: CompiledRoute, value: unknown): void {
    if (value === undefined) {
      void this.#fail(transport, out, req, route, new NoResponseError())
      return
    }
    const sessions = this.#context.sessions
    if (sessions !== undefined && sessions.needsCommit(req)) {
      void this.#respondWithSession(transport, out, req, route, value)
      return
    }
    this.#send(transport, out, req, route, value, undefined)
  }

  /** Sends the answer and finishes the request; a value that cannot be sent becomes an error response. */
  #send<Out>(transport: Transport<unknown, Out>, out: Out, req: RequestBase, route: CompiledRoute, answer: unknown, cookie: string | undefined): void {
    try {
      transport.send(out, req, answer, cookie)
    } catch (error) {
      void this.#fail(transport, out, req, route, error)
      return
    }
    this.#finish(transport, out, req, answer)
  }

  // the session is saved before the headers go out, whatever the answer: data, stream, redirect or error
  async #respondWithSession<Out>(transport: Transport<unknown, Out>, out: Out, req: RequestBase, route: CompiledRoute, value: unknown): Promise<void> {
    let answer = value
    try {
      // a value that cannot be sent fails before the session is saved, as a crash does not keep its changes
      if (typeof value !== 'string' && transport.takesAsIs?.(value) !== true) answer = toReply(value)
    } catch (error) {
      await this.#fail(transport, out, req, route, error)
      return
    }
    let cookie: string | undefined
    try {
      cookie = await this.#context.sessions?.commit(req)
    } catch (error) {
      if (answer instanceof Reply) discardBody(answer.body) // it will not go out: close a stream
      await this.#fail(transport, out, req, route, error)
      return
    }
    this.#send(transport, out, req, route, answer, cookie)
  }

  async #fail<Out>(transport: Transport<unknown, Out>, out: Out, req: RequestBase, route: CompiledRoute, error: unknown): Promise<void> {
    requestFailed(req, error)
    const logger = this.#settings.logger
    if (transport.started(out)) {
      logger.error(`${req.method} ${route.path}: failed after the response started; connection closed.`, error)
      transport.abort(out)
      this.#finish(transport, out, req)
      return
    }
    let reply = await this.#errorReply(req, route, error)
    let cookie: string | undefined
    // a thrown HttpError is an answer (a redirect, a 404) and keeps the session's changes; a crash does not
    const sessions = this.#context.sessions
    if (sessions !== undefined && sessions.isOpen(req) && error instanceof HttpError) {
      try {
        cookie = await sessions.commit(req)
      } catch (sessionError) {
        reply = await this.#errorReply(req, route, sessionError)
      }
    }
    try {
      transport.sendError(out, req, reply, cookie)
    } catch (sendError) {
      logger.error(`${req.method} ${route.path}: the error response could not be sent`, sendError)
      transport.sendError(out, req, this.answer(500), undefined)
    }
    this.#finish(transport, out, req)
  }

  #finish<Out>(transport: Transport<unknown, Out>, out: Out, req: RequestBase, answer?: unknown): void {
    const tracer = this.#settings.tracer
    if (tracer !== undefined) tracer.end(req, transport.status(out))
    if (requestChannel.hasSubscribers) {
      // an error answer that an onion step passed on (next() made it a reply) is a failure all the same
      if (answer instanceof Reply && answer.error !== undefined) requestFailed(req, answer.error)
      requestAnswered(req, transport.status(out))
    }
  }
}
