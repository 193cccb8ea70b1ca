import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createApp, Reply, Router, type Next, type RouteRequest } from '../../src/index.js'
import { withServer } from '../_helpers/http.js'
import { allowOf, listenError, throwsConfig } from '../_helpers/assert.js'

/** An onion step that records `name>` on the way in and `<name` on the way out. */
function onion(name: string, log: string[]): (req: RouteRequest, next: Next) => Promise<Reply> {
  const step = async (_req: RouteRequest, next: Next): Promise<Reply> => {
    log.push(`${name}>`)
    const res = await next()
    log.push(`<${name}`)
    return res
  }
  Object.defineProperty(step, 'name', { value: name })
  return step
}

// ---------------------------------------------------------------------------------------------------------------------

const mount = suite('Router#mount')

mount('runs app use steps, then the sub-app use steps, then the route steps, and unwinds in reverse', async () => {
  const log: string[] = []
  const app = createApp()
  app.use(onion('app', log))
  const post = new Router()
  post.use(onion('post', log))
  post.get('/:id', onion('route', log), (req) => `post ${req.params.id}`)
  app.mount('/post', post)
  await withServer(app, async (s) => {
    const res = await s.fetch('/post/7')
    assert.is(res.status, 200)
    assert.is(res.body, 'post 7')
    assert.equal(log, ['app>', 'post>', 'route>', '<route', '<post', '<app'])
  })
})

mount('does not run a sub-app use step for app routes or for a sibling router', async () => {
  const log: string[] = []
  const app = createApp()
  app.get('/other', () => 'other')
  const post = new Router()
  post.use(onion('post', log))
  post.get('/:id', () => 'post')
  const user = new Router()
  user.use(onion('user', log))
  user.get('/:id', () => 'user')
  app.mount('/post', post)
  app.mount('/user', user)
  await withServer(app, async (s) => {
    assert.is((await s.fetch('/other')).body, 'other')
    assert.equal(log, [])
    assert.is((await s.fetch('/user/1')).body, 'user')
    assert.equal(log, ['user>', '<user'])
    log.length = 0
    assert.is((await s.fetch('/post/1')).body, 'post')
    assert.equal(log, ['post>', '<post'])
  })
})

mount('answers 405 inside the prefix with an Allow header listing the methods of that path', async () => {
  const app = createApp()
  const post = new Router()
  post.get('/:id', () => 'read')
  post.delete('/:id', () => 'deleted')
  post.post('/', () => 'created')
  app.mount('/post', post)
  await withServer(app, async (s) => {
    const res = await s.fetch('/post/1', { method: 'PUT' })
    assert.is(res.status, 405)
    assert.is(res.body, 'Method Not Allowed')
    assert.equal(allowOf(res.headers), ['DELETE', 'GET', 'HEAD', 'OPTIONS'])
    const atPrefix = await s.fetch('/post', { method: 'DELETE' })
    assert.is(atPrefix.status, 405)
    assert.equal(allowOf(atPrefix.headers), ['OPTIONS', 'POST'])
  })
})

mount('lets routes see the params of every prefix they are mounted under', async () => {
  const app = createApp()
  const users = new Router<{}, '/users/:userId'>()
  users.get('/posts/:postId', (req) => ({ userId: req.params.userId, postId: req.params.postId }))
  const comments = new Router<{}, '/users/:userId/posts/:postId/comments'>()
  comments.get('/:commentId', (req) => ({ ...req.params }))
  users.mount('/posts/:postId/comments', comments)
  app.mount('/users/:userId', users)
  await withServer(app, async (s) => {
    const post = await s.fetch('/users/u1/posts/p2')
    assert.is(post.status, 200)
    assert.equal(JSON.parse(post.body), { userId: 'u1', postId: 'p2' })
    const comment = await s.fetch('/users/u1/posts/p2/comments/c3')
    assert.equal(JSON.parse(comment.body), { userId: 'u1', postId: 'p2', commentId: 'c3' })
  })
})

