// Type tests: compiled by `npm test` (tsc), never run. Lines under `@ts-expect-error` must fail to compile.
import { createApp, defineStep, fromConnect, Router, text, type Params, type RouteRequest } from '../../src/index.js'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
function expectType<T extends true>(): T | undefined { return undefined }

// Params are inferred from the path literal.
expectType<Equal<Params<'/post/:id'>, { id: string }>>()
expectType<Equal<Params<'/users/:userId/posts/:postId'>, { userId: string; postId: string }>>()
expectType<Equal<Params<'/flights/:from-:to'>, { from: string; to: string }>>()
expectType<Equal<Params<'/files/:name(^\\d+).png'>, { name: string }>>()
expectType<Equal<Params<'/post/:id?'>, { id?: string }>>()
expectType<Equal<Params<'/static/*'>, { '*': string }>>()
expectType<Equal<Params<'/time::hour'>, {}>>()
expectType<Equal<Params<'/'>, {}>>()

interface User { name: string; permissions: string[] }

const authenticate = defineStep<{ user: User }>((req) => {
  if (req.headers.authorization !== 'Bearer t') return text('unauthenticated', { status: 401 })
  req.user = { name: 'alice', permissions: ['post:read'] }
  return undefined
})

function authorise(needed: string[]) {
  return function authorise(req: RouteRequest & { user: User }) {
    if (!needed.every((p) => req.user.permissions.includes(p))) return text('forbidden', { status: 403 })
    return undefined
  }
}

const app = createApp()

// What a step adds is visible, typed, to the steps after it; params come from the path.
app.get('/post/:id', authenticate, authorise(['post:read']), (req) => {
  const id: string = req.params.id
  const name: string = req.user.name
  return { id, name }
})

// A step that needs what an earlier step adds cannot come first.
// @ts-expect-error authorise needs req.user, which nothing before it adds
app.get('/post/:id', authorise(['post:read']), () => 'no')

// A param the path does not have is an error.
// @ts-expect-error the path has no :slug
app.get('/post/:id', (req) => req.params.slug)

// Before authenticate runs, req.user does not exist.
// @ts-expect-error user is added only by authenticate, which comes later
app.get('/early', (req) => req.user, authenticate, () => 'x')

// route() with one or several methods threads types the same way.
app.route(['GET', 'POST'], '/thing/:thingId', authenticate, (req) => `${req.params.thingId} ${req.user.name}`)

// Onion steps get next(), which resolves to a Reply they can change.
app.use(async (_req, next) => {
  const res = await next()
  res.headers['x-seen'] = '1'
  const status: number = res.status
  return status >= 500 ? text('sorry', { status }) : res
})

// Params flow through a typed mount prefix.
app.mount('/users/:userId', (users) => {
  users.get('/posts/:postId', (req) => {
    const both: { userId: string; postId: string } = req.params
    return both
  })
  // @ts-expect-error the mount path and route path have no :missing
  users.get('/x', (req) => req.params.missing)
})

// A router declares its mount prefix and context explicitly.
const posts = new Router<{ user: User }, '/users/:userId'>()
posts.get('/likes/:likeId', (req) => `${req.params.userId} ${req.params.likeId} ${req.user.name}`)

// Many steps still type-check (past the threaded overloads, against the route's request).
const noop = (): undefined => undefined
app.get('/long/:id', noop, noop, noop, noop, noop, noop, noop, noop, noop, (req) => req.params.id)

// Body readers are typed.
app.post('/echo', async (req) => {
  const data = await req.json<{ title: string }>()
  const title: string = data.title
  const form = await req.form()
  const field: string | string[] | undefined = form.title
  return { title, field }
})

// @ts-expect-error steps must be functions
app.get('/bad', 'not a step')

// A plain step first does not let a later step's needs leak into what the chain has.
// @ts-expect-error noop adds nothing, so authorise still lacks req.user
app.get('/leak', noop, authorise(['post:read']), () => 'no')

// use() returns the router typed with what its steps add: no declaration, no cast.
const withUser = createApp().use(authenticate)
withUser.get('/me', (req) => req.user.name)
withUser.get('/mine', authorise(['post:read']), (req) => req.user.permissions)
// @ts-expect-error an app whose use steps add nothing has no req.user
createApp().use(noop).get('/me', (req) => req.user.name)

// A router that declares what it needs fits only where the mount provides it.
const needsUser = new Router<{ user: User }>()
needsUser.get('/inbox', (req) => req.user.name)
withUser.mount('/mail', needsUser)
// @ts-expect-error nothing in this app adds req.user
createApp().mount('/mail', needsUser)

const needsUserId = new Router<{}, '/users/:userId'>()
needsUserId.get('/likes', (req) => req.params.userId)
createApp().mount('/users/:userId', needsUserId)
// @ts-expect-error mounted where there is no :userId
createApp().mount('/elsewhere', needsUserId)

