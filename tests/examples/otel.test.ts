// The OpenTelemetry example over real HTTP, with the real SDK: every span is read back from an in-memory
// exporter and checked for its name, kind, attributes, status and parent.
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base'
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { buildOtelApp } from '../../examples/otel/app.js'
import { instrumentRoutechain, type RoutechainInstrumentationOptions } from '../../examples/otel/instrumentation.js'
import { sleep } from '../_helpers/async.js'
import { recordingLogger, serve, type TestServer } from '../_helpers/http.js'

interface Context {
  server?: TestServer
  /** Stops the instrumentation a test started. */
  stop?: () => void
}

const exporter = new InMemorySpanExporter()
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
const contextManager = new AsyncLocalStorageContextManager()
const otel = suite<Context>('examples/otel')

const AUTH = { authorization: 'Bearer reader-token' }

// the app's own span (`load post`) goes through the API's globals, as in server.ts
otel.before(() => {
  assert.ok(context.setGlobalContextManager(contextManager.enable()), 'no other context manager registered')
  assert.ok(trace.setGlobalTracerProvider(provider), 'no other tracer provider registered')
})
otel.after(async () => {
  trace.disable()
  context.disable()
  await provider.shutdown()
})

/** Instruments routechain with a fresh exporter and serves the example app over real HTTP. */
async function start(ctx: Context, options: RoutechainInstrumentationOptions = { contextManager }): Promise<TestServer> {
  exporter.reset()
  ctx.stop = instrumentRoutechain(provider.getTracer('routechain'), options)
  ctx.server = await serve(buildOtelApp({ logger: recordingLogger().logger }))
  return ctx.server
}

otel.after.each(async (ctx) => {
  ctx.stop?.()
  await ctx.server?.close()
})

/** The finished spans once `requests` server spans have ended (the last may end just after its response). */
async function spansOf(requests: number): Promise<ReadableSpan[]> {
  for (let waited = 0; waited < 1000; waited += 5) {
    if (exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.SERVER).length >= requests) break
    await sleep(5)
  }
  return exporter.getFinishedSpans()
}

function only(spans: ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((s) => s.name === name)
  assert.is(found.length, 1, `one span named ${name}; got ${JSON.stringify(spans.map((s) => s.name))}`)
  return found[0] as ReadableSpan
}

function childrenOf(spans: ReadableSpan[], parent: ReadableSpan): ReadableSpan[] {
  return spans.filter((s) => s.parentSpanContext?.spanId === parent.spanContext().spanId)
}

otel('a request makes a server span named after its route, with the HTTP attributes', async (ctx) => {
  const server = await start(ctx)
  const res = await server.fetch('/post/1', { headers: AUTH })
  assert.is(res.status, 200)
  const span = only(await spansOf(1), 'GET /post/:id')
  assert.is(span.kind, SpanKind.SERVER)
  assert.is(span.attributes[ATTR_HTTP_REQUEST_METHOD], 'GET')
  assert.is(span.attributes[ATTR_HTTP_ROUTE], '/post/:id', 'the pattern, mount prefix included, never the path')
  assert.is(span.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE], 200)
  assert.is(span.status.code, SpanStatusCode.UNSET)
  assert.is(span.parentSpanContext, undefined, 'a root span: no traceparent came in')
})

otel('each step is an internal child span of the request span, in chain order', async (ctx) => {
  const server = await start(ctx)
  await server.fetch('/post/1', { headers: AUTH })
  const spans = await spansOf(1)
  const request = only(spans, 'GET /post/:id')
  const steps = childrenOf(spans, request).filter((s) => s.name.startsWith('step '))
  assert.equal(steps.map((s) => s.name).sort(), ['step authenticate', 'step getPost', 'step serverTiming'])
  for (const step of steps) {
    assert.is(step.kind, SpanKind.INTERNAL, step.name)
    assert.is(step.spanContext().traceId, request.spanContext().traceId, step.name)
    assert.is(step.attributes[ATTR_HTTP_ROUTE], '/post/:id', step.name)
    assert.is(step.status.code, SpanStatusCode.UNSET, step.name)
  }
  const byIndex = [...steps].sort((a, b) => Number(a.attributes['routechain.step.index']) - Number(b.attributes['routechain.step.index']))
  assert.equal(byIndex.map((s) => s.name), ['step serverTiming', 'step authenticate', 'step getPost'])
  // the onion step waits for the rest of the chain, so its span ends after the others. Spans are exported as
  // they end; their times cannot tell, since each span anchors its clock on Date.now(), to the millisecond
  const [timing, , handler] = byIndex as [ReadableSpan, ReadableSpan, ReadableSpan]
  assert.ok(spans.indexOf(handler) < spans.indexOf(timing), 'serverTiming ends after getPost')
  assert.ok(spans.indexOf(timing) < spans.indexOf(request), 'the request span ends last')
  // the async handler's span ends when its promise settles: after the span it awaited inside
  assert.ok(spans.indexOf(only(spans, 'load post')) < spans.indexOf(handler), 'the async handler span covers its await')
})

