import { IncomingMessage, type OutgoingHttpHeaders } from 'node:http'
import type { Next, Step } from '../core/step.js'
import { configError } from '../errors.js'
import { HttpError } from '../http/http-error.js'
import { noBodyAllowed, Reply } from '../http/reply.js'
import type { RouteRequest } from '../http/route-request.js'
import { toReadable } from '../http/stream-body.js'
import { ConnectResponse } from './connect-response.js'
import { SessionView } from './session-view.js'
import { WebIncoming } from './web-incoming.js'

/**
 * An Express/connect middleware: `(req, res, next)`. Its parameter types are left open because every package
 * types them its own way (Express's `Request`, node's `IncomingMessage`, a structural subset).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ConnectMiddleware = (req: any, res: any, next: (error?: any) => void) => unknown

/** Options for {@link fromConnect}. */
export interface FromConnectOptions {
  /**
   * Give the middleware `req.session` the way `express-session` does, backed by routechain's session (which
   * must be set up in `createApp({ session })`): what passport's login and `passport.session()` need. The
   * session is loaded before the middleware runs, so leave this off for middleware that does not use it.
   * @default false
   */
  session?: boolean
}

/** What every `fromConnect()` step of one request shares, so the middleware see one `req` and one `res`. */
interface ConnectState {
  readonly req: ConnectIncoming
  readonly res: ConnectResponse
  /** The fields a request of this kind has before any middleware ran: any other is what middleware added. */
  readonly baseline: Baseline
  /** Called when the response head goes out: set while a middleware runs, or while a reply plays through. */
  onHead: (() => void) | undefined
  /** Whether a reply already went through `res` (a later fromConnect step, further out, leaves it alone). */
  played: boolean
  sessionView: SessionView | undefined
}

interface Baseline {
  readonly keys: ReadonlySet<string>
  /** How many there are: fields added later come after them in `Object.keys` order. */
  readonly count: number
}

type ConnectIncoming = (IncomingMessage | WebIncoming) & { url: string; originalUrl?: string; baseUrl?: string; session?: unknown }

const STATE: unique symbol = Symbol('routechain.connect')
const HANDED_ON = Symbol('handed on')
/** The fields of a fresh request, per kind (node's IncomingMessage, WebIncoming): the same for every request of it. */
const baselines = new WeakMap<object, Baseline>()

type Holder = RouteRequest & { [STATE]?: ConnectState }

function baselineOf(incoming: ConnectIncoming): Baseline {
  const kind = incoming.constructor
  let baseline = baselines.get(kind)
  if (baseline === undefined) {
    const keys = Object.keys(incoming)
    baseline = { keys: new Set(keys), count: keys.length }
    baselines.set(kind, baseline)
  }
  return baseline
}

function stateOf(req: RouteRequest): ConnectState {
  const holder = req as Holder
  const known = holder[STATE]
  if (known !== undefined) return known
  const raw = req.raw
  const incoming = (raw instanceof IncomingMessage ? raw : new WebIncoming(raw, req.url, req.headers, req.ip, req.secure)) as ConnectIncoming
  const baseline = baselineOf(incoming)
  incoming.originalUrl ??= req.url
  const state: ConnectState = {
    req: incoming,
    res: new ConnectResponse(incoming as IncomingMessage, () => state.onHead?.()),
    baseline,
    onHead: undefined,
    played: false,
    sessionView: undefined,
  }
  holder[STATE] = state
  return state
}

/**
 * Under a wildcard route (`/static/*`), the middleware sees the URL below the wildcard's prefix, as Express
 * shows `app.use('/static', …)` middleware the URL below its mount point: `req.url` is `/app.css?v=1`,
 * `req.baseUrl` `/static`, `req.originalUrl` the whole URL. Elsewhere it sees the whole URL.
 */
function mountedUrl(req: RouteRequest): { url: string; base: string } | undefined {
  const route = req.route
  if (route === undefined || !route.endsWith('*')) return undefined
  // find-my-way's parameters never span a '/', so the prefix has as many segments in the pattern as in the path
  const slashes = route.split('/').length - 1
  const path = req.path
  let at = -1
  for (let i = 0; i < slashes; i++) {
    at = path.indexOf('/', at + 1)
    if (at === -1) return undefined
  }
  const query = req.url.indexOf('?')
  return { url: path.slice(at) + (query === -1 ? '' : req.url.slice(query)), base: path.slice(0, at) }
}

/** An error a middleware passed to `next(err)`: one with an HTTP status (`http-errors`, body-parser) keeps it. */
function fromNextError(error: unknown): unknown {
  if (typeof error !== 'object' || error === null || error instanceof HttpError) return error
  const { status, statusCode, expose, message } = error as { status?: unknown; statusCode?: unknown; expose?: unknown; message?: unknown }
  const code = typeof status === 'number' ? status : statusCode
  if (typeof code !== 'number' || !Number.isInteger(code) || code < 400 || code > 599) return error
  const shown = typeof message === 'string' && message !== '' && expose !== false && code < 500 ? message : undefined
  return new HttpError(code, shown, { cause: error })
}

