// The blog example: aiohttp's blog tutorial with sessions, server-rendered. Users log in through a form; the
// session (an encrypted cookie) remembers who they are; editing a post needs a login and records the editor.
// `npm start` serves it (server.ts); tests/examples/blog*.test.ts drive it over HTTP and in chromium.
//
//   GET  /                   the posts, with who is logged in
//   GET  /login, POST /login the login form; success regenerates the session and redirects (303) to /
//   POST /logout             invalidates the session (POST only: a GET could be triggered by any page)
//   GET  /posts/:post        a post and who last edited it
//   GET  /posts/:post/edit   the edit form       } requireLogin: 303 to /login
//   POST /posts/:post/edit   saves title and body } unless logged in
//   WS   /posts/:post/live   the post again on each save, for logged-in readers (live.ts)
//   /api/…                   a JSON API on the same posts, and its OpenAPI document (api.ts)
//   GET  /ready              200 while serving, 503 once closing: for a load balancer's health checks
import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto'
import {
  createApp, defineStep, EncryptedCookieStorage, html, ready, redirect, Router,
  type AppOptions, type CookieOptions, type FormFields, type KeyInput, type Reply, type RouteRequest, type SessionStorage,
} from '../../src/index.js'
import { blogApi } from './api.js'
import { LiveUpdates, liveScript } from './live.js'

/** Options for {@link buildBlog}: the app's options, less `session`, plus where sessions live. */
export interface BlogOptions extends Omit<AppOptions, 'session'> {
  /**
   * The key of the encrypted session cookie: 32 bytes or their base64, e.g. `process.env.SESSION_KEY` or
   * `generateKey()`. Give this or `storage`.
   */
  sessionKey?: KeyInput
  /** Where sessions live instead of an encrypted cookie: a `RedisStorage` for a fleet of processes. */
  storage?: SessionStorage
  /** The session cookie's attributes. @default routechain's: 'session', HttpOnly, SameSite=Lax, Secure over TLS */
  cookie?: CookieOptions
}

/** What this app keeps in a session. */
interface BlogSession {
  user: string
}

interface Post {
  slug: string
  title: string
  body: string
  /** Who last edited the post; the seed posts have none. */
  editor: string | undefined
}

// ---- users: in memory, passwords kept as scrypt hashes and compared in constant time

interface Credential { salt: Buffer; hash: Buffer }

const KEY_LENGTH = 32

function hashPassword(password: string, salt = randomBytes(16)): Credential {
  return { salt, hash: scryptSync(password, salt, KEY_LENGTH) }
}

const USERS = new Map<string, Credential>([
  ['alice', hashPassword('wonderland')],
  ['bob', hashPassword('builder')],
])
// checked against when the username is unknown, so a wrong name takes as long as a wrong password
const NOBODY = hashPassword(randomBytes(16).toString('hex'))

function scryptAsync(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_LENGTH, (error, key) => (error === null ? resolve(key) : reject(error)))
  })
}

/** The username when the password is right, otherwise `undefined`. */
async function checkPassword(username: string, password: string): Promise<string | undefined> {
  const credential = USERS.get(username)
  const hash = await scryptAsync(password, (credential ?? NOBODY).salt)
  const matches = timingSafeEqual(hash, (credential ?? NOBODY).hash)
  return matches && credential !== undefined ? username : undefined
}

// ---- HTML

const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' } as const

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c as keyof typeof ENTITIES])
}

const STYLE = 'body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}' +
  'header{display:flex;gap:1rem;align-items:center;border-bottom:1px solid #ccc;margin-bottom:1rem}' +
  'header form{margin:0}label{display:block;margin:.5rem 0}input,textarea{display:block;width:100%}' +
  '.error{color:#b00}.meta{color:#666}'

// Pages show who is logged in, so no cache may keep them (the back button after logout included); the CSP
// is a second line behind escaping: no script runs, whatever a title holds.
const PAGE_HEADERS = {
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
}

/** The header's login status: a link to the login form, or who is logged in with a button to log out. */
export function loginStatus(user: string | undefined): string {
  return user === undefined
    ? '<a href="/login">Log in</a>'
    : `<span id="user">Logged in as <strong>${escapeHtml(user)}</strong></span>` +
      '<form method="post" action="/logout"><button type="submit">Log out</button></form>'
}

function page(user: string | undefined, title: string, content: string, status = 200): Reply {
  const who = loginStatus(user)
  return html(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)} · routechain blog</title><style>${STYLE}</style></head>
<body>
<header><a href="/">routechain blog</a>${who}</header>
<main>
${content}
</main>
</body>
</html>
`, { status, headers: PAGE_HEADERS })
}

/** The logged-in username, or `undefined`; the page renderers show it. */
async function currentUser(req: RouteRequest): Promise<string | undefined> {
  const session = await req.session<BlogSession>()
  const user = session.get('user')
  return typeof user === 'string' && USERS.has(user) ? user : undefined
}

/** Edits and the login form send each field once; anything else (missing, repeated) reads as empty. */
function field(fields: FormFields, name: string): string {
  const value = fields[name]
  return typeof value === 'string' ? value : ''
}

/** Lets a route run only for a logged-in user, whom it puts on `req.user`; others go to the login form. */
export const requireLogin = defineStep<{ user: string }>(async function requireLogin(req) {
  const user = await currentUser(req)
  if (user === undefined) return redirect('/login')
  req.user = user
  return undefined
})

function loginForm(user: string | undefined, options: { username?: string; error?: string } = {}, status = 200): Reply {
  const error = options.error === undefined ? '' : `<p class="error" role="alert">${escapeHtml(options.error)}</p>\n`
  return page(user, 'Log in', `<h1>Log in</h1>
