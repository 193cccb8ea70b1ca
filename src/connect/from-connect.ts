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
  /** The request's own fields before any middleware ran: anything else is what middleware added. */
  readonly baseline: ReadonlySet<string>
  /** Called when the response head goes out: set while a middleware runs, or while a reply plays through. */
  onHead: (() => void) | undefined
  /** Whether a reply already went through `res` (a later fromConnect step, further out, leaves it alone). */
  played: boolean
  sessionView: SessionView | undefined
}

type ConnectIncoming = (IncomingMessage | WebIncoming) & { url: string; originalUrl?: string; baseUrl?: string; session?: unknown }

const STATE: unique symbol = Symbol('routechain.connect')
const HANDED_ON = Symbol('handed on')

type Holder = RouteRequest & { [STATE]?: ConnectState }

function stateOf(req: RouteRequest): ConnectState {
  const holder = req as Holder
  const known = holder[STATE]
  if (known !== undefined) return known
  const raw = req.raw
  const incoming = (raw instanceof IncomingMessage ? raw : new WebIncoming(raw, req.url, req.headers, req.ip, req.secure)) as ConnectIncoming
  incoming.originalUrl ??= req.url
  const state: ConnectState = {
    req: incoming,
    res: new ConnectResponse(incoming as IncomingMessage, () => state.onHead?.()),
    baseline: new Set(Object.keys(incoming)),
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

/** Waits for the head `res` writes, once the current synchronous writes (a `res.end(body)` after it) are done. */
function headWritten(state: ConnectState, method: string): Promise<Reply> {
  return new Promise((resolve) => {
    state.onHead = () => {
      state.onHead = undefined
      state.played = true
      queueMicrotask(() => resolve(replyOf(state.res, method)))
    }
  })
}

/** Runs the middleware; resolves to HANDED_ON when it called `next()`, or to the reply it wrote itself. */
function runMiddleware(middleware: ConnectMiddleware, state: ConnectState, req: RouteRequest): Promise<Reply | typeof HANDED_ON> {
  const incoming = state.req
  const mounted = mountedUrl(req)
  const url = incoming.url
  if (mounted !== undefined) {
    incoming.url = mounted.url
    incoming.baseUrl = mounted.base
  }
  return new Promise<Reply | typeof HANDED_ON>((resolve, reject) => {
    let settled = false
    const settle = (): boolean => {
      if (settled) return false
      settled = true
      incoming.url = url
      state.sessionView?.settle()
      return true
    }
    const signal = req.signal
    const gone = (): void => {
      if (!settle()) return
      state.onHead = undefined
      state.res.destroy()
      reject(signal.reason)
    }
    const next = (error?: unknown): void => {
      if (!settle()) return
      signal.removeEventListener('abort', gone)
      state.onHead = undefined
      // Express's next('route') and next('router') skip the rest of a router; here the chain just goes on
      if (error === undefined || error === null || error === 'route' || error === 'router') resolve(HANDED_ON)
      else reject(fromNextError(error))
    }
    headWritten(state, req.method).then((reply) => {
      if (!settle()) return
      signal.removeEventListener('abort', gone)
      resolve(reply)
    }, reject)
    if (signal.aborted) return gone()
    signal.addEventListener('abort', gone, { once: true })
    try {
      const value = middleware(incoming, state.res, next)
      // Express 5 takes a rejected promise from a middleware as next(error)
      if (value instanceof Promise) value.catch((error: unknown) => next(error ?? new Error('the middleware rejected')))
    } catch (error) {
      next(error)
    }
  })
}

/** Copies what the middleware added to its `req` (`req.user`, `req.file`) onto routechain's request. */
function copyAdded(state: ConnectState, req: RouteRequest): void {
  const target = req as unknown as Record<string, unknown>
  const source = state.req as unknown as Record<string, unknown>
  for (const key of Object.keys(source)) {
    if (state.baseline.has(key) || key === 'session' || key === 'originalUrl' || key === 'baseUrl') continue
    // routechain's own fields (url, params, session()…) stay routechain's
    if (key in target && !Object.hasOwn(target, key)) continue
    target[key] = source[key]
  }
}

function mergedHeaders(given: OutgoingHttpHeaders, own: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = { ...given, ...own }
  const theirs = given['set-cookie']
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
async function playThrough(state: ConnectState, answer: Reply, method: string): Promise<Reply> {
  const res = state.res
  state.played = true
  if (!watched(res)) {
    const own = res.getHeaders()
    if (Object.keys(own).length === 0) return answer
    const merged = new Reply(answer.body, answer.status, mergedHeaders(own, answer.headers))
    merged.error = answer.error
    return merged
  }
  res.statusCode = answer.status
  for (const [name, value] of Object.entries(mergedHeaders(res.getHeaders(), answer.headers))) if (value !== undefined) res.setHeader(name, value)
  const head = headWritten(state, method)
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
  const reply = await head
  reply.error = answer.error
  return reply
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
  const step = async (req: RouteRequest, next: Next): Promise<unknown> => {
    const state = stateOf(req)
    if (withSession && state.sessionView === undefined) {
      state.sessionView = new SessionView(await req.session(), { fresh: () => req.newSession(), set session(value: unknown) { state.req.session = value } })
    }
    const outcome = await runMiddleware(middleware, state, req)
    if (outcome !== HANDED_ON) return outcome
    copyAdded(state, req)
    const answer = await next()
    return state.played ? answer : playThrough(state, answer, req.method)
  }
  Object.defineProperty(step, 'name', { value: middleware.name === '' ? 'connect middleware' : middleware.name, configurable: true })
  return step as Step<RouteRequest, Adds>
}
