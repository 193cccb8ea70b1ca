// The routechain twin of blog.py, route for route: the same pages, users and session data (`user`), the posts in
// the same JSON file, the session in the same store under the same cookie name. A load balancer can send any of
// these paths to either side and the user sees one blog; the migration moves them here one at a time.
//
//   aiohttp (blog.py)                              routechain (here)
//   aiohttp_session.setup(app, storage)            createApp({ session: { storage, cookie: { name } } })
//   @require_login (a decorator raising HTTPSeeOther) requireLogin, a step before the handler
//   await get_session(request)                     await req.session()
//   await new_session(request)                     session.regenerate()
//   raise web.HTTPSeeOther('/')                    return redirect('/')
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { createApp, defineStep, html, ready, redirect, type FormFields, type Logger, type Reply, type RouteRequest, type SessionStorage } from '../../src/index.js'
import { escapeHtml, loginStatus } from '../blog/app.js'

/** One post, as both sides keep it in the posts file. */
export interface Post {
  slug: string
  title: string
  body: string
  /** Who last edited it; `null` until someone does (Python's `None`). */
  editor: string | null
}

/** What {@link buildMigrationBlog} needs: the shared session store, cookie name and posts file. */
export interface MigrationBlogOptions {
  /** The same store as blog.py's: an `EncryptedCookieStorage` with its keys, or a `RedisStorage` on its Redis. */
  storage: SessionStorage
  /** The session cookie's name, the same as blog.py's `--cookie`. */
  cookieName: string
  /** The JSON file of posts both sides read and write. */
  postsFile: string
  logger?: Logger
}

/** The posts the example starts with, written to a new posts file by the launcher. */
export const SEED_POSTS: Record<string, Post> = {
  'hello-world': { slug: 'hello-world', title: 'Hello, world', body: 'The first post.', editor: null },
  'some-post': { slug: 'some-post', title: 'Some post', body: 'Log in to edit me.', editor: null },
}

const SALT = Buffer.from('routechain-migration-example')
// blog.py's scrypt parameters (n=2**14, r=8, p=1, 64 bytes), so both sides hold the same hashes
const hashOf = (password: string): Promise<Buffer> => new Promise((resolve, reject) => {
  scrypt(password, SALT, 64, { N: 2 ** 14, r: 8, p: 1 }, (error, key) => (error === null ? resolve(key) : reject(error)))
})
const USERS = new Map<string, Promise<Buffer>>([['alice', hashOf('wonderland')], ['bob', hashOf('builder')]])
const NOBODY = hashOf(randomBytes(16).toString('hex'))

async function checkPassword(username: string, password: string): Promise<string | undefined> {
  const known = USERS.get(username)
  const matches = timingSafeEqual(await hashOf(password), await (known ?? NOBODY))
  return matches && known !== undefined ? username : undefined
}

function readPosts(file: string): Record<string, Post> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, Post>
}

function savePost(file: string, post: Post): void {
  const posts = { ...readPosts(file), [post.slug]: post }
  // written beside the file and renamed over it, so blog.py never reads half a file
  const temp = `${file}.${process.pid}.tmp`
  writeFileSync(temp, JSON.stringify(posts))
  renameSync(temp, file)
}

const STYLE = 'body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}'

