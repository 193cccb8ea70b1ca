// The OpenTelemetry example's app: a few routes whose chains show up as spans once instrumentation.ts listens
// on routechain's tracing channels. The app itself knows nothing of tracing but the API's global tracer, which
// it uses for one span of its own (`load post`), as any library would; without a registered SDK it is a no-op.
//
//   GET /                 a hint                                serverTiming → home
//   GET /post/:id         a post, for a bearer token            serverTiming → authenticate → getPost
//   GET /post/:id/boom    a step that throws: 500               serverTiming → authenticate → explode
//   anything else         404 (405 where the path has routes)   serverTiming → the 404 answer
import { trace } from '@opentelemetry/api'
import { createApp, defineStep, HttpError, Router, text, type AppOptions, type Next, type RouteRequest } from '../../src/index.js'

/** The name the app's own spans are recorded under. */
export const APP_TRACER_NAME = 'routechain-example-otel'

// Tokens stand in for a real identity provider.
const USERS: Record<string, string | undefined> = { 'reader-token': 'rita' }

const POSTS = new Map([
  ['1', { id: '1', title: 'Tracing routechain' }],
  ['2', { id: '2', title: 'Spans for every step' }],
])

/** Puts the user named by the bearer token on `req.user`; answers 401 without a known token. */
export const authenticate = defineStep<{ user: string }>(function authenticate(req) {
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
  const user = token === undefined ? undefined : USERS[token]
  if (user === undefined) return text('unauthenticated', { status: 401, headers: { 'www-authenticate': 'Bearer' } })
  req.user = user
  return undefined
})

// An onion step on the whole app: it runs around every chain, 404s included, and times the rest of it.
async function serverTiming(_req: RouteRequest, next: Next): Promise<void> {
  const started = performance.now()
  const res = await next()
  res.header('server-timing', `app;dur=${(performance.now() - started).toFixed(1)}`)
}

// Stands in for a database call; async, so the span it makes shows whose child it is across an await.
async function loadPost(id: string): Promise<{ id: string; title: string } | undefined> {
  return trace.getTracer(APP_TRACER_NAME).startActiveSpan('load post', async (span) => {
    try {
      span.setAttribute('post.id', id)
      await new Promise((resolve) => setTimeout(resolve, 1))
      return POSTS.get(id)
    } finally {
      span.end()
    }
  })
}

/**
 * Builds the example app; `server.ts` serves it with tracing on, and tests/examples/otel.test.ts drives it.
 * @example const app = buildOtelApp({ logger }); await app.listen({ port: 3000 })
 */
export function buildOtelApp(options: AppOptions = {}) {
  const posts = new Router()
  posts.get('/:id', authenticate, async function getPost(req) {
    const post = await loadPost(req.params.id)
    if (post === undefined) throw new HttpError(404, `no post ${req.params.id}`)
    return { ...post, readBy: req.user }
  })
  posts.get('/:id/boom', authenticate, function explode(): never {
    throw new Error('the database is down')
  })

  const app = createApp(options)
  app.use(serverTiming)
  app.get('/', function home() {
    return 'routechain OpenTelemetry example: GET /post/1 with "authorization: Bearer reader-token"\n'
  })
  app.mount('/post', posts)
  return app
}
