// The blog example over real HTTP (undici, no redirects followed, cookies carried by hand).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { buildBlog, escapeHtml } from '../../examples/blog/app.js'
import { generateKey } from '../../src/index.js'
import { recordingLogger, serve, type TestResponse, type TestServer } from '../_helpers/http.js'

const blog = suite<{ server?: TestServer }>('examples/blog')

blog.before.each(async (context) => {
  context.server = await serve(buildBlog({ sessionKey: generateKey(), logger: recordingLogger().logger }))
})
blog.after.each(async (context) => {
  await context.server?.close()
})

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

function setCookies(res: TestResponse): string[] {
  const header = res.headers['set-cookie']
  return header === undefined ? [] : Array.isArray(header) ? header : [header]
}

/** The one Set-Cookie header for the session cookie; fails when there is none or several. */
function sessionSetCookie(res: TestResponse): string {
  const cookies = setCookies(res).filter((c) => c.startsWith('session='))
  assert.is(cookies.length, 1, `expected one session Set-Cookie, got ${JSON.stringify(setCookies(res))}`)
  return cookies[0] as string
}

/** `name=value` of a Set-Cookie header, to send back in a Cookie header. */
function cookiePair(setCookie: string): string {
  return setCookie.split(';')[0] as string
}

function post(server: TestServer, path: string, fields: Record<string, string>, cookie?: string): Promise<TestResponse> {
  const headers: Record<string, string> = { ...FORM }
  if (cookie !== undefined) headers.cookie = cookie
  return server.fetch(path, { method: 'POST', headers, body: new URLSearchParams(fields).toString() })
}

function get(server: TestServer, path: string, cookie?: string): Promise<TestResponse> {
  return server.fetch(path, cookie === undefined ? {} : { headers: { cookie } })
}

/** Logs in and returns the Cookie header value to send from then on. */
async function logIn(server: TestServer, username = 'alice', password = 'wonderland'): Promise<string> {
  const res = await post(server, '/login', { username, password })
  assert.is(res.status, 303, `login as ${username} failed: ${res.status}`)
  return cookiePair(sessionSetCookie(res))
}

blog('renders the login form', async ({ server }) => {
  const res = await get(server!, '/login')
  assert.is(res.status, 200)
  assert.is(res.headers['content-type'], 'text/html; charset=utf-8')
  assert.match(res.body, '<form method="post" action="/login">')
  assert.match(res.body, /<input name="username"[^>]*>/)
  assert.match(res.body, /<input name="password" type="password"[^>]*>/)
  assert.match(res.body, '<a href="/login">Log in</a>')
  assert.equal(setCookies(res), [], 'looking at the form sets no cookie')
})

blog('refuses a wrong password or an unknown user with 401, and sets no cookie', async ({ server }) => {
  for (const [username, password] of [['alice', 'builder'], ['alice', ''], ['mallory', 'wonderland'], ['', '']] as const) {
    const res = await post(server!, '/login', { username, password })
    assert.is(res.status, 401, `${username}/${password}`)
    assert.match(res.body, 'Wrong username or password.')
    assert.match(res.body, '<form method="post" action="/login">', 'the form is shown again')
    assert.equal(setCookies(res), [])
  }
  // the username typed is kept in the form, escaped
  const res = await post(server!, '/login', { username: 'a"><b>', password: 'x' })
  assert.match(res.body, 'value="a&quot;&gt;&lt;b&gt;"')
  assert.not.match(res.body, '"><b>')
})

blog('a form body is required to log in', async ({ server }) => {
  const res = await server!.fetch('/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":"alice","password":"wonderland"}' })
  assert.is(res.status, 415)
  assert.equal(setCookies(res), [])
})

blog('logging in sets an HttpOnly, SameSite=Lax session cookie and redirects 303 to /', async ({ server }) => {
  const res = await post(server!, '/login', { username: 'alice', password: 'wonderland' })
  assert.is(res.status, 303)
  assert.is(res.headers.location, '/')
  const setCookie = sessionSetCookie(res)
  const attributes = setCookie.split(';').map((part) => part.trim())
  assert.ok((attributes[0] as string).length > 'session='.length + 40, 'an encrypted value')
  assert.not.match(attributes[0] as string, 'alice', 'the cookie does not show the user')
  assert.ok(attributes.includes('HttpOnly'), setCookie)
  assert.ok(attributes.includes('SameSite=Lax'), setCookie)
  assert.ok(attributes.includes('Path=/'), setCookie)
  assert.not.ok(attributes.includes('Secure'), 'no Secure over plain HTTP')
})

blog('logging in over an existing session gives a new cookie for the new user', async ({ server }) => {
  const first = await logIn(server!, 'bob', 'builder')
  const res = await post(server!, '/login', { username: 'alice', password: 'wonderland' }, first)
  assert.is(res.status, 303)
  const second = cookiePair(sessionSetCookie(res))
  assert.is.not(second, first)
  assert.match((await get(server!, '/', second)).body, 'Logged in as <strong>alice</strong>')
})

blog('shows the logged-in username on every page, and a login link without a session', async ({ server }) => {
  const cookie = await logIn(server!)
  for (const path of ['/', '/login', '/posts/hello-world', '/posts/some-post/edit', '/posts/no-such-post']) {
    const res = await get(server!, path, cookie)
    assert.match(res.body, 'Logged in as <strong>alice</strong>', path)
    assert.match(res.body, '<form method="post" action="/logout"><button type="submit">Log out</button></form>', path)
    assert.not.match(res.body, '<a href="/login">Log in</a>', path)
    assert.is(res.headers['cache-control'], 'no-store', path)
  }
  for (const path of ['/', '/login', '/posts/hello-world']) {
    const res = await get(server!, path)
    assert.is(res.status, 200, path)
    assert.match(res.body, '<a href="/login">Log in</a>', path)
    assert.not.match(res.body, 'Logged in as', path)
  }
})

