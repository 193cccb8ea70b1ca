// The typed client against the blog example over real HTTP: createClient<Blog>() with a middleware chain
// (logging, retry, and a middleware that logs in when the API answers 401), per-request middlewares, route
// patterns with params, and a validated PATCH the server refuses with a problem document. The types of
// these calls are checked where they are written: this file compiles only if they hold.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { buildBlog, type Blog } from '../../examples/blog/app.js'
import { createClient, logRequests, retry, type ClientMiddleware } from '../../src/client/index.js'
import { generateKey } from '../../src/index.js'
import { recordingLogger, serve, type TestServer } from '../_helpers/http.js'

const typed = suite<{ server?: TestServer }>('typed client against examples/blog')

typed.before.each(async (context) => {
  context.server = await serve(buildBlog({ sessionKey: generateKey(), logger: recordingLogger().logger }))
})
typed.after.each(async (context) => {
  await context.server?.close()
})

/** A middleware that, on a 401, logs in as alice once and sends the request again with her session cookie. */
function logInOn401(baseUrl: string, loggedIn: string[]): ClientMiddleware {
  let cookie: string | undefined
  return async function logInOn401(req, next) {
    const first = await next(cookie === undefined ? req : { ...req, headers: { ...req.headers, cookie } })
    if (first.status !== 401) return first
    await first.discard()
    const login = await createClient({ baseUrl, maxRedirects: 0 }).post('/login', { form: { username: 'alice', password: 'wonderland' } })
    await login.discard()
    const line = ([] as string[]).concat(login.headers['set-cookie'] ?? []).find((c) => c.startsWith('session='))
    assert.ok(line !== undefined, 'the login answered no session cookie')
    cookie = line.split(';')[0]
    loggedIn.push(req.url.pathname)
    return next({ ...req, headers: { ...req.headers, cookie: cookie as string } })
  }
}

typed('route patterns with params, through the client middlewares, typed from the routes', async ({ server }) => {
  const lines: string[] = []
  const api = createClient<Blog>({ baseUrl: server!.url, middlewares: [logRequests((line) => lines.push(line)), retry()] })
  try {
    const list = await api.get('/api/posts')
    assert.is(list.status, 200)
    if (!list.ok) return assert.unreachable('the list failed')
    const posts = await list.json()
    assert.equal(posts.map((post) => post.slug), ['hello-world', 'some-post'])

    const one = await api.get('/api/posts/:post', { params: { post: 'hello-world' } })
    if (!one.ok) return assert.unreachable(`GET /api/posts/hello-world answered ${one.status}`)
    const post = await one.json()
    assert.equal(post, { slug: 'hello-world', title: 'Hello, world', body: 'The first post of the routechain blog.', editor: null })

    const missing = await api.get('/api/posts/:post', { params: { post: 'nope' } })
    assert.is(missing.status, 404)
    assert.is(missing.ok, false)
    await missing.text()

    assert.equal(lines.map((line) => line.split(' ').slice(0, 3).join(' ')), [
      'GET http://127.0.0.1:' + new URL(server!.url).port + '/api/posts 200',
      'GET http://127.0.0.1:' + new URL(server!.url).port + '/api/posts/hello-world 200',
      'GET http://127.0.0.1:' + new URL(server!.url).port + '/api/posts/nope 404',
    ])
  } finally {
    await api.close()
  }
})

typed('a validated PATCH the server refuses comes back as its problem document; a valid one logs in on 401 and saves', async ({ server }) => {
  const loggedIn: string[] = []
  const api = createClient<Blog>({ baseUrl: server!.url, middlewares: [retry(), logInOn401(server!.url, loggedIn)] })
  try {
    const refused = await api.patch('/api/posts/:post', { params: { post: 'some-post' }, json: { title: '   ' } })
    assert.is(refused.status, 400)
    assert.is(refused.header('content-type'), 'application/problem+json')
    if (refused.status !== 400) return assert.unreachable('not refused')
    const problem = await refused.json()
    assert.is(problem.status, 400)
    assert.equal(problem.errors.map((issue) => `${issue.in} ${issue.path}`), ['body /title'])
    assert.equal(loggedIn, [], 'a 400 is not a 401: no login')

    const saved = await api.patch('/api/posts/:post', { params: { post: 'some-post' }, json: { title: 'Typed title' } })
    if (!saved.ok) return assert.unreachable(`PATCH answered ${saved.status}: ${await saved.text()}`)
    const post = await saved.json()
    assert.equal(post, { slug: 'some-post', title: 'Typed title', body: 'Log in to edit me.', editor: 'alice' })
    assert.equal(loggedIn, ['/api/posts/some-post'], 'the 401 was answered by logging in once')
  } finally {
    await api.close()
  }
})

typed('per-request middlewares replace the client\'s; with() adds to them; the client stays typed', async ({ server }) => {
  const loggedIn: string[] = []
  const api = createClient<Blog>({ baseUrl: server!.url, middlewares: [logInOn401(server!.url, loggedIn)] })
  try {
    // without the client's middlewares, nobody logs in: the 401 comes back as it is
    const bare = await api.patch('/api/posts/:post', { params: { post: 'some-post' }, json: { body: 'x' }, middlewares: [] })
    assert.is(bare.status, 401)
    await bare.text()
    assert.equal(loggedIn, [])

    const seen: string[] = []
    const watched = api.with(async (req, next) => {
      seen.push(`${req.method} ${req.url.pathname}`)
      return next(req)
    })
    const changed = await watched.patch('/api/posts/:post', { params: { post: 'hello-world' }, json: { body: 'Edited through with()' } })
    if (!changed.ok) return assert.unreachable(`PATCH answered ${changed.status}`)
    assert.is((await changed.json()).body, 'Edited through with()')
    // the added middleware is innermost: it sees the first try and the one after logging in
    assert.equal(seen, ['PATCH /api/posts/hello-world', 'PATCH /api/posts/hello-world'])
    assert.equal(loggedIn, ['/api/posts/hello-world'])
  } finally {
    await api.close()
  }
})

typed.run()