mount('serves a router mounted in two places under both prefixes, with its use steps in each', async () => {
  const log: string[] = []
  const app = createApp()
  const shared = new Router()
  shared.use(onion('shared', log))
  shared.get('/ping', (req) => `pong ${req.path}`)
  app.mount('/a', shared)
  app.mount('/b', shared)
  await withServer(app, async (s) => {
    assert.is((await s.fetch('/a/ping')).body, 'pong /a/ping')
    assert.is((await s.fetch('/b/ping')).body, 'pong /b/ping')
    assert.equal(log, ['shared>', '<shared', 'shared>', '<shared'])
    assert.is((await s.fetch('/ping')).status, 404)
  })
})

mount('runs the use steps of every level, outermost first, through mounts nested five deep', async () => {
  const log: string[] = []
  const app = createApp()
  app.use(onion('app', log))
  const levels = [1, 2, 3, 4, 5].map((n) => {
    const router = new Router()
    router.use(onion(`l${n}`, log))
    return router
  })
  const [l1, l2, l3, l4, l5] = levels as [Router, Router, Router, Router, Router]
  l5.get('/leaf', () => 'leaf')
  l2.get('/here', () => 'here')
  l4.mount('/l5', l5)
  l3.mount('/l4', l4)
  l2.mount('/l3', l3)
  l1.mount('/l2', l2)
  app.mount('/l1', l1)
  await withServer(app, async (s) => {
    assert.is((await s.fetch('/l1/l2/l3/l4/l5/leaf')).body, 'leaf')
    assert.equal(log, ['app>', 'l1>', 'l2>', 'l3>', 'l4>', 'l5>', '<l5', '<l4', '<l3', '<l2', '<l1', '<app'])
    log.length = 0
    assert.is((await s.fetch('/l1/l2/here')).body, 'here')
    assert.equal(log, ['app>', 'l1>', 'l2>', '<l2', '<l1', '<app'])
  })
})

mount('fills a new router through the callback form, whose routes see the prefix params', async () => {
  const log: string[] = []
  const app = createApp()
  app.mount('/users/:userId', (r) => {
    r.use(onion('users', log))
    r.get('/x', (req) => req.params.userId)
  })
  app.get('/outside', () => 'outside')
  await withServer(app, async (s) => {
    assert.is((await s.fetch('/users/42/x')).body, '42')
    assert.equal(log, ['users>', '<users'])
    assert.is((await s.fetch('/outside')).body, 'outside')
    assert.equal(log, ['users>', '<users'])
  })
})

mount("answers a '/' route at the prefix itself", async () => {
  const app = createApp()
  const post = new Router()
  post.get('/', () => 'index')
  post.get('/:id', (req) => `post ${req.params.id}`)
  app.mount('/post', post)
  await withServer(app, async (s) => {
    const index = await s.fetch('/post')
    assert.is(index.status, 200)
    assert.is(index.body, 'index')
    assert.is((await s.fetch('/post/3')).body, 'post 3')
  })
})

mount("treats a trailing '/' on the prefix, and the prefix '/', as the same place", async () => {
  const app = createApp()
  const blog = new Router()
  blog.get('/x', () => 'blog x')
  blog.get('/', () => 'blog index')
  const root = new Router()
  root.get('/y', () => 'root y')
  app.mount('/blog/', blog)
  app.mount('/', root)
  await withServer(app, async (s) => {
    assert.is((await s.fetch('/blog/x')).body, 'blog x')
    assert.is((await s.fetch('/blog')).body, 'blog index')
    assert.is((await s.fetch('/y')).body, 'root y')
  })
})

mount("refuses a prefix that does not start with '/'", () => {
  const app = createApp()
  const r = new Router()
  throwsConfig(() => app.mount('post', r), /mount prefix must start with '\/', got "post"/)
  throwsConfig(() => app.mount('', r), /mount prefix must start with '\/'/)
  throwsConfig(() => app.mount(42 as unknown as string, r), /mount prefix must start with '\/'/)
})