otel('a span the app makes inside a step is a child of the request span', async (ctx) => {
  const server = await start(ctx)
  await server.fetch('/post/2', { headers: AUTH })
  const spans = await spansOf(1)
  const load = only(spans, 'load post')
  assert.is(load.parentSpanContext?.spanId, only(spans, 'GET /post/:id').spanContext().spanId)
  assert.is(load.attributes['post.id'], '2')
})

otel('concurrent requests keep their spans apart', async (ctx) => {
  const server = await start(ctx)
  const ids = ['1', '2', '1', '2', '1', '2', '1', '2']
  const answers = await Promise.all(ids.map((id) => server.fetch(`/post/${id}`, { headers: AUTH })))
  assert.equal(answers.map((a) => a.status), ids.map(() => 200))
  const spans = await spansOf(ids.length)
  const requests = spans.filter((s) => s.kind === SpanKind.SERVER)
  assert.is(requests.length, ids.length)
  for (const request of requests) {
    const children = childrenOf(spans, request)
    assert.equal(children.map((s) => s.name).sort(), ['load post', 'step authenticate', 'step getPost', 'step serverTiming'])
    assert.ok(children.every((s) => s.spanContext().traceId === request.spanContext().traceId))
  }
})

otel('a step that throws: 500, the request span and the step span have status ERROR and the exception', async (ctx) => {
  const server = await start(ctx)
  const res = await server.fetch('/post/1/boom', { headers: AUTH })
  assert.is(res.status, 500)
  assert.not.match(res.body, 'the database is down', 'a 5xx message stays hidden')
  const spans = await spansOf(1)
  const request = only(spans, 'GET /post/:id/boom')
  assert.is(request.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE], 500)
  assert.is(request.status.code, SpanStatusCode.ERROR)
  assert.is(request.status.message, 'the database is down')
  assert.is(request.attributes['error.type'], 'Error')
  assert.is(exceptionMessage(request), 'the database is down')
  const step = only(spans, 'step explode')
  assert.is(step.parentSpanContext?.spanId, request.spanContext().spanId)
  assert.is(step.status.code, SpanStatusCode.ERROR)
  assert.is(exceptionMessage(step), 'the database is down')
  assert.is(only(spans, 'step authenticate').status.code, SpanStatusCode.UNSET)
})

otel('a 4xx answer is not an error: 401 and a thrown 404 leave the status unset', async (ctx) => {
  const server = await start(ctx)
  assert.is((await server.fetch('/post/1')).status, 401)
  assert.is((await server.fetch('/post/9', { headers: AUTH })).status, 404)
  const spans = await spansOf(2)
  const requests = spans.filter((s) => s.name === 'GET /post/:id')
  assert.equal(requests.map((s) => s.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE]), [401, 404])
  for (const span of spans) {
    assert.is(span.status.code, SpanStatusCode.UNSET, span.name)
    assert.is(exceptionMessage(span), undefined, span.name)
  }
})

otel('a 404 span is named after the method alone and has no http.route', async (ctx) => {
  const server = await start(ctx)
  const res = await server.fetch('/nowhere')
  assert.is(res.status, 404)
  const spans = await spansOf(1)
  const request = only(spans, 'GET')
  assert.is(request.kind, SpanKind.SERVER)
  assert.not.ok(ATTR_HTTP_ROUTE in request.attributes)
  assert.is(request.attributes[ATTR_HTTP_REQUEST_METHOD], 'GET')
  assert.is(request.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE], 404)
  assert.is(request.status.code, SpanStatusCode.UNSET)
  // the app's use step runs before the 404 answer, so it is there too
  assert.ok(childrenOf(spans, request).some((s) => s.name === 'step serverTiming'))
})

otel('without the context manager, step spans keep their parent and the app\'s own spans start their own trace', async (ctx) => {
  const server = await start(ctx, {})
  await server.fetch('/post/1', { headers: AUTH })
  const spans = await spansOf(1)
  const request = only(spans, 'GET /post/:id')
  assert.equal(childrenOf(spans, request).map((s) => s.name).sort(), ['step authenticate', 'step getPost', 'step serverTiming'])
  assert.is(only(spans, 'load post').parentSpanContext, undefined)
})

otel('after the unsubscribe function is called, no routechain spans are made', async (ctx) => {
  const server = await start(ctx)
  ctx.stop?.()
  assert.is((await server.fetch('/')).status, 200)
  assert.is((await server.fetch('/post/1', { headers: AUTH })).status, 200)
  await sleep(20)
  // only the app's own span is left, and with the store unbound it has no parent
  assert.equal(exporter.getFinishedSpans().map((s) => s.name), ['load post'])
  assert.is(only(exporter.getFinishedSpans(), 'load post').parentSpanContext, undefined)
})

function exceptionMessage(span: ReadableSpan): unknown {
  return span.events.find((e) => e.name === 'exception')?.attributes?.['exception.message']
}

otel.run()
