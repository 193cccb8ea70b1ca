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

  // a step's next() when nothing can reject unseen: the server's chains turn every error into a reply
  const restCanReject = options.onRestError === undefined

  function runRest(req: object, start: number): Promise<unknown> {
    // an onion step first (the common case in an onion chain): one `.then` both finishes it and settles its answer
    if (onion[start] === true) return runOnionRest(req, start)
    let out: unknown
    try {
      out = runFrom(req, start)
    } catch (error) {
      out = Promise.reject(error)
    }
    if (!isThenable(out)) return Promise.resolve(settleRest(req, out))
    return unseen(Promise.resolve(out).then((value) => settleRest(req, value), (error: unknown) => onRestError(error, req)))
  }

  /** A rest the step may never await: a rejection of it must still reach whoever does, and only them. */
  function unseen(rest: Promise<unknown>): Promise<unknown> {
    if (restCanReject) rest.catch(ignore)
    return rest
  }

  /** Calls an onion step with a `next` of its own, recording in `call` what the step does with it. */
  function callOnion(req: object, index: number, call: OnionCall): unknown {
    const step = callables[index] as Callable
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
    return step(req, next)
  }

  /** An onion step where the chain's answer is wanted as it is (the chain's first step, or after plain ones). */
  function runOnion(req: object, index: number): unknown {
    const call: OnionCall = { rest: undefined, calls: 0, settled: false }
    const out = callOnion(req, index, call)
    if (!isThenable(out)) {
      call.settled = true
      // a step that returned nothing passes on what the rest answered, or lets the steps after it run
      return out !== undefined ? out : (call.rest ?? runFrom(req, index + 1))
    }
    return Promise.resolve(out).then(
      (value) => {
        call.settled = true
        return value !== undefined ? value : (call.rest ?? runFrom(req, index + 1))
      },
      (error: unknown) => {
        call.settled = true
        throw error
      },
    )
  }

  /** An onion step as the rest of another's `next()`: its answer settled, its errors turned by onRestError. */
  function runOnionRest(req: object, index: number): Promise<unknown> {
    const call: OnionCall = { rest: undefined, calls: 0, settled: false }
    let out: unknown
    try {
      out = callOnion(req, index, call)
    } catch (error) {
      call.settled = true
      return unseen(Promise.reject(error).catch((e: unknown) => onRestError(e, req)))
    }
    if (!isThenable(out)) {
      call.settled = true
      if (out !== undefined) return Promise.resolve(settleRest(req, out))
      return call.rest ?? runRest(req, index + 1)
    }
    return unseen(Promise.resolve(out).then(
      (value) => {
        call.settled = true
        // call.rest is settled already; what the step answered itself is settled here
        if (value !== undefined) return settleRest(req, value)
        return call.rest ?? runRest(req, index + 1)
      },
      (error: unknown) => {
        call.settled = true
        return onRestError(error, req)
      },
    ))
  }

  return (req) => runFrom(req, 0)
}