${error}<form method="post" action="/login">
<label>Username <input name="username" autocomplete="username" required value="${escapeHtml(options.username ?? '')}"></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Log in</button>
</form>`, status)
}

/**
 * Builds the blog. Each call has its own posts (users are fixed: alice/wonderland, bob/builder); `server.ts`
 * listens with it and the tests drive it.
 */
export function buildBlog(options: BlogOptions) {
  const { sessionKey, storage, cookie, ...appOptions } = options
  if ((sessionKey === undefined) === (storage === undefined)) throw new TypeError('buildBlog() takes a sessionKey or a storage, one of the two')
  const posts = new Map<string, Post>()
  for (const post of [
    { slug: 'hello-world', title: 'Hello, world', body: 'The first post of the routechain blog.' },
    { slug: 'some-post', title: 'Some post', body: 'Log in to edit me.' },
  ]) posts.set(post.slug, { ...post, editor: undefined })

  const noSuchPost = (user: string | undefined, slug: string): Reply =>
    page(user, 'Not found', `<h1>Not found</h1>\n<p>There is no post “${escapeHtml(slug)}”.</p>`, 404)

  const live = new LiveUpdates()
  const app = createApp({
    ...appOptions,
    session: { storage: storage ?? new EncryptedCookieStorage(sessionKey as KeyInput), ...(cookie === undefined ? {} : { cookie }) },
  })
  app.get('/ready', ready())

  app.get('/', async function listPosts(req) {
    const items = [...posts.values()].map((post) =>
      `<li><a href="/posts/${encodeURIComponent(post.slug)}">${escapeHtml(post.title)}</a>` +
      (post.editor === undefined ? '' : ` <span class="meta">edited by ${escapeHtml(post.editor)}</span>`) + '</li>')
    return page(await currentUser(req), 'Posts', `<h1>Posts</h1>\n<ul>\n${items.join('\n')}\n</ul>`)
  })

  app.get('/login', async function showLogin(req) {
    return loginForm(await currentUser(req))
  })

  app.post('/login', async function logIn(req) {
    const fields = await req.form({ limit: 16 * 1024 })
    const username = field(fields, 'username').trim()
    const user = await checkPassword(username, field(fields, 'password'))
    if (user === undefined) {
      return loginForm(await currentUser(req), { username, error: 'Wrong username or password.' }, 401)
    }
    const session = await req.session<BlogSession>()
    session.regenerate() // a new identity at login, against session fixation
    session.set('user', user)
    return redirect('/')
  })

  async function logOut(req: RouteRequest): Promise<Reply> {
    const session = await req.session()
    session.invalidate()
    return redirect('/')
  }
  app.post('/logout', logOut)

  const postRouter = new Router()
  postRouter.get('/', function postsIndex() { return redirect('/') })

  postRouter.get('/:post', async function showPost(req) {
    const user = await currentUser(req)
    const post = posts.get(req.params.post)
    if (post === undefined) return noSuchPost(user, req.params.post)
    const slug = encodeURIComponent(post.slug)
    const editor = post.editor === undefined ? 'never edited' : `edited by <span id="editor">${escapeHtml(post.editor)}</span>`
    return page(user, post.title, `<article>
<h1 id="title">${escapeHtml(post.title)}</h1>
<p class="meta">${editor} · <a href="/posts/${slug}/edit">Edit</a></p>
<p id="body">${escapeHtml(post.body)}</p>
<p class="meta" id="live" data-state="connecting">Connecting…</p>
<script src="/static/live.js" data-post="${escapeHtml(post.slug)}"></script>
</article>`)
  })

  postRouter.get('/:post/edit', requireLogin, function editForm(req) {
    const post = posts.get(req.params.post)
    if (post === undefined) return noSuchPost(req.user, req.params.post)
    return editPage(req.user, post)
  })

  postRouter.post('/:post/edit', requireLogin, async function savePost(req) {
    const post = posts.get(req.params.post)
    if (post === undefined) return noSuchPost(req.user, req.params.post)
    const fields = await req.form({ limit: 64 * 1024 })
    const title = field(fields, 'title').trim()
    const body = field(fields, 'body')
    if (title === '') return editPage(req.user, { ...post, body }, 'A post needs a title.', 422)
    post.title = title
    post.body = body
    post.editor = req.user
    live.publish(post)
    return redirect(`/posts/${encodeURIComponent(post.slug)}`)
  })

  // readers who are logged in follow a post's edits live; a visitor's upgrade gets requireLogin's redirect
  postRouter.ws('/:post/live', requireLogin, function followPost(socket, req) {
    if (!posts.has(req.params.post)) return socket.close(4404, 'no such post')
    live.follow(req.params.post, socket)
  })
  app.get('/static/live.js', liveScript)

  app.mount('/posts', postRouter)
  // kept, not only called: what mount() returns has the API's routes in its type, for createClient<Blog>()
  return app.mount('/api', blogApi(app, posts, currentUser, (post) => live.publish(post)))
}

/** The blog app's type: `createClient<Blog>()` calls its JSON API typed. */
export type Blog = ReturnType<typeof buildBlog>

function editPage(user: string, post: Post, error?: string, status = 200): Reply {
  const slug = encodeURIComponent(post.slug)
  const message = error === undefined ? '' : `<p class="error" role="alert">${escapeHtml(error)}</p>\n`
  return page(user, `Edit ${post.title}`, `<h1>Edit “${escapeHtml(post.title)}”</h1>
${message}<form method="post" action="/posts/${slug}/edit">
<label>Title <input name="title" required value="${escapeHtml(post.title)}"></label>
<label>Body <textarea name="body" rows="8">${escapeHtml(post.body)}</textarea></label>
<button type="submit">Save</button>
</form>`, status)
}
