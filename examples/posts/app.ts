// The posts example: route-local chains (authenticate → authorise → handler), a sub-app with its own
// middleware, and the aiohttp-route-middleware onion demo. `npm start` serves it.
import { createApp, defineStep, HttpError, Router, text, type AppOptions, type RouteRequest } from '../../src/index.js'

interface User { name: string; permissions: string[] }

// Tokens stand in for a real identity provider.
const USERS: Record<string, User> = {
  reader: { name: 'rita', permissions: ['post:read'] },
  writer: { name: 'walt', permissions: ['post:read', 'post:write'] },
}

const posts = new Map<string, { id: string; title: string; author: string }>([
  ['1', { id: '1', title: 'Hello, routechain', author: 'walt' }],
])

const authenticate = defineStep<{ user: User }>(function authenticate(req) {
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
  const user = token === undefined ? undefined : USERS[token]
  if (user === undefined) return text('unauthenticated', { status: 401, headers: { 'www-authenticate': 'Bearer' } })
  req.user = user
  return undefined
})

function authorise(needed: string[]) {
  return function authorise(req: RouteRequest & { user: User }) {
    const missing = needed.filter((permission) => !req.user.permissions.includes(permission))
    if (missing.length > 0) return text(`forbidden: needs ${missing.join(', ')}`, { status: 403 })
    return undefined
  }
}

async function logRequest(req: RouteRequest, next: () => Promise<unknown>) {
  const started = performance.now()
  await next()
  console.log(`${req.method} ${req.url} ${(performance.now() - started).toFixed(2)}ms`)
}

/** Builds the example app; `server.ts` listens with it and the tests drive it. */
export function buildApp(options: AppOptions = {}) {
  const postRouter = new Router()
  postRouter.use(logRequest)
  postRouter.get('/:id', authenticate, authorise(['post:read']), function getPost(req) {
    const post = posts.get(req.params.id)
    if (post === undefined) throw new HttpError(404, `no post ${req.params.id}`)
    return post
  })
  postRouter.post('/:id', authenticate, authorise(['post:read', 'post:write']), async function savePost(req) {
    const body = await req.json<{ title?: unknown }>()
    if (typeof body.title !== 'string' || body.title === '') throw new HttpError(422, 'a post needs a "title" string')
    const post = { id: req.params.id, title: body.title, author: req.user.name }
    posts.set(post.id, post)
    return post
  })
  postRouter.delete('/:id', authenticate, authorise(['post:read', 'post:write']), function deletePost(req) {
    if (!posts.delete(req.params.id)) throw new HttpError(404, `no post ${req.params.id}`)
    return null
  })

  const app = createApp(options)
  app.get('/', () => 'routechain example: try GET /post/1 with "authorization: Bearer reader", or GET /onion')
  app.mount('/post', postRouter)

  // The aiohttp-route-middleware README example, as onion steps.
  const middleware1 = defineStep<{ extra_stuff: string[] }>(async function middleware1(req, next) {
    console.log('entering middleware 1')
    req.extra_stuff = ['foo']
    await next()
    console.log('exiting middleware 1')
  })
  const middleware2 = async function middleware2(req: RouteRequest & { extra_stuff: string[] }, next: () => Promise<unknown>) {
    console.log('.entering middleware 2')
    req.extra_stuff.push('bar')
    await next()
    console.log('.exiting middleware 2')
  }
  app.get('/onion', middleware1, middleware2, function test(req) {
    console.log('..entering handler')
    const body = `extra_stuff=[${req.extra_stuff.join(', ')}]`
    console.log('..exiting handler')
    return body
  })
  return app
}
