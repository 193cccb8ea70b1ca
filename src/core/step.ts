import { checkByteLimit, configError } from '../errors.js'
import type { Reply } from '../http/reply.js'
import type { RouteRequest } from '../http/route-request.js'

/**
 * Runs the rest of the chain and resolves to its response: what the client would get, an error's response
 * included (its `error` field then holds the error). Calling it twice, or after the step has answered, throws.
 */
export type Next = () => Promise<Reply>

/** The type-only key under which a step carries what it adds. */
export declare const adds: unique symbol

/** The request a step that adds `Adds` receives: the fields it adds are there to set, not yet to read. */
type StepRequest<Req, Adds extends object> = {} extends Adds ? Req : Req & Partial<NoInfer<Adds>>

/**
 * A step in a chain: called as `step(req, next)`, it returns a response, `undefined` to let the chain go on,
 * or a promise of either. `Adds` names what the step puts on the request for the steps after it;
 * declare it with {@link defineStep}. `Answer` is what it returns: a route's last step's answer is what the
 * typed client's `json()` resolves to.
 */
export interface Step<Req = RouteRequest, Adds extends object = {}, Answer = unknown> {
  (req: StepRequest<Req, Adds>, next: Next): Answer
  /** Type-level only: what this step adds to the request. Never present at run time. */
  readonly [adds]?: Adds
}

/**
 * What a step past the eighth of one call may add: nothing. A route or a `use()` call threads what its first
 * eight steps add into the steps after them; past eight, a step that adds fields is a type error rather than
 * additions silently lost. Split such a chain: a `use()` on a router, or a router mounted with its own steps.
 */
export type AtMostEightStepsAddFields = { readonly [field: string]: never }

/** A step that adds nothing to the request: what a call longer than eight steps takes. */
export interface StepAddingNothing<Req> {
  (req: Req, next: Next): unknown
  /** Type-level only: a step that adds fields does not fit here. */
  readonly [adds]?: AtMostEightStepsAddFields
}

/** The function a step runs, as {@link defineStep} takes it. */
type StepFunction<Adds extends object, Needs extends object> = (req: RouteRequest & Needs & Partial<Adds>, next: Next) => unknown

/**
 * Declares a step that adds fields to the request, so the steps after it see them typed. `Needs` names what
 * it expects earlier steps to have added. Give it a name, first or as the function's own, so `printRoutes()`,
 * traces, error logs and tracing spans can say which step it is; an arrow function alone is `anonymous`.
 *
 * @example
 * const authenticate = defineStep<{ user: User }>('authenticate', (req) => {
 *   if (req.headers.authorization !== 'Bearer t') return text('unauthenticated', { status: 401 })
 *   req.user = { name: 'alice', permissions: ['post:read'] }
 * })
 * router.get('/me', authenticate, (req) => req.user.name)   // req.user: User
 */
export function defineStep<Adds extends object, Needs extends object = {}>(name: string, step: StepFunction<Adds, Needs>): Step<RouteRequest & Needs, Adds>
export function defineStep<Adds extends object, Needs extends object = {}>(step: StepFunction<Adds, Needs>): Step<RouteRequest & Needs, Adds>
export function defineStep(nameOrStep: string | StepFunction<object, object>, maybeStep?: StepFunction<object, object>): unknown {
  if (typeof nameOrStep !== 'string') return nameOrStep
  if (nameOrStep === '') configError('defineStep(name, step): the name is empty; give the name printRoutes() and traces should show')
  if (typeof maybeStep !== 'function') configError(`defineStep("${nameOrStep}", step): the step must be a function`)
  // the name is what every trace and listing reads (Function#name); it is configurable on every function
  Object.defineProperty(maybeStep, 'name', { value: nameOrStep, configurable: true })
  return maybeStep
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
