// What a step declares about itself for documentation (describe(), validate()): kept on the step function
// under one key, read by whoever documents the routes. A step marked metadata-only never runs.

/** The key under which a step carries its declarations. */
const META: unique symbol = Symbol('routechain.step-meta')

/** What a step declares: `kind` names who reads it; `runs: false` drops the step from its composed chain. */
export interface StepMeta {
  readonly kind: string
  readonly data: unknown
  readonly runs: boolean
}

interface Marked {
  [META]?: StepMeta
}

/** Marks a step with what it declares, and returns it. */
export function withMeta<F extends (...args: never[]) => unknown>(step: F, meta: StepMeta): F {
  (step as F & Marked)[META] = meta
  return step
}

/** What a step declares, if anything. */
export function metaOf(step: unknown): StepMeta | undefined {
  return typeof step === 'function' ? (step as Marked)[META] : undefined
}

/** Whether a step runs: every step does but one marked metadata-only. */
export function runs(step: unknown): boolean {
  return metaOf(step)?.runs !== false
}
