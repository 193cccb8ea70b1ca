import { checkByteLimit } from '../errors.js'
import type { Reply } from '../http/reply.js'
import type { RouteRequest } from '../http/route-request.js'

/**
 * Runs the rest of the chain and resolves to its response: what the client would get, an error's response
 * included (its `error` field then holds the error). Calling it twice, or after the step has answered, throws.
 */
export type Next = () => Promise<Reply>

declare const adds: unique symbol

/**
 * A step in a chain: called as `step(req, next)`, it returns a response, `undefined` to let the chain go on,
 * or a promise of either. `Adds` names what the step puts on the request for the steps after it;
 * declare it with {@link defineStep}.
 */
export interface Step<Req = RouteRequest, Adds extends object = {}> {
  (req: Req & Partial<NoInfer<Adds>>, next: Next): unknown
  /** Type-level only: what this step adds to the request. Never present at run time. */
  readonly [adds]?: Adds
}

/**
 * Declares a step that adds fields to the request, so the steps after it see them typed.
 * `Needs` names what it expects earlier steps to have added.
 *
 * @example
 * const authenticate = defineStep<{ user: User }>((req) => {
 *   if (req.headers.authorization !== 'Bearer t') return text('unauthenticated', { status: 401 })
 *   req.user = { name: 'alice', permissions: ['post:read'] }
 * })
 * router.get('/me', authenticate, (req) => req.user.name)   // req.user: User
 */
export function defineStep<Adds extends object, Needs extends object = {}>(
  step: (req: RouteRequest & Needs & Partial<Adds>, next: Next) => unknown,
): Step<RouteRequest & Needs, Adds> {
  return step as Step<RouteRequest & Needs, Adds>
}

/**
 * A step that sets the largest body the readers accept for the steps after it (413 beyond it).
 * @example router.post('/upload', bodyLimit(10 * 1024 * 1024), upload)
 */
export function bodyLimit(bytes: number): Step {
  checkByteLimit('bodyLimit()', bytes)
  return function bodyLimit(req) {
    req.bodyLimit = bytes
  }
}
