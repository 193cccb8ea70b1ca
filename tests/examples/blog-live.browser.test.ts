// Live updates in the blog (#15), in Debian's chromium through playwright-core: a logged-in reader's page opens
// a WebSocket carrying the session cookie and shows an edit made elsewhere as it is saved; a visitor's socket
// is refused (requireLogin's redirect answers the upgrade). Under CI=true a missing chromium fails the test.
import type { Browser, BrowserContext } from 'playwright-core'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { buildBlog } from '../../examples/blog/app.js'
import { generateKey } from '../../src/index.js'
import { recordingLogger, serve, type TestServer } from '../_helpers/http.js'
import { haveChromium, launchChromium } from '../_helpers/browser.js'

const TIMEOUT = 15_000

async function logIn(context: BrowserContext, base: string): Promise<void> {
  const page = await context.newPage()
  await page.goto(`${base}/login`)
  await page.fill('input[name="username"]', 'alice')
  await page.fill('input[name="password"]', 'wonderland')
  await Promise.all([page.waitForURL(`${base}/`), page.click('form[action="/login"] button[type="submit"]')])
  await page.close()
}

test('examples/blog in chromium: a logged-in page follows edits live over a WebSocket; a visitor is refused', async () => {
  if (!haveChromium()) return
  let server: TestServer | undefined
  let browser: Browser | undefined
  try {
    server = await serve(buildBlog({ sessionKey: generateKey(), logger: recordingLogger().logger }))
    const base = server.url
    browser = await launchChromium()

    const reader = await browser.newContext()
    reader.setDefaultTimeout(TIMEOUT)
    await logIn(reader, base)
    const page = await reader.newPage()
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()) })
    await page.goto(`${base}/posts/hello-world`)
    await page.waitForSelector('#live[data-state="open"]')

    // an edit saved elsewhere (the JSON API, with the same login) shows in the open page without a reload
    const cookie = (await reader.cookies(base)).find((c) => c.name === 'session')
    assert.ok(cookie !== undefined)
    const saved = await fetch(`${base}/api/posts/hello-world`, {
      method: 'PATCH', headers: { 'content-type': 'application/json', cookie: `session=${cookie.value}` }, body: JSON.stringify({ title: 'Edited live' }),
    })
    assert.is(saved.status, 200)
    await page.waitForSelector('#live[data-updates="1"]')
    assert.is(await page.locator('#title').innerText(), 'Edited live')
    assert.equal(errors, [], 'the page ran without errors (its CSP lets the script and the socket through)')

    // a visitor's page cannot follow: the upgrade is refused, the socket closes
    const visitor = await browser.newContext()
    visitor.setDefaultTimeout(TIMEOUT)
    const outside = await visitor.newPage()
    await outside.goto(`${base}/posts/hello-world`)
    await outside.waitForSelector('#live[data-state="closed"]')
  } finally {
    await browser?.close()
    await server?.close()
  }
})

test.run()
