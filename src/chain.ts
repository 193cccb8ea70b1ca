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
      if (isThenable(out)) {
        const following = index + 1
        return Promise.resolve(out).then((value) => (value === undefined ? runFrom(req, following) : value))
      }
      return out
    }
    return undefined
  }

  function runOnion(req: object, index: number): unknown {
    const step = callables[index] as Callable
    let rest: Promise<Reply> | undefined
    const next: Next = () => {
      if (rest !== undefined) {
        throw new RoutechainError('ERR_ROUTECHAIN_NEXT_TWICE', `next() was called twice in step "${stepName(step)}"`)
      }
      rest = new Promise<unknown>((resolve) => resolve(runFrom(req, index + 1))).then(toNextResult)
      rest.catch(ignore) // the step may never await it; its rejection still reaches whoever does
      return rest
    }
    const settle = (value: unknown): unknown => {
      if (value !== undefined) return value
      return rest ?? runFrom(req, index + 1)
    }
    const out = step(req, next)
    return isThenable(out) ? Promise.resolve(out).then(settle) : settle(out)
  }

  return (req) => runFrom(req, 0)
}
