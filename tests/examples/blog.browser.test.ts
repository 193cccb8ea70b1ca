// The blog example in a real browser: Debian's chromium, headless, driven by playwright-core (which brings
// no browser of its own). Under CI=true a missing chromium fails the test; elsewhere it skips aloud.
import type { Browser, Page } from 'playwright-core'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { buildBlog } from '../../examples/blog/app.js'
import { generateKey } from '../../src/index.js'
import { recordingLogger, serve, type TestServer } from '../_helpers/http.js'
import { haveChromium, launchChromium } from '../_helpers/browser.js'

const ACTION_TIMEOUT = 15_000

/** The path part of the page's URL. */
function pathOf(page: Page): string {
  return new URL(page.url()).pathname
}

test('examples/blog in chromium: redirect to login, log in, edit a post, log out', async () => {
  if (!haveChromium()) return

  const { lines, logger } = recordingLogger()
  let server: TestServer | undefined
  let browser: Browser | undefined
  try {
    server = await serve(buildBlog({ sessionKey: generateKey(), logger }))
    browser = await launchChromium()
    const context = await browser.newContext() // a fresh profile: no cookies from anywhere else
    context.setDefaultTimeout(ACTION_TIMEOUT)
    context.setDefaultNavigationTimeout(ACTION_TIMEOUT)
    const page = await context.newPage()
    const base = server.url

    // the edit page is closed to visitors: the browser follows the 303 to the login form
    const first = await page.goto(`${base}/posts/some-post/edit`)
    assert.is(pathOf(page), '/login')
    assert.is(first?.status(), 200)
    assert.is(await page.locator('h1').textContent(), 'Log in')

    // a wrong password shows the form again with a message, and no login
    await page.fill('input[name="username"]', 'alice')
    await page.fill('input[name="password"]', 'not-the-password')
    const refused = page.waitForResponse((res) => res.url() === `${base}/login` && res.request().method() === 'POST')
    await page.click('form[action="/login"] button[type="submit"]')
    assert.is((await refused).status(), 401)
    await page.waitForSelector('p.error')
    assert.match(await page.locator('p.error').innerText(), 'Wrong username or password.')
    assert.is(await page.inputValue('input[name="username"]'), 'alice', 'the username is kept')

    // log in through the form: the 303 lands on the post list, which names the user
    await page.fill('input[name="password"]', 'wonderland')
    await Promise.all([
      page.waitForURL(`${base}/`),
      page.click('form[action="/login"] button[type="submit"]'),
    ])
    assert.is(await page.locator('#user').innerText(), 'Logged in as alice')
    const cookies = await context.cookies(base)
    const session = cookies.find((c) => c.name === 'session')
    assert.ok(session !== undefined, 'the browser keeps the session cookie')
    assert.is(session.httpOnly, true)
    assert.is(session.sameSite, 'Lax')
    assert.is(await page.evaluate('document.cookie'), '', 'scripts cannot read it')

    // edit the post through its form
    await page.goto(`${base}/posts/some-post/edit`)
    assert.is(pathOf(page), '/posts/some-post/edit')
    assert.match(await page.locator('#user').innerText(), 'alice')
    assert.is(await page.inputValue('input[name="title"]'), 'Some post')
    await page.fill('input[name="title"]', 'Edited in <b>chromium</b>')
    await page.fill('textarea[name="body"]', 'Written by a real browser.')
    await Promise.all([
      page.waitForURL(`${base}/posts/some-post`),
      page.click('form[action="/posts/some-post/edit"] button[type="submit"]'),
    ])
    assert.is(await page.locator('#title').innerText(), 'Edited in <b>chromium</b>', 'shown as text, not markup')
    assert.is(await page.locator('#title b').count(), 0)
    assert.is(await page.locator('#editor').innerText(), 'alice')
    assert.is(await page.locator('#body').innerText(), 'Written by a real browser.')
    assert.match(await page.locator('#user').innerText(), 'alice')

    // the list shows the new title too
    await page.click('header a[href="/"]')
    await page.waitForURL(`${base}/`)
    assert.is(await page.locator('a[href="/posts/some-post"]').innerText(), 'Edited in <b>chromium</b>')

    // log out with the header's button: the cookie goes, and the edit page is closed again
    await Promise.all([
      page.waitForURL(`${base}/`),
      page.click('form[action="/logout"] button[type="submit"]'),
    ])
    await page.waitForSelector('header a[href="/login"]')
    assert.is(await page.locator('#user').count(), 0)
    assert.is((await context.cookies(base)).find((c) => c.name === 'session'), undefined, 'the cookie is gone')
    await page.goto(`${base}/posts/some-post/edit`)
    assert.is(pathOf(page), '/login')

    assert.equal(lines.filter((line) => line.startsWith('error')), [], 'the app logged no errors')
  } finally {
    await browser?.close().catch((error: unknown) => console.error('closing chromium failed', error))
    await server?.close()
  }
})

test.run()
