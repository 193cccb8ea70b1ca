// OpenTelemetry spans from routechain's tracing channels (node:diagnostics_channel), with no patching: a server
// span per request on `routechain.request`, and an internal child span per step on `routechain.step`.
//
// Parenting, and why it is done twice:
// - Step spans are parented explicitly: each step's message carries `req`, and the request's span is found in a
//   WeakMap keyed by it. That holds whatever the context manager, and keeps every step a direct child of the
//   request span, onion steps' inner steps included (as the Express and Koa instrumentations show middleware).
// - Code inside the steps (a database client, `tracer.startActiveSpan`) sees the request span as the active
//   one only if the context manager's AsyncLocalStorage is bound to the request channel's start event, which
//   routechain publishes with `runStores` around the chain. OpenTelemetry has no public way to reach that
//   storage yet (open-telemetry/opentelemetry-js#6088), so `contextStorageOf` reads the field it lives in and
//   fails loudly, at startup, if a new version moved it.
import { AsyncLocalStorage } from 'node:async_hooks'
import { tracingChannel } from 'node:diagnostics_channel'
import {
  context as otelContext, propagation, SpanKind, SpanStatusCode, trace, type Context, type Span, type Tracer,
} from '@opentelemetry/api'
import type { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import {
  ATTR_ERROR_TYPE, ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE,
} from '@opentelemetry/semantic-conventions'
import { HttpError, type RequestEvent, type StepEvent } from '../../src/index.js'

/** Options for {@link instrumentRoutechain}. */
export interface RoutechainInstrumentationOptions {
  /**
   * The context manager registered with `context.setGlobalContextManager`. With it, the request span is the
   * active span while the steps run, so spans made inside them are its children. Without it, step spans are
   * still children of the request span, but other spans made in a step start traces of their own.
   * @default undefined
   */
  contextManager?: AsyncLocalStorageContextManager
}

const requestChannel = tracingChannel<Context, RequestEvent>('routechain.request')
const stepChannel = tracingChannel<unknown, StepEvent>('routechain.step')

/**
 * The AsyncLocalStorage behind an `AsyncLocalStorageContextManager`, to bind to a channel's start event.
 * Throws when this version of `@opentelemetry/context-async-hooks` keeps it elsewhere.
 */
export function contextStorageOf(manager: AsyncLocalStorageContextManager): AsyncLocalStorage<Context> {
  const storage = (manager as unknown as { _asyncLocalStorage?: unknown })._asyncLocalStorage
  if (!(storage instanceof AsyncLocalStorage)) {
    throw new TypeError('this version of @opentelemetry/context-async-hooks hides its AsyncLocalStorage elsewhere: ' +
      'instrument without `contextManager` (step spans keep their parent, spans made inside steps do not)')
  }
  return storage as AsyncLocalStorage<Context>
}

interface RequestState {
  readonly span: Span
  /** The context with the request span in it: the parent of the step spans. */
  readonly context: Context
  /** What failed: the chain's error, or else the first step that threw (an onion step may have caught it). */
  failure?: unknown
}

/** Thrown HttpErrors under 500 are answers (401, 404), not failures: no exception, no error status. */
function isFailure(error: unknown): boolean {
  return !(error instanceof HttpError && error.status < 500)
}

function errorType(error: unknown): string {
  return error instanceof Error ? error.name : typeof error
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function asException(error: unknown): Error | string {
  return error instanceof Error ? error : String(error)
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}

/**
 * Makes OpenTelemetry spans for every routechain request and step: `GET /post/:id` (server kind, with
 * `http.request.method`, `http.route`, `http.response.status_code`) and, under it, `step authenticate`
 * (internal kind) for each step. Returns the function that stops it.
 * @example
 * const contextManager = new AsyncLocalStorageContextManager().enable()
 * context.setGlobalContextManager(contextManager)
 * const stop = instrumentRoutechain(provider.getTracer('routechain'), { contextManager })
 */
export function instrumentRoutechain(tracer: Tracer, options: RoutechainInstrumentationOptions = {}): () => void {
  const requests = new WeakMap<object, RequestState>() // keyed by req: steps find their parent through it
  const steps = new WeakMap<StepEvent, Span>() // keyed by the step's message, the same object for all its events
  const storage = options.contextManager === undefined ? undefined : contextStorageOf(options.contextManager)

  // Called by the store binding (which runs before the subscribers) and by `start`, whichever comes first.
  const startRequest = (message: RequestEvent): RequestState => {
    const known = requests.get(message.req)
    if (known !== undefined) return known
    const parent = propagation.extract(otelContext.active(), message.req.headers)
    const span = tracer.startSpan(message.route === undefined ? message.method : `${message.method} ${message.route}`, {
      kind: SpanKind.SERVER,
      attributes: {
        [ATTR_HTTP_REQUEST_METHOD]: message.method,
        ...(message.route === undefined ? {} : { [ATTR_HTTP_ROUTE]: message.route }),
      },
    }, parent)
    const state: RequestState = { span, context: trace.setSpan(parent, span) }
    requests.set(message.req, state)
    return state
  }

  const requestHandlers = {
    start(message: RequestEvent) { startRequest(message) },
    end() {},
    asyncStart() {},
    error(message: RequestEvent) {
      const state = requests.get(message.req)
      if (state !== undefined && isFailure(message.error)) state.failure = message.error
    },
    asyncEnd(message: RequestEvent) {
      const state = requests.get(message.req)
      if (state === undefined) return
      requests.delete(message.req)
      const { span, failure } = state
      if (message.status !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, message.status)
      // a server span is an error for a 5xx only: a 404 is the server doing its job
      if (message.status === undefined || message.status >= 500) {
        span.setAttribute(ATTR_ERROR_TYPE, failure === undefined ? String(message.status ?? '_OTHER') : errorType(failure))
        span.setStatus({ code: SpanStatusCode.ERROR, message: failure === undefined ? `status ${message.status}` : errorMessage(failure) })
        if (failure !== undefined) span.recordException(asException(failure))
      }
      span.end()
    },
  }

  const stepHandlers = {
    start(message: StepEvent) {
      const request = requests.get(message.req)
      const span = tracer.startSpan(`step ${message.step}`, {
        kind: SpanKind.INTERNAL,
        attributes: {
          'routechain.step.name': message.step,
          'routechain.step.index': message.index,
          ...(message.route === undefined ? {} : { [ATTR_HTTP_ROUTE]: message.route }),
        },
      }, request?.context ?? otelContext.active())
      steps.set(message, span)
    },
    end(message: StepEvent) {
      // a step that returned a promise is not done yet: its span ends at asyncEnd
      if (isThenable(message.result)) return
      steps.get(message)?.end()
      steps.delete(message)
    },
    asyncStart() {},
    error(message: StepEvent) {
      const span = steps.get(message)
      if (span === undefined || !isFailure(message.error)) return
      span.recordException(asException(message.error))
      span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(message.error) })
      const request = requests.get(message.req)
      if (request !== undefined) request.failure ??= message.error
    },
    asyncEnd(message: StepEvent) {
      steps.get(message)?.end()
      steps.delete(message)
    },
  }

  const bind = (message: RequestEvent): Context => startRequest(message).context
  if (storage !== undefined) requestChannel.start.bindStore(storage, bind)
  requestChannel.subscribe(requestHandlers)
  stepChannel.subscribe(stepHandlers)
  return () => {
    if (storage !== undefined) requestChannel.start.unbindStore(storage)
    requestChannel.unsubscribe(requestHandlers)
    stepChannel.unsubscribe(stepHandlers)
  }
}
