import type { Next, Step } from '../core/step.js'
import { configError } from '../errors.js'
import { HttpError } from '../http/http-error.js'
import type { Reply } from '../http/reply.js'
import type { RouteRequest } from '../http/route-request.js'
import { copyAdded, mountedUrl, stateOf, type ConnectState } from './connect-state.js'
import { playThrough, replyOf } from './play-through.js'
import { SessionView } from './session-view.js'

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

/** An error a middleware passed to `next(err)`: one with an HTTP status (`http-errors`, body-parser) keeps it. */
function fromNextError(error: unknown): unknown {
  if (typeof error !== 'object' || error === null || error instanceof HttpError) return error
  const { status, statusCode, expose, message } = error as { status?: unknown; statusCode?: unknown; expose?: unknown; message?: unknown }
  const code = typeof status === 'number' ? status : statusCode
  if (typeof code !== 'number' || !Number.isInteger(code) || code < 400 || code > 599) return error
  const shown = typeof message === 'string' && message !== '' && expose !== false && code < 500 ? message : undefined
  return new HttpError(code, shown, { cause: error })
}

const HANDED_ON = Symbol('handed on')
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
