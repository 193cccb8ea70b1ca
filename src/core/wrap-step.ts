import { stepName, takesNext, type AnyStep } from './chain.js'

/** How a wrapper runs the step it wraps: the request, and `next` when the step takes one. */
export type StepRunner = (req: object, next?: () => Promise<unknown>) => unknown

/**
 * Wraps a step in `run`, keeping what the chain reads off it: its arity (so an onion step stays one and a
 * plain step is still called without `next`) and its name (for traces, logs and `routes()`).
 */
export function wrapStep(step: AnyStep, run: StepRunner): AnyStep {
  const wrapped = takesNext(step)
    ? (req: object, next: () => Promise<unknown>) => run(req, next)
    : (req: object) => run(req)
  Object.defineProperty(wrapped, 'name', { value: stepName(step) })
  return wrapped as unknown as AnyStep
}
