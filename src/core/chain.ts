import { RoutechainError } from '../errors.js'
import { isThenable } from '../util/thenable.js'

/** A step as the chain runner sees it, before any typing of what it reads, adds or answers. */
export type AnyStep = (req: never, next: never) => unknown

/** A composed chain: runs the steps for one request and returns the response value, a promise of it, or `undefined`. */
export type Chain = (req: object) => unknown

/** Turns an error thrown by the rest of a chain into the response `next()` resolves to. */
export type RestErrorHandler = (error: unknown, req: object) => unknown

/**
 * How a chain treats `next()`. The server's chains settle the rest's answer into a Reply and its errors into
 * error replies; the HTTP client's middleware chains let `next(req)` pass a changed request on and run the
 * rest again (a retry), a bounded number of times.
 */
export interface ComposeOptions {
  /** Turns what the rest of the chain threw into what `next()` resolves to; without one, `next()` rejects. */
  onRestError?: RestErrorHandler
  /** Turns what the rest of the chain answered into what `next()` resolves to; it may throw. @default the value as it is */
  settle?: (value: unknown) => unknown
  /** How many times one step may call `next()`. @default 1 */
  nextLimit?: number
  /** Whether `next(req)` may hand the rest another request object; the server's steps share one. @default false */
  passRequest?: boolean
}

type Callable = (req: object, next?: (req?: object) => Promise<unknown>) => unknown

/** The name a step is shown by in traces, logs and `app.routes()`. */
export function stepName(step: AnyStep): string {
  return step.name === '' ? 'anonymous' : step.name
}

/**
 * Whether a step is called with `next`. Only a step written with exactly one parameter, `(req) => …`, cannot
 * reach it, so only those are run without allocating one; `(req, next)`, `(...args)` and `()` all get it.
 */
export function takesNext(step: AnyStep): boolean {
  return step.length !== 1
}

function asIs(value: unknown): unknown {
  return value
}

function rethrow(error: unknown): never {
  throw error
}

function ignore(): void {}

/** One call of an onion step: the last run of the rest it started, how many it started, and whether it has finished. */
interface OnionCall {
  rest: Promise<unknown> | undefined
  calls: number
  settled: boolean
}

/**
 * Composes steps into one chain, once per route. The chain rule: steps run in order; the first
 * non-`undefined` value is the response; a step that can take `next` gets it, and `next()` runs the rest
 * and resolves to what `settle` makes of its answer. `onRestError` turns what the rest throws into that
 * answer; without one, `next()` rejects with the error. With `passRequest`, `next(req)` runs the rest with another request object.
 */
export function compose(steps: readonly AnyStep[], options: ComposeOptions = {}): Chain {
  const { onRestError = rethrow, settle = asIs, nextLimit = 1, passRequest = false } = options
  const callables = steps as unknown as readonly Callable[]
  const count = callables.length
  const onion = steps.map(takesNext)

  function runFrom(req: object, start: number): unknown {
    // hot path: a plain loop while steps answer synchronously; a promise appears only when a step returns one
    for (let index = start; index < count; index++) {
      if (onion[index] === true) return runOnion(req, index)
      const out = (callables[index] as Callable)(req)
      if (out === undefined) continue
      return isThenable(out) ? continueAfter(req, out, index + 1) : out
    }
    return undefined
  }

  // Once a step has gone async, the rest runs in this one async function: awaiting each step here is
  // cheaper than chaining a `.then` per step, whose promises would each adopt the next.
  async function continueAfter(req: object, pending: PromiseLike<unknown>, start: number): Promise<unknown> {
    const first = await pending
    if (first !== undefined) return first
    for (let index = start; index < count; index++) {
      if (onion[index] === true) return await runOnion(req, index)
      let out = (callables[index] as Callable)(req)
      if (isThenable(out)) out = await out
      if (out !== undefined) return out
    }
    return undefined
  }

  function settleRest(req: object, value: unknown): unknown {
    try {
      return settle(value)
    } catch (error) {
      return onRestError(error, req)
    }
  }

  function runRest(req: object, start: number): Promise<unknown> {
    let out: unknown
    try {
      out = runFrom(req, start)
    } catch (error) {
      out = Promise.reject(error)
    }
    if (!isThenable(out)) return Promise.resolve(settleRest(req, out))
    const rest = Promise.resolve(out).then((value) => settleRest(req, value), (error: unknown) => onRestError(error, req))
    rest.catch(ignore) // the step may never await it; a rejection still reaches whoever does
    return rest
  }

  function runOnion(req: object, index: number): unknown {
    const step = callables[index] as Callable
    const call: OnionCall = { rest: undefined, calls: 0, settled: false }
    const next = (nextReq?: object): Promise<unknown> => {
      if (nextReq !== undefined && !passRequest) {
        throw new RoutechainError('ERR_ROUTECHAIN_NEXT', `next() takes no arguments in step "${stepName(step as AnyStep)}": change the request itself`)
      }
      if (call.calls >= nextLimit || call.settled) {
        const when = call.settled ? 'after the step had finished' : nextLimit === 1 ? 'twice' : `more than ${nextLimit} times`
        throw new RoutechainError('ERR_ROUTECHAIN_NEXT', `next() was called ${when} in step "${stepName(step as AnyStep)}"`)
      }
      call.calls++
      call.rest = runRest(nextReq ?? req, index + 1)
      return call.rest
    }
    const out = step(req, next)
    if (isThenable(out)) return settleOnion(req, index, call, out)
    call.settled = true
    if (out !== undefined) return out
    return call.rest ?? runFrom(req, index + 1)
  }

  async function settleOnion(req: object, index: number, call: OnionCall, pending: PromiseLike<unknown>): Promise<unknown> {
    let out: unknown
    try {
      out = await pending
    } finally {
      call.settled = true
    }
    if (out !== undefined) return out
    // a step that awaited next() and returned nothing passes on what the rest answered
    return await (call.rest ?? runFrom(req, index + 1))
  }

  return (req) => runFrom(req, 0)
}
