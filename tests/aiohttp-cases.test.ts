// The cases of the aiohttp-route-middleware README, ported to routechain and run over real HTTP.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createApp, defineStep, Router, text, type App, type RouteRequest } from '../src/index.js'
import { withServer } from './_helpers/http.js'

// ---------------------------------------------------------------------------------------------------------------

const onion = suite('defineStep onion middleware (README "Basic")')

onion('middleware1 and middleware2 wrap the handler in onion order and share extra_stuff', async () => {
  const printed: string[] = []
  const middleware1 = defineStep<{ extra_stuff: string[] }>(async function middleware1(req, next) {
    printed.push('entering middleware 1')
    req.extra_stuff = ['foo']
    await next()
    printed.push('exiting middleware 1')
  })
  const middleware2 = defineStep<{}, { extra_stuff: string[] }>(async function middleware2(req, next) {
    printed.push('.entering middleware 2')
    req.extra_stuff.push('bar')
    await next()
    printed.push('.exiting middleware 2')
  })
  const app = createApp()
  app.get('/', middleware1, middleware2, function test(req) {
    printed.push('..entering handler')
    const response = text(`extra_stuff=[${req.extra_stuff.join(', ')}]`)
    printed.push('..exiting handler')
    return response
  })
  await withServer(app, async (s) => {
    const res = await s.fetch('/')
    assert.is(res.status, 200)
    assert.is(res.body, 'extra_stuff=[foo, bar]')
    assert.equal(printed, [
      'entering middleware 1',
      '.entering middleware 2',
      '..entering handler',
      '..exiting handler',
      '.exiting middleware 2',
      'exiting middleware 1',
    ])
  })
})

onion.run()

// ---------------------------------------------------------------------------------------------------------------

const failure = suite('middleware failure (README "Middleware failure")')

failure('authenticate answers 401 "unauthenticated" before the handler runs', async () => {
  let handlerRan = false
  const app = createApp()
  app.get('/', function authenticate() {
    return text('unauthenticated', { status: 401 })
  }, function test() {
    handlerRan = true
    return text('Success')
  })
  await withServer(app, async (s) => {
    const res = await s.fetch('/')
    assert.is(res.status, 401)
    assert.is(res.body, 'unauthenticated')
    assert.not.ok(handlerRan, 'the handler must not run')
  })
})

failure.run()

// ---------------------------------------------------------------------------------------------------------------

const plain = suite('plain steps (README basic, steps returning None)')

plain('a step that returns undefined lets the next one answer', async () => {
  const middleware1 = defineStep<{ extra_stuff: string[] }>(function middleware1(req) {
    req.extra_stuff = ['foo']
    return undefined
  })
  const middleware2 = defineStep<{}, { extra_stuff: string[] }>(async function middleware2(req) {
    req.extra_stuff.push('bar')
    return undefined
  })
  const app = createApp()
  app.get('/', middleware1, middleware2, async function test(req) {
    return text(`extra_stuff=[${req.extra_stuff.join(', ')}]`)
  })
  await withServer(app, async (s) => {
    const res = await s.fetch('/')
    assert.is(res.status, 200)
    assert.is(res.body, 'extra_stuff=[foo, bar]')
  })
})

plain.run()

// ---------------------------------------------------------------------------------------------------------------

interface User { name: string; permissions: string[] }

const USERS: Record<string, User> = {
  'reader-token': { name: 'rita', permissions: ['post:read'] },
  'writer-token': { name: 'walt', permissions: ['post:read', 'post:write'] },
}

/** The /post/{id} table: a router mounted at /post whose routes each carry their own authenticate and authorise. */
function postApp(): { app: App; handled: string[] } {
  const handled: string[] = []

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

  const post = new Router()
  post.get('/:id', authenticate, authorise(['post:read']), function get_post(req) {
    handled.push(`get_post ${req.params.id}`)
    return { handler: 'get_post', id: req.params.id, user: req.user.name }
  })
  post.post('/:id', authenticate, authorise(['post:read', 'post:write']), async function create_post(req) {
    handled.push(`create_post ${req.params.id}`)
    return { handler: 'create_post', id: req.params.id, user: req.user.name }
  })
  post.delete('/:id', authenticate, authorise(['post:read', 'post:write']), function delete_post(req) {
    handled.push(`delete_post ${req.params.id}`)
    return { handler: 'delete_post', id: req.params.id, user: req.user.name }
  })

  const app = createApp()
  app.mount('/post', post)
  return { app, handled }
}

const METHODS = ['GET', 'POST', 'DELETE'] as const
const HANDLERS = { GET: 'get_post', POST: 'create_post', DELETE: 'delete_post' } as const

const table = suite('Router mounted at /post (README /post/{id} table)')

table('without a valid bearer token every method answers 401 and no handler runs', async () => {
  const { app, handled } = postApp()
  await withServer(app, async (s) => {
    for (const method of METHODS) {
      const none = await s.fetch('/post/1', { method })
      assert.is(none.status, 401, `${method} without a token`)
      assert.is(none.body, 'unauthenticated')
      assert.is(none.headers['www-authenticate'], 'Bearer')
      const wrong = await s.fetch('/post/1', { method, headers: { authorization: 'Bearer nobody' } })
      assert.is(wrong.status, 401, `${method} with an unknown token`)
    }
    assert.equal(handled, [])
  })
})

table('a read-only user can GET a post; the handler sees req.params.id and req.user', async () => {
  const { app, handled } = postApp()
  await withServer(app, async (s) => {
    const res = await s.fetch('/post/42', { headers: { authorization: 'Bearer reader-token' } })
    assert.is(res.status, 200)
    assert.equal(JSON.parse(res.body), { handler: 'get_post', id: '42', user: 'rita' })
    assert.equal(handled, ['get_post 42'])
  })
})

table('a read-only user gets 403 on POST and DELETE, before the handler runs', async () => {
  const { app, handled } = postApp()
  await withServer(app, async (s) => {
    for (const method of ['POST', 'DELETE'] as const) {
      const res = await s.fetch('/post/42', { method, headers: { authorization: 'Bearer reader-token' } })
      assert.is(res.status, 403, method)
      assert.is(res.body, 'forbidden: needs post:write', method)
    }
    assert.equal(handled, [])
  })
})

table('a writer can GET, POST and DELETE', async () => {
  const { app, handled } = postApp()
  await withServer(app, async (s) => {
    for (const method of METHODS) {
      const res = await s.fetch('/post/7', { method, headers: { authorization: 'Bearer writer-token' } })
      assert.is(res.status, 200, method)
      assert.equal(JSON.parse(res.body), { handler: HANDLERS[method], id: '7', user: 'walt' }, method)
    }
    assert.equal(handled, ['get_post 7', 'create_post 7', 'delete_post 7'])
  })
})

table('the handler sees the decoded id', async () => {
  const { app } = postApp()
  await withServer(app, async (s) => {
    const res = await s.fetch('/post/hello%20world', { headers: { authorization: 'Bearer writer-token' } })
    assert.is(res.status, 200)
    assert.equal(JSON.parse(res.body), { handler: 'get_post', id: 'hello world', user: 'walt' })
  })
})

table.run()
