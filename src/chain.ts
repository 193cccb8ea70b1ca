import { RoutechainError } from './errors.js'
import { toReply, type Reply } from './reply.js'

/** Runs the rest of the chain and resolves to its response. Calling it twice is an error. */
export type Next = () => Promise<Reply>

/** A step as the chain runner sees it, before any typing of what it reads or adds. */
export type AnyStep = (req: never, next: Next) => unknown

/** A composed chain: runs the steps for one request and returns the response value, a promise of it, or `undefined`. */
export type Chain = (req: object) => unknown

type Callable = (req: object, next?: Next) => unknown

/** The name a step is shown by in traces, logs and `app.routes()`. */
export function stepName(step: AnyStep): string {
  return step.name === '' ? 'anonymous' : step.name
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}

/** The error `next()` rejects with when the rest of the chain ended without answering. */
export class NoResponseError extends RoutechainError {
  constructor() {
    super('ERR_ROUTECHAIN_NO_RESPONSE', 'the chain ended without a response: every step returned undefined')
    this.name = 'NoResponseError'
  }
}

function toNextResult(value: unknown): Reply {
  if (value === undefined) throw new NoResponseError()
  return toReply(value)
}

function ignore(): void {}

/** Turns what the rest of a chain gave (a value, a promise, or a throw) into the promise `next()` returns. */
function toNextPromise(run: () => unknown): Promise<Reply> {
  let out: unknown
  try {
    out = run()
    if (!isThenable(out)) return Promise.resolve(toNextResult(out))
  } catch (error) {
    out = Promise.reject(error)
  }
  const rest = Promise.resolve(out).then(toNextResult)
  rest.catch(ignore) // the step may never await it; its rejection still reaches whoever does
  return rest
}

/** One call of an onion step: whether it has run the rest of the chain yet, and that run's promise. */
interface OnionCall {
  rest: Promise<Reply> | undefined
}

/**
 * Composes steps into one chain, once, at registration. The chain rule: steps run in order; the first
 * non-`undefined` value is the response; a step that declares a second parameter gets `next()`, which
 * runs the rest of the chain and resolves to its {@link Reply}.
 */
export function compose(steps: readonly AnyStep[]): Chain {
  const callables = steps as unknown as readonly Callable[]
  const count = callables.length
  // A step that declares no `next` parameter cannot call it, so it needs no closure and no promise.
  const onion = callables.map((step) => step.length >= 2)

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

  function runOnion(req: object, index: number): unknown {
    const step = callables[index] as Callable
    const call: OnionCall = { rest: undefined }
    const next: Next = () => {
      if (call.rest !== undefined) {
        throw new RoutechainError('ERR_ROUTECHAIN_NEXT_TWICE', `next() was called twice in step "${stepName(step)}"`)
      }
      call.rest = toNextPromise(() => runFrom(req, index + 1))
      return call.rest
    }
    const out = step(req, next)
    if (isThenable(out)) return settleOnion(req, index, call, out)
    if (out !== undefined) return out
    return call.rest ?? runFrom(req, index + 1)
  }

  async function settleOnion(req: object, index: number, call: OnionCall, pending: PromiseLike<unknown>): Promise<unknown> {
    const out = await pending
    if (out !== undefined) return out
    // a step that awaited next() and returned nothing passes on what the rest answered
    return await (call.rest ?? runFrom(req, index + 1))
  }

  return (req) => runFrom(req, 0)
}
