import { tracingChannel } from 'node:diagnostics_channel'
import { stepName, type AnyStep } from '../core/chain.js'
import { wrapStep } from '../core/wrap-step.js'
import { isThenable } from '../util/thenable.js'
import type { RouteRequest } from './route-request.js'

/**
 * The context of the `routechain.request` tracing channel: one per request. Events come in this order:
 * `start` (the steps then run inside its stores, so `start.bindStore()` sets the context they see), `end`
 * (the synchronous part returned), `error` (a step threw or the chain failed), `asyncStart` and `asyncEnd`
 * (the response is decided; `status` is set).
 */
export interface RequestEvent {
  /** The request, as steps see it. */
  readonly req: RouteRequest
  /** The matched route pattern with its mount prefixes; `undefined` for 404, 405 and OPTIONS answers. */
  readonly route: string | undefined
  /** The request method. */
  readonly method: string
  /** The response status, set before `asyncStart`. */
  status?: number
  /** What the chain threw, set before `error`. */
  error?: unknown
}

/**
 * The context of the `routechain.step` tracing channel: one per step run. Events: `start` (the step runs
 * inside its stores), `end` (it returned), `error` (it threw or its promise rejected), and `asyncStart` and
 * `asyncEnd` once a promise it returned settles.
 */
export interface StepEvent {
  /** The request, as steps see it. */
  readonly req: RouteRequest
  /** The matched route pattern; `undefined` for the app's `use` steps on a request no route matched. */
  readonly route: string | undefined
  /** The step's name (a function's name, or `anonymous`). */
  readonly step: string
  /** The step's place in the route's chain, from 0: the app's `use` steps first. */
  readonly index: number
  /** What the step returned, or its promise resolved to. */
  result?: unknown
  /** What the step threw, or its promise rejected with. */
  error?: unknown
}

/** Every request, on `node:diagnostics_channel`: subscribe with `tracingChannel('routechain.request').subscribe(…)`. */
export const requestChannel = tracingChannel<unknown, RequestEvent>('routechain.request')

/** Every step of every request: `tracingChannel('routechain.step')`. */
export const stepChannel = tracingChannel<unknown, StepEvent>('routechain.step')

/** Wraps a route's steps so each one reports to `routechain.step`; a step keeps its arity and name. */
export function observeSteps(steps: readonly AnyStep[], route: string | undefined): AnyStep[] {
  return steps.map((step, index) => {
    const name = stepName(step)
    const call = step as unknown as (req: object, next?: () => Promise<unknown>) => unknown
    return wrapStep(step, (req, next) => {
      const event: StepEvent = { req: req as RouteRequest, route, step: name, index }
      let out: unknown
      try {
        out = stepChannel.start.runStores(event, call, undefined, req, next)
      } catch (error) {
        event.error = error
        stepChannel.error.publish(event)
        stepChannel.end.publish(event)
        throw error
      }
      event.result = out
      stepChannel.end.publish(event)
      if (!isThenable(out)) return out
      return Promise.resolve(out).then((value) => {
        event.result = value
        stepChannel.asyncStart.publish(event)
        stepChannel.asyncEnd.publish(event)
        return value
      }, (error: unknown) => {
        event.error = error
        stepChannel.error.publish(event)
        stepChannel.asyncStart.publish(event)
        stepChannel.asyncEnd.publish(event)
        throw error
      })
    })
  })
}

/** Where one observed request stands: its event, whether its synchronous part is still running, whether it is answered. */
interface Observed {
  readonly event: RequestEvent
  inSync: boolean
  answered: boolean
}

const observed = new WeakMap<object, Observed>()

/**
 * Runs one request under the `routechain.request` channel: `start` around `run`, `end` when it returns, and
 * `asyncStart`/`asyncEnd` once {@link requestAnswered} says the response is decided, never before `end`.
 */
export function observeRequest(req: RouteRequest, run: () => void): void {
  const state: Observed = { event: { req, route: req.route, method: req.method }, inSync: true, answered: false }
  observed.set(req, state)
  try {
    requestChannel.start.runStores(state.event, run)
  } finally {
    state.inSync = false
    requestChannel.end.publish(state.event)
    if (state.answered) settle(state.event)
  }
}

/** Records what a failed chain threw, for the request's `error` event. */
export function requestFailed(req: object, error: unknown): void {
  const state = observed.get(req)
  if (state !== undefined) state.event.error = error
}

/** Says the response of an observed request is decided, with its status. */
export function requestAnswered(req: object, status: number): void {
  const state = observed.get(req)
  if (state === undefined || state.answered) return
  state.answered = true
  state.event.status = status
  observed.delete(req)
  if (!state.inSync) settle(state.event)
}

function settle(event: RequestEvent): void {
  if (event.error !== undefined) requestChannel.error.publish(event)
  requestChannel.asyncStart.publish(event)
  requestChannel.asyncEnd.publish(event)
}