/** The reply a response written into `res` becomes: its status and headers, and its body whole or as a stream. */
function replyOf(res: ConnectResponse, method: string): Reply {
  const headers = { ...res.getHeaders() }
  if (noBodyAllowed(res.statusCode) || method === 'HEAD') {
    res.output.resume()
    return new Reply(null, res.statusCode, headers)
  }
  return new Reply(res.ended ? res.takeBody() : res.output, res.statusCode, headers)
}

type Outcome = Reply | typeof HANDED_ON

/**
 * Runs the middleware: HANDED_ON when it called `next()`, or the reply it wrote itself; a promise of either
 * when it did not settle at once (helmet and cors call `next()` before they return, so they cost no promise).
 */
function runMiddleware(middleware: ConnectMiddleware, state: ConnectState, req: RouteRequest): Outcome | Promise<Outcome> {
  const incoming = state.req
  const res = state.res
  const mounted = mountedUrl(req)
  const url = incoming.url
  if (mounted !== undefined) {
    incoming.url = mounted.url
    incoming.baseUrl = mounted.base
  }
  let settled = false
  let result: Outcome | undefined
  let failure: unknown
  let resolve: ((outcome: Outcome) => void) | undefined
  let reject: ((error: unknown) => void) | undefined
  let gone: (() => void) | undefined
  const settle = (outcome: Outcome | undefined, error?: unknown): void => {
    if (settled) return
    settled = true
    state.onHead = undefined
    incoming.url = url
    state.sessionView?.settle()
    if (gone !== undefined) req.signal.removeEventListener('abort', gone)
    if (resolve === undefined) {
      result = outcome
      failure = error
    } else if (outcome === undefined) reject?.(error)
    else resolve(outcome)
  }
  let answered = false
  state.onHead = () => {
    answered = true
    state.played = true
    // a res.end(body) right after the head is part of the answer: take the reply once it has run
    queueMicrotask(() => settle(replyOf(res, req.method)))
  }
  const next = (error?: unknown): void => {
    if (answered) return
    // Express's next('route') and next('router') skip the rest of a router; here the chain just goes on
    if (error === undefined || error === null || error === 'route' || error === 'router') settle(HANDED_ON)
    else settle(undefined, fromNextError(error))
  }
  try {
    const value = middleware(incoming, res, next)
    // Express 5 takes a rejected promise from a middleware as next(error)
    if (value instanceof Promise) value.catch((error: unknown) => next(error ?? new Error('the middleware rejected')))
  } catch (error) {
    next(error)
  }
  if (settled) {
    if (result === undefined) throw failure
    return result
  }
  return new Promise<Outcome>((resolveOutcome, rejectOutcome) => {
    resolve = resolveOutcome
    reject = rejectOutcome
    // a middleware still holding the request when the client leaves: let it know through res, and stop waiting
    gone = () => {
      res.destroy()
      settle(undefined, req.signal.reason)
    }
    if (req.signal.aborted) gone()
    else req.signal.addEventListener('abort', gone, { once: true })
  })
}

/** Copies what the middleware added to its `req` (`req.user`, `req.file`) onto routechain's request. */
function copyAdded(state: ConnectState, req: RouteRequest): void {
  const source = state.req as unknown as Record<string, unknown>
  const keys = Object.keys(source)
  const { keys: baseline, count } = state.baseline
  if (keys.length <= count) return
  const target = req as unknown as Record<string, unknown>
  for (let i = count; i < keys.length; i++) {
    const key = keys[i] as string
    // '_' fields are a middleware's own bookkeeping (passport's _sessionManager, parseurl's _parsedUrl)
    if (baseline.has(key) || key.startsWith('_') || key === 'session' || key === 'originalUrl' || key === 'baseUrl') continue
    // routechain's own fields (url, params, session()…) stay routechain's
    if (key in target && !Object.hasOwn(target, key)) continue
    target[key] = source[key]
  }
}

/** The middleware's headers with the chain's over them (theirs win), cookies kept from both. */
function mergedHeaders(res: ConnectResponse, own: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {}
  res.eachHeader((name, value) => { headers[name] = value })
  const theirs = headers['set-cookie']
  for (const name of Object.keys(own)) headers[name] = own[name]
  const ours = own['set-cookie']
  if (theirs !== undefined && ours !== undefined) {
    headers['set-cookie'] = [...(Array.isArray(theirs) ? theirs : [String(theirs)]), ...(Array.isArray(ours) ? ours : [String(ours)])]
  }
  return headers
}