mount('refuses something that is neither a router nor a function', () => {
  const app = createApp()
  throwsConfig(() => app.mount('/x', {} as unknown as Router), /takes a Router or a function/)
  throwsConfig(() => app.mount('/x', null as unknown as Router), /takes a Router or a function/)
})

mount('refuses to mount a router into itself', () => {
  const r = new Router()
  throwsConfig(() => r.mount('/self', r), /cannot be mounted into itself/)
  const app = createApp()
  throwsConfig(() => app.mount('/app', app), /cannot be mounted into itself/)
})

mount('refuses, at listen(), routers mounted inside each other', async () => {
  const app = createApp()
  const a = new Router()
  const b = new Router()
  a.get('/x', () => 'x')
  a.mount('/b', b)
  b.mount('/a', a)
  app.mount('/a', a)
  assert.match((await listenError(app)).message, /mounted inside itself/)
})

mount('refuses to mount an App, whose own handlers and options would be ignored', () => {
  throwsConfig(() => createApp().mount('/inner', createApp()), /mount a Router instead/)
})

mount.run()

// ---------------------------------------------------------------------------------------------------------------------

const verbs = suite('Router#get #post #put #patch #delete #head #options')

verbs('routes each method to its own steps', async () => {
  const app = createApp()
  const r = new Router()
  r.get('/v', () => 'GET')
  r.post('/v', () => 'POST')
  r.put('/v', () => 'PUT')
  r.patch('/v', () => 'PATCH')
  r.delete('/v', () => 'DELETE')
  r.options('/v', () => 'OPTIONS')
  r.head('/v', () => new Reply(null, 200, { 'x-route': 'head' }))
  app.mount('/m', r)
  await withServer(app, async (s) => {
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const) {
      const res = await s.fetch('/m/v', { method })
      assert.is(res.status, 200, method)
      assert.is(res.body, method)
    }
    const head = await s.fetch('/m/v', { method: 'HEAD' })
    assert.is(head.status, 200)
    assert.is(head.headers['x-route'], 'head')
    assert.is(head.body, '')
  })
})

verbs('refuses a route with no steps', () => {
  const r = new Router()
  // @ts-expect-error: a call with no step is a type error too; JavaScript callers get this one
  throwsConfig(() => r.get('/x'), /route GET \/x needs at least one step/)
  // @ts-expect-error: a call with no step is a type error too; JavaScript callers get this one
  throwsConfig(() => r.post('/x'), /route POST \/x needs at least one step/)
})

verbs('refuses a step that is not a function, naming its position', () => {
  const r = new Router()
  throwsConfig(() => r.get('/x', 'nope' as never), /route GET \/x: step 1 is a string, not a function/)
  throwsConfig(() => r.put('/x', () => 'ok', 42 as never), /route PUT \/x: step 2 is a number, not a function/)
})

verbs("refuses a path that does not start with '/'", () => {
  const r = new Router()
  throwsConfig(() => r.get('x', () => 'x'), /route GET x: a route path must be a string starting with '\/', got "x"/)
  throwsConfig(() => r.delete('', () => 'x'), /a route path must be a string starting with '\/'/)
  throwsConfig(() => r.patch(7 as unknown as string, () => 'x'), /a route path must be a string starting with '\/'/)
})

verbs('keeps a refused route out of the table', async () => {
  const app = createApp()
  try {
    app.get('/bad', 'nope' as never)
  } catch {
    // expected: checked above
  }
  app.get('/good', () => 'good')
  await withServer(app, async (s) => {
    assert.is((await s.fetch('/bad')).status, 404)
    assert.is((await s.fetch('/good')).body, 'good')
  })
})

verbs.run()

// ---------------------------------------------------------------------------------------------------------------------

const all = suite('Router#all')

all('answers every method, including ones without a verb helper', async () => {
  const app = createApp()
  const r = new Router()
  r.all('/any', (req) => `any ${req.method}`)
  app.mount('/r', r)
  await withServer(app, async (s) => {
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PURGE']) {
      const res = await s.fetch('/r/any', { method })
      assert.is(res.status, 200, method)
      assert.is(res.body, `any ${method}`)
    }
  })
})

