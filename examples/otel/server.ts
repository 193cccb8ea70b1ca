// Serves the OpenTelemetry example on PORT (default 3000; 0 picks a free port) and HOST (default 127.0.0.1),
// printing every finished span to the console. Swap ConsoleSpanExporter for an OTLP exporter to send them to
// a collector instead; nothing else changes.
import { context, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { BasicTracerProvider, ConsoleSpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { serveExample } from '../shared/serve-example.js'
import { buildOtelApp } from './app.js'
import { instrumentRoutechain } from './instrumentation.js'

// The SDK, registered globally so the app's own spans (`load post`) reach it too.
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new ConsoleSpanExporter())] })
const contextManager = new AsyncLocalStorageContextManager().enable()
context.setGlobalContextManager(contextManager)
trace.setGlobalTracerProvider(provider)

instrumentRoutechain(provider.getTracer('routechain'), { contextManager })

await serveExample(buildOtelApp(), 'OpenTelemetry example', (where) => [
  `  curl ${where}/post/1 -H 'authorization: Bearer reader-token'   # spans: GET /post/:id, its steps, load post`,
  `  curl ${where}/post/1/boom -H 'authorization: Bearer reader-token'   # a 500: the span's status is ERROR`,
  `  curl ${where}/nowhere   # a 404: a span named GET, with no http.route`,
])