// A plain router mounts anywhere, even under prefixes with params.
const plain = new Router()
plain.get('/ping', () => 'pong')
createApp().mount('/a/:b', plain)

// req.route (issue #12): a route's own steps and its routers' use steps always matched a route; the app's use
// steps also run for 404, 405 and OPTIONS answers, where there is none.
{
  const app = createApp()
  app.use((req) => {
    expectType<Equal<typeof req.route, string | undefined>>()
    // @ts-expect-error an app use step may see a request no route matched
    req.route.length
  })
  app.get('/post/:id', (req) => {
    expectType<Equal<typeof req.route, string>>()
    return req.route.length
  })
  app.mount('/users/:userId', (users) => users.use((req) => { expectType<Equal<typeof req.route, string>>() }))
  // app.request and app.fetch answer web Responses
  expectType<Equal<ReturnType<typeof app.request>, Promise<Response>>>()
  expectType<Equal<ReturnType<typeof app.fetch>, Promise<Response>>>()
}

// defineStep(name, step) types the step as defineStep(step) does (#13)
{
  const named = defineStep<{ user: User }>('authenticate', (req) => { req.user = { name: 'a', permissions: [] } })
  createApp().get('/me', named, (req) => req.user.name)
  // @ts-expect-error the name comes first, then the step
  defineStep<{ user: User }>((req: RouteRequest) => req.method, 'authenticate')
}

// Long chains (#13): eight steps in one call thread what each adds; past eight, a step that adds fields is a
// type error rather than additions silently lost, and steps that add nothing may go on without limit.
{
  const one = defineStep<{ one: 1 }>('one', (req) => { req.one = 1 })
  const two = defineStep<{ two: 2 }>('two', (req) => { req.two = 2 })
  const three = defineStep<{ three: 3 }>('three', (req) => { req.three = 3 })
  const four = defineStep<{ four: 4 }>('four', (req) => { req.four = 4 })
  const pass = (_req: RouteRequest) => undefined
  const app = createApp()
  app.get('/eight', one, pass, two, pass, three, pass, four, (req) => req.one + req.two + req.three + req.four)
  app.get('/nine', pass, pass, pass, pass, pass, pass, pass, pass, (req) => req.params)
  app.get('/twelve/:id', pass, pass, pass, pass, pass, pass, pass, pass, pass, pass, pass, (req) => req.params.id)
  // @ts-expect-error a ninth step cannot see what the first added: the call says so instead of dropping the type
  app.get('/nine', one, pass, pass, pass, pass, pass, pass, pass, (req) => req.one)

  // use() types up to eight steps too, and gives back an App from an App and a Router from a Router
  const typed = createApp().use(one, two, three, four)
  typed.get('/all', (req) => req.one + req.two + req.three + req.four)
  expectType<Equal<ReturnType<typeof typed.listen>, ReturnType<typeof app.listen>>>()
  const router = new Router().use(one, pass, two, pass, three, pass, four, pass)
  router.get('/all', (req) => req.one + req.two + req.three + req.four)
  // @ts-expect-error a Router widened by use() is still a Router: it has no listen()
  router.listen()
  new Router().use(pass, pass, pass, pass, pass, pass, pass, pass, pass, pass)
  // @ts-expect-error a use() call past eight steps takes only steps that add nothing
  new Router().use(pass, pass, pass, pass, pass, pass, pass, pass, one)
}

// WebSocket routes (#15): the handler gets ws's socket and the request typed like any route's
{
  const app = createApp()
  app.mount('/posts', (posts) => posts.ws('/:id/live', authenticate, (socket, req) => {
    expectType<Equal<typeof req.params, { id: string }>>()
    expectType<Equal<typeof req.user, User>>()
    expectType<Equal<typeof req.route, string>>()
    socket.send(req.user.name)
  }))
  // @ts-expect-error nothing before the handler adds req.user
  app.ws('/anonymous', (_socket, req: RouteRequest & { user: User }) => req.user.name)
}

// fromConnect(): any connect middleware's own types are taken; what it adds is declared, and typed after it.
{
  const upload = (_req: import('node:http').IncomingMessage, _res: import('node:http').ServerResponse, next: (error?: unknown) => void): void => next()
  const connectApp = createApp()
  connectApp.use(fromConnect(upload))
  connectApp.post('/avatar', fromConnect<{ file?: { size: number } }>(upload), (req) => {
    expectType<Equal<typeof req.file, { size: number } | undefined>>()
    return req.file?.size ?? 0
  })
  // @ts-expect-error a field the middleware was not declared to add
  connectApp.post('/other', fromConnect(upload), (req) => req.file)
}