all('refuses a route with no steps', () => {
  // @ts-expect-error: a call with no step is a type error too; JavaScript callers get this one
  throwsConfig(() => new Router().all('/x'), /needs at least one step/)
})

all.run()

// ---------------------------------------------------------------------------------------------------------------------

const route = suite('Router#route')

route('adds a route for one method', async () => {
  const app = createApp()
  app.route('PUT', '/r', () => 'put')
  await withServer(app, async (s) => {
    assert.is((await s.fetch('/r', { method: 'PUT' })).body, 'put')
    const get = await s.fetch('/r')
    assert.is(get.status, 405)
    assert.equal(allowOf(get.headers), ['OPTIONS', 'PUT'])
  })
})

route('adds one route for several methods', async () => {
  const app = createApp()
  let calls = 0
  app.route(['GET', 'POST'], '/multi', (req) => {
    calls++
    return `multi ${req.method}`
  })
  await withServer(app, async (s) => {
    assert.is((await s.fetch('/multi')).body, 'multi GET')
    assert.is((await s.fetch('/multi', { method: 'POST' })).body, 'multi POST')
    assert.is(calls, 2)
    const put = await s.fetch('/multi', { method: 'PUT' })
    assert.is(put.status, 405)
    assert.equal(allowOf(put.headers), ['GET', 'HEAD', 'OPTIONS', 'POST'])
  })
})

route('refuses an unknown or lower-case method at registration', () => {
  const r = new Router()
  throwsConfig(() => r.route('FETCH', '/x', () => 'x'), /unknown HTTP method "FETCH": use one of .*GET.*\(upper case\)/)
  throwsConfig(() => r.route('get', '/x', () => 'x'), /unknown HTTP method "get"/)
  throwsConfig(() => r.route(['GET', 'BREW'], '/x', () => 'x'), /unknown HTTP method "BREW"/)
})

route('refuses an empty method list', () => {
  throwsConfig(() => new Router().route([], '/x', () => 'x'), /name at least one method/)
})

route('checks steps and path like the verb helpers', () => {
  const r = new Router()
  // @ts-expect-error: a call with no step is a type error too; JavaScript callers get this one
  throwsConfig(() => r.route('GET', '/x'), /route GET \/x needs at least one step/)
  throwsConfig(() => r.route(['GET', 'POST'], '/x', null as never), /route \[GET, POST\] \/x: step 1 is a object, not a function/)
  throwsConfig(() => r.route('GET', 'x', () => 'x'), /a route path must be a string starting with '\/'/)
})

route.run()

// ---------------------------------------------------------------------------------------------------------------------

const use = suite('Router#use')

use('runs use steps added after the routes too', async () => {
  const log: string[] = []
  const app = createApp()
  const r = new Router()
  r.get('/x', () => 'x')
  r.use(onion('late', log))
  app.mount('/r', r)
  await withServer(app, async (s) => {
    assert.is((await s.fetch('/r/x')).body, 'x')
    assert.equal(log, ['late>', '<late'])
  })
})

use('lets a plain use step answer early, so later steps do not run', async () => {
  const app = createApp()
  let reached = false
  const r = new Router()
  r.use((req) => (req.headers.authorization === undefined ? new Reply('no', 401) : undefined))
  r.get('/x', () => {
    reached = true
    return 'x'
  })
  app.mount('/r', r)
  await withServer(app, async (s) => {
    const res = await s.fetch('/r/x')
    assert.is(res.status, 401)
    assert.is(reached, false)
    assert.is((await s.fetch('/r/x', { headers: { authorization: 'yes' } })).body, 'x')
  })
})

use('refuses no steps and non-function steps', () => {
  const r = new Router()
  // @ts-expect-error: a call with no step is a type error too; JavaScript callers get this one
  throwsConfig(() => r.use(), /use\(\) needs at least one step/)
  throwsConfig(() => r.use('x' as never), /use\(\): step 1 is a string, not a function/)
})

use.run()