/** Whether the middleware hooked `res` (compression wraps write/end, morgan and on-finished listen for the end). */
function watched(res: ConnectResponse): boolean {
  return Object.hasOwn(res, 'writeHead') || Object.hasOwn(res, 'write') || Object.hasOwn(res, 'end') ||
    res.listenerCount('finish') > 0 || res.listenerCount('close') > 0 || res.listenerCount('prefinish') > 0
}

/**
 * The rest of the chain's answer, through the middleware's `res`: headers it set are added (the chain's own
 * win, cookies are kept from both), and when it hooked `res` the reply is written through it, as Express
 * would, so `compression` compresses it and `morgan` logs it.
 */
function playThrough(state: ConnectState, answer: Reply, method: string): Reply | Promise<Reply> {
  const res = state.res
  state.played = true
  if (!watched(res)) {
    if (res.headerCount === 0) return answer
    const merged = new Reply(answer.body, answer.status, mergedHeaders(res, answer.headers))
    merged.error = answer.error
    return merged
  }
  res.statusCode = answer.status
  for (const [name, value] of Object.entries(mergedHeaders(res, answer.headers))) if (value !== undefined) res.setHeader(name, value)
  const head = new Promise<Reply>((resolve) => {
    state.onHead = () => {
      state.onHead = undefined
      queueMicrotask(() => resolve(replyOf(res, method)))
    }
  })
  const body = answer.body
  if (body === null || noBodyAllowed(answer.status)) {
    res.end()
  } else if (typeof body === 'string' || body instanceof Uint8Array) {
    if (!res.hasHeader('content-length')) res.setHeader('Content-Length', typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength)
    res.end(body)
  } else {
    const source = toReadable(body)
    source.on('error', (error: Error) => res.destroy(error))
    source.pipe(res as unknown as NodeJS.WritableStream)
  }
  return head.then((reply) => {
    reply.error = answer.error
    return reply
  })
}

/**
 * Runs an Express/connect middleware `(req, res, next)` as a step. The middleware gets node's request (a
 * stand-in with the same fields and body stream under `app.fetch()` and `app.request()`) and a `res` whose
 * writes become routechain's reply:
 *
 * - it calls `next()`: the chain goes on; headers it set (helmet's, cors's) are added to the answer, and
 *   fields it added to `req` (`req.user`, `req.file`, `req.body`) are copied onto routechain's request;
 * - it calls `next(err)`: that is an error of the chain, as if the step threw it (an `err.status` of 4xx/5xx
 *   is kept);
 * - it answers (`res.end()`, a file from serve-static, a preflight): the chain ends with that answer.
 *
 * Middleware that hooks `res` (compression, morgan) sees the chain's answer written through it. Under a
 * wildcard route the middleware sees the URL below the wildcard's prefix, as under Express's `app.use(prefix)`.
 * Type what the middleware adds with `Adds`.
 *
 * @example
 * app.use(fromConnect(helmet()))
 * router.get('/static/*', fromConnect(serveStatic('public')))
 * router.post('/avatar', fromConnect<{ file?: Express.Multer.File }>(upload.single('avatar')), (req) => req.file?.size ?? 0)
 */
export function fromConnect<Adds extends object = {}>(middleware: ConnectMiddleware, options: FromConnectOptions = {}): Step<RouteRequest, Adds> {
  if (typeof middleware !== 'function') configError(`fromConnect() takes an Express/connect middleware (req, res, next), got ${typeof middleware}`)
  if (middleware.length === 4) {
    configError('fromConnect() was given an Express error handler (err, req, res, next): routechain answers errors with app.onError((error, req) => …)')
  }
  const withSession = options.session === true
  const after = (outcome: Outcome, state: ConnectState, req: RouteRequest, next: Next): unknown => {
    if (outcome !== HANDED_ON) return outcome
    copyAdded(state, req)
    return next().then((answer) => (state.played ? answer : playThrough(state, answer, req.method)))
  }
  const run = (state: ConnectState, req: RouteRequest, next: Next): unknown => {
    const outcome = runMiddleware(middleware, state, req)
    return outcome instanceof Promise ? outcome.then((settled) => after(settled, state, req, next)) : after(outcome, state, req, next)
  }
  const step = (req: RouteRequest, next: Next): unknown => {
    const state = stateOf(req)
    if (!withSession || state.sessionView !== undefined) return run(state, req, next)
    return req.session().then((session) => {
      state.sessionView = new SessionView(session, { fresh: () => req.newSession(), set session(value: unknown) { state.req.session = value } })
      return run(state, req, next)
    })
  }
  Object.defineProperty(step, 'name', { value: middleware.name === '' ? 'connect middleware' : middleware.name, configurable: true })
  return step as Step<RouteRequest, Adds>
}