// the same header as the blog example's, and as blog.py's page()
function page(user: string | undefined, title: string, content: string, status = 200): Reply {
  const who = loginStatus(user)
  return html(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
<header><a href="/">blog</a>${who}</header>
<main>
${content}
</main>
</body>
</html>
`, { status, headers: { 'cache-control': 'no-store' } })
}

async function currentUser(req: RouteRequest): Promise<string | undefined> {
  const user = (await req.session<{ user: string }>()).get('user')
  return typeof user === 'string' && USERS.has(user) ? user : undefined
}

const field = (fields: FormFields, name: string): string => {
  const value = fields[name]
  return typeof value === 'string' ? value : ''
}

/** blog.py's `@require_login`: the route runs only for a logged-in user, put on `req.user`. */
const requireLogin = defineStep<{ user: string }>(async function requireLogin(req) {
  const user = await currentUser(req)
  if (user === undefined) return redirect('/login')
  req.user = user
  return undefined
})

function loginForm(user: string | undefined, username = '', error = '', status = 200): Reply {
  const message = error === '' ? '' : `<p class="error" role="alert">${escapeHtml(error)}</p>\n`
  return page(user, 'Log in', `<h1>Log in</h1>
${message}<form method="post" action="/login">
<label>Username <input name="username" required value="${escapeHtml(username)}"></label>
<label>Password <input name="password" type="password" required></label>
<button type="submit">Log in</button>
</form>`, status)
}

function editPage(user: string, post: Post, error = '', status = 200): Reply {
  const message = error === '' ? '' : `<p class="error" role="alert">${escapeHtml(error)}</p>\n`
  return page(user, `Edit ${post.title}`, `<h1>Edit “${escapeHtml(post.title)}”</h1>
${message}<form method="post" action="/posts/${post.slug}/edit">
<label>Title <input name="title" required value="${escapeHtml(post.title)}"></label>
<label>Body <textarea name="body" rows="8">${escapeHtml(post.body)}</textarea></label>
<button type="submit">Save</button>
</form>`, status)
}

/** Builds the routechain side of the migration: every route of blog.py, ready to take over any of them. */
export function buildMigrationBlog(options: MigrationBlogOptions) {
  const { storage, cookieName, postsFile, logger } = options
  const app = createApp({ session: { storage, cookie: { name: cookieName } }, ...(logger === undefined ? {} : { logger }) })
  const notFound = (user: string | undefined): Reply => page(user, 'Not found', '<h1>Not found</h1>', 404)

  app.get('/ready', ready())

  app.get('/', async function listPosts(req) {
    const items = Object.values(readPosts(postsFile))
      .map((post) => `<li><a href="/posts/${post.slug}">${escapeHtml(post.title)}</a></li>`)
    return page(await currentUser(req), 'Posts', `<h1>Posts</h1>\n<ul>\n${items.join('\n')}\n</ul>`)
  })

  app.get('/login', async (req) => loginForm(await currentUser(req)))

  app.post('/login', async function logIn(req) {
    const fields = await req.form({ limit: 16 * 1024 })
    const username = field(fields, 'username').trim()
    const user = await checkPassword(username, field(fields, 'password'))
    if (user === undefined) return loginForm(await currentUser(req), username, 'Wrong username or password.', 401)
    const session = await req.session<{ user: string }>()
    session.regenerate()
    session.set('user', user)
    return redirect('/')
  })

  app.post('/logout', async function logOut(req) {
    ;(await req.session()).invalidate()
    return redirect('/')
  })

  app.get('/posts/:post', async function showPost(req) {
    const user = await currentUser(req)
    const post = readPosts(postsFile)[req.params.post]
    if (post === undefined) return notFound(user)
    const editor = post.editor === null ? 'never edited' : `edited by <span id="editor">${escapeHtml(post.editor)}</span>`
    return page(user, post.title, `<article>
<h1 id="title">${escapeHtml(post.title)}</h1>
<p class="meta">${editor} · <a href="/posts/${post.slug}/edit">Edit</a></p>
<p id="body">${escapeHtml(post.body)}</p>
</article>`)
  })

  app.get('/posts/:post/edit', requireLogin, function editForm(req) {
    const post = readPosts(postsFile)[req.params.post]
    return post === undefined ? notFound(req.user) : editPage(req.user, post)
  })

  app.post('/posts/:post/edit', requireLogin, async function save(req) {
    const post = readPosts(postsFile)[req.params.post]
    if (post === undefined) return notFound(req.user)
    const fields = await req.form({ limit: 64 * 1024 })
    const title = field(fields, 'title').trim()
    if (title === '') return editPage(req.user, post, 'A post needs a title.', 422)
    savePost(postsFile, { ...post, title, body: field(fields, 'body'), editor: req.user })
    return redirect(`/posts/${post.slug}`)
  })

  return app
}