blog('the edit page without a login redirects 303 to /login and changes nothing', async ({ server }) => {
  const show = await get(server!, '/posts/some-post/edit')
  assert.is(show.status, 303)
  assert.is(show.headers.location, '/login')
  const save = await post(server!, '/posts/some-post/edit', { title: 'Hijacked', body: 'x' })
  assert.is(save.status, 303)
  assert.is(save.headers.location, '/login')
  const page = await get(server!, '/posts/some-post')
  assert.match(page.body, '<h1 id="title">Some post</h1>')
  assert.match(page.body, 'never edited')
  // a forged or garbled cookie is no login either, and is cleared
  const forged = await get(server!, '/posts/some-post/edit', 'session=gAAAAABforged')
  assert.is(forged.status, 303)
  assert.is(forged.headers.location, '/login')
  assert.match(sessionSetCookie(forged), /^session=; .*Max-Age=0/)
})

blog('editing as alice saves the post with alice as its editor', async ({ server }) => {
  const cookie = await logIn(server!)
  const form = await get(server!, '/posts/some-post/edit', cookie)
  assert.is(form.status, 200)
  assert.match(form.body, '<form method="post" action="/posts/some-post/edit">')
  assert.match(form.body, '<input name="title" required value="Some post">')

  const save = await post(server!, '/posts/some-post/edit', { title: 'A better title', body: 'New words.' }, cookie)
  assert.is(save.status, 303)
  assert.is(save.headers.location, '/posts/some-post')

  const page = await get(server!, '/posts/some-post', cookie)
  assert.is(page.status, 200)
  assert.match(page.body, '<h1 id="title">A better title</h1>')
  assert.match(page.body, 'edited by <span id="editor">alice</span>')
  assert.match(page.body, '<p id="body">New words.</p>')
  // anyone sees the edit and its editor, logged in or not
  const list = await get(server!, '/')
  assert.match(list.body, '<a href="/posts/some-post">A better title</a> <span class="meta">edited by alice</span>')

  // bob's edit makes bob the editor
  const bob = await logIn(server!, 'bob', 'builder')
  await post(server!, '/posts/some-post/edit', { title: 'Bob was here', body: '' }, bob)
  assert.match((await get(server!, '/posts/some-post')).body, 'edited by <span id="editor">bob</span>')
})

blog('an edit without a title is refused with 422 and saves nothing', async ({ server }) => {
  const cookie = await logIn(server!)
  const res = await post(server!, '/posts/some-post/edit', { title: '   ', body: 'kept in the form' }, cookie)
  assert.is(res.status, 422)
  assert.match(res.body, 'A post needs a title.')
  assert.match(res.body, '>kept in the form</textarea>')
  assert.match((await get(server!, '/posts/some-post')).body, '<h1 id="title">Some post</h1>')
})

blog('an unknown post is 404, also for its edit page', async ({ server }) => {
  assert.is((await get(server!, '/posts/no-such-post')).status, 404)
  const cookie = await logIn(server!)
  const res = await get(server!, '/posts/%3Cb%3E/edit', cookie)
  assert.is(res.status, 404)
  assert.match(res.body, 'There is no post “&lt;b&gt;”.')
  assert.is((await post(server!, '/posts/no-such-post/edit', { title: 'x' }, cookie)).status, 404)
})

blog('logging out clears the cookie and ends the login', async ({ server }) => {
  const cookie = await logIn(server!)
  const res = await post(server!, '/logout', {}, cookie)
  assert.is(res.status, 303)
  assert.is(res.headers.location, '/')
  const cleared = sessionSetCookie(res)
  assert.match(cleared, /^session=;/)
  assert.match(cleared, 'Max-Age=0')
  assert.match(cleared, 'Expires=Thu, 01 Jan 1970 00:00:00 GMT')
  // a browser drops the cookie; without it the edit page is closed again
  const after = await get(server!, '/posts/some-post/edit')
  assert.is(after.status, 303)
  assert.is(after.headers.location, '/login')
  // logging out changes state, so a GET (which any page can trigger) does not do it
  const again = await logIn(server!)
  const viaGet = await get(server!, '/logout', again)
  assert.is(viaGet.status, 405)
  assert.is(viaGet.headers['set-cookie'], undefined)
})

blog('escapes a post title holding <script> wherever it is shown', async ({ server }) => {
  const cookie = await logIn(server!)
  const title = '<script>alert("x")</script> & \'co\''
  const escaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;'
  assert.is(escapeHtml(title), escaped)
  await post(server!, '/posts/some-post/edit', { title, body: '<img src=x onerror=alert(1)>' }, cookie)
  for (const path of ['/', '/posts/some-post', '/posts/some-post/edit']) {
    const res = await get(server!, path, cookie)
    assert.is(res.status, 200, path)
    assert.match(res.body, escaped, path)
    // the one script a page may hold is the blog's own live-update script, from this site
    assert.equal(res.body.match(/<script[^>]*>/g)?.filter((tag) => !tag.startsWith('<script src="/static/live.js"')) ?? [], [], path)
    assert.not.match(res.body, '<img', path)
    assert.match(String(res.headers['content-security-policy']), "default-src 'none'", path)
  }
  const edit = await get(server!, '/posts/some-post/edit', cookie)
  assert.match(edit.body, `value="${escaped}"`, 'escaped inside the attribute too')
})

blog.run()
