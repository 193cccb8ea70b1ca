import { performance } from 'node:perf_hooks'
import { stepName, type AnyStep } from '../core/chain.js'
import { wrapStep } from '../core/wrap-step.js'
import type { Next } from '../core/step.js'
import { isThenable } from '../util/thenable.js'

interface TraceState {
  readonly id: number
  depth: number
  readonly started: number
}

function ms(since: number): string {
  return `${(performance.now() - since).toFixed(3)}ms`
}

/**
 * Prints each step of a request as it is entered and left, indented by onion depth, with its time.
 * Used only when tracing is on: with it off, chains are composed from the bare steps.
 */
export class Tracer {
  readonly #write: (line: string) => void
  readonly #states = new WeakMap<object, TraceState>()
  #nextId = 1

  constructor(write: (line: string) => void, onFailure: (error: unknown) => void) {
    let failed = false
    // a broken sink must not break requests: report it once, then keep serving without it
    this.#write = (line) => {
      try {
        write(line)
      } catch (error) {
        if (!failed) onFailure(error)
        failed = true
      }
    }
  }

  /** Starts the trace of one request. */
  begin(req: object, method: string, url: string, route: string): void {
    const state: TraceState = { id: this.#nextId++, depth: 1, started: performance.now() }
    this.#states.set(req, state)
    this.#write(`[trace #${state.id}] ${method} ${url} → ${route}`)
  }

  /** Adds a line at the request's current depth (e.g. "session loaded"). */
  note(req: object, text: string): void {
    const state = this.#states.get(req)
    if (state !== undefined) this.#line(state, `· ${text}`)
  }

  /** Ends the trace of one request with its status. */
  end(req: object, status: number): void {
    const state = this.#states.get(req)
    if (state === undefined) return
    this.#states.delete(req)
    this.#write(`[trace #${state.id}] ${status} in ${ms(state.started)}`)
  }

  /** Wraps steps so each one is traced; a step keeps its arity, so onion steps stay onion steps. */
  wrap(steps: readonly AnyStep[]): AnyStep[] {
    return steps.map((step) => this.#wrapStep(step))
  }

  #line(state: TraceState, text: string): void {
    this.#write(`[trace #${state.id}] ${'  '.repeat(state.depth)}${text}`)
  }

  #wrapStep(step: AnyStep): AnyStep {
    const name = stepName(step)
    const call = step as unknown as (req: object, next?: Next) => unknown
    const run = (req: object, next?: Next): unknown => {
      const state = this.#states.get(req)
      if (state === undefined) return call(req, next)
      this.#line(state, `→ ${name}`)
      const started = performance.now()
      const leave = (how: string): void => this.#line(state, `← ${name} ${how}${ms(started)}`)
      const deeper: Next | undefined = next && (() => {
        state.depth++
        const rest = next()
        rest.then(() => state.depth--, () => state.depth--)
        return rest
      })
      let out: unknown
      try {
        out = call(req, deeper)
      } catch (error) {
        leave('threw after ')
        throw error
      }
      if (!isThenable(out)) {
        leave(out === undefined ? '' : 'answered in ')
        return out
      }
      return Promise.resolve(out).then(
        (value) => { leave(value === undefined ? '' : 'answered in '); return value },
        (error: unknown) => { leave('threw after '); throw error },
      )
    }
    return wrapStep(step, run as (req: object, next?: () => Promise<unknown>) => unknown)
  }
}
