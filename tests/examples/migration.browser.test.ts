// examples/migration in chromium: an aiohttp blog (Debian's python3-aiohttp and python3-aiohttp-session) and its
// routechain twin behind Debian's haproxy, sharing one session store. A user logs in on Python, edits a post on
// routechain, logs out on routechain and is logged out on Python; with the cookie store both sides then rotate
// their key mid-session (the new key read, then sealing, then the old one dropped); then one more route moves from Python to routechain by a line in haproxy's map and a
// reload, under traffic, with no request failed and nobody logged out; last the login moves, and a session
// routechain starts loads on Python. Once with EncryptedCookieStorage, once
// with RedisStorage on a real redis-server.
import type { Browser, BrowserContext, Page, Response } from 'playwright-core'
import { createClient as createRedisClient } from 'redis'
import { request } from 'undici'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { haveHaproxy } from '../../bench/scale/haproxy.js'
import { COOKIE_NAME, startMigration, type MigrationStack, type SessionStore } from '../../examples/migration/stack.js'
import { generateKey } from '../../src/index.js'
import { recordingLogger } from '../_helpers/http.js'
import { haveRedis } from '../_helpers/redis.js'
import { hasPythonModules, needs } from '../_helpers/services.js'
import { haveChromium, launchChromium } from '../_helpers/browser.js'

const ACTION_TIMEOUT = 15_000
const MOVED_ROUTE = '^/posts/[^/]+$'

function available(store: SessionStore['kind']): boolean {
  return haveChromium() &&
    needs('haproxy', haveHaproxy(), 'apt-get install haproxy') &&
    needs('Python aiohttp_session', hasPythonModules('aiohttp', 'aiohttp_session', 'cryptography', ...(store === 'redis' ? ['redis'] : [])),
      'apt-get install python3-aiohttp python3-aiohttp-session python3-cryptography python3-redis') &&
    (store === 'cookie' || needs('redis-server', haveRedis(), 'apt-get install redis-server'))
}

/** Which side answered, from the header haproxy adds. */
const servedBy = (response: Response | null): string | undefined => response?.headers()['x-served-by']

/** The session cookie's value in the browser, or undefined. */
async function sessionCookie(context: BrowserContext, base: string): Promise<string | undefined> {
  return (await context.cookies(base)).find((c) => c.name === COOKIE_NAME)?.value
}

/** Goes to `path` and checks who answered and who the page says is logged in (undefined: nobody). */
async function visit(page: Page, base: string, path: string, side: string, user: string | undefined): Promise<void> {
  const response = await page.goto(`${base}${path}`)
  assert.is(servedBy(response), side, `${path} was served by ${servedBy(response)}`)
  assert.is(response?.status(), 200, `${path} answered ${response?.status()}`)
  if (user === undefined) {
    assert.is(await page.locator('#user').count(), 0, `${path} (${side}) shows someone logged in`)
    assert.is(await page.locator('header a[href="/login"]').count(), 1)
  } else {
    assert.is(await page.locator('#user').innerText(), `Logged in as ${user}`, `${path} (${side}) lost the login`)
  }
}

/** Logs in through the login form, which `side` serves (Python until the last move); the 303 lands on the post list. */
async function logIn(page: Page, base: string, side = 'python'): Promise<void> {
  await visit(page, base, '/login', side, undefined)
  await page.fill('input[name="username"]', 'alice')
  await page.fill('input[name="password"]', 'wonderland')
  const posted = page.waitForResponse((res) => res.url() === `${base}/login` && res.request().method() === 'POST')
  await Promise.all([page.waitForURL(`${base}/`), page.click('form[action="/login"] button[type="submit"]')])
  assert.is(servedBy(await posted), side)
  assert.is(await page.locator('#user').innerText(), 'Logged in as alice')
}

/** Logs out with the header's button, which routechain serves; the 303 lands on the post list, Python's. */
async function logOut(page: Page, base: string): Promise<void> {
  const posted = page.waitForResponse((res) => res.url() === `${base}/logout` && res.request().method() === 'POST')
  await Promise.all([page.waitForURL(`${base}/`), page.click('form[action="/logout"] button[type="submit"]')])
  assert.is(servedBy(await posted), 'routechain')
  await page.waitForSelector('header a[href="/login"]')
  assert.is(await page.locator('#user').count(), 0, 'Python still shows the user after logging out on routechain')
}

/** The session data kept in Redis for the session id `id`, under aiohttp_session's key layout. */
async function redisSession(url: string, id: string | undefined): Promise<unknown> {
  const client = createRedisClient({ url })
  await client.connect()
  try {
    const record = await client.get(`${COOKIE_NAME}_${id}`)
    assert.ok(record !== null, `no ${COOKIE_NAME}_${id} record in Redis`)
    return (JSON.parse(record) as { session: unknown }).session
  } finally {
    await client.close()
  }
}

/**
 * Reads `path` with the browser's cookie, four at a time, until `until` resolves and then for 300 ms more (at
 * most 3,000 requests and 20 s); returns who served each answer. Each must be a 200 showing alice logged in.
 */
async function traffic(base: string, path: string, cookie: string, until: Promise<void>): Promise<string[]> {
  const served: string[] = []
  let done = false
  void until.finally(() => setTimeout(() => { done = true }, 300))
  const deadline = Date.now() + 20_000
  const worker = async (): Promise<void> => {
    while (!done && served.length < 3000 && Date.now() < deadline) {
      const res = await request(`${base}${path}`, { headers: { cookie: `${COOKIE_NAME}=${cookie}` } })
      const text = await res.body.text()
      assert.is(res.statusCode, 200, `request ${served.length + 1} during the move answered ${res.statusCode}: ${text}`)
      assert.match(text, 'Logged in as <strong>alice</strong>', `request ${served.length + 1} during the move lost the login`)
      served.push(String(res.headers['x-served-by']))
    }
  }
  await Promise.all([worker(), worker(), worker(), worker()])
  return served
}

async function migrate(store: SessionStore): Promise<void> {
  const { lines, logger } = recordingLogger()
  let stack: MigrationStack | undefined
  let browser: Browser | undefined
  try {
    stack = await startMigration(store, logger)
    const base = stack.url
    browser = await launchChromium()
    const context = await browser.newContext()
    context.setDefaultTimeout(ACTION_TIMEOUT)
    context.setDefaultNavigationTimeout(ACTION_TIMEOUT)
    const page = await context.newPage()

    // log in on Python; the session is in the shared store
    await logIn(page, base)
    const cookie = await sessionCookie(context, base)
    assert.ok(cookie !== undefined, `no ${COOKIE_NAME} cookie after logging in on Python`)
    if (stack.redis !== undefined) assert.equal(await redisSession(stack.redis.url, cookie), { user: 'alice' })

    // edit a post on routechain: its requireLogin step reads Python's session
    await visit(page, base, '/posts/some-post/edit', 'routechain', 'alice')
    await page.fill('input[name="title"]', 'Edited on routechain')
    await page.fill('textarea[name="body"]', 'Saved by the Node side.')
    const saved = page.waitForResponse((res) => res.url() === `${base}/posts/some-post/edit` && res.request().method() === 'POST')
    await Promise.all([page.waitForURL(`${base}/posts/some-post`), page.click('form[action="/posts/some-post/edit"] button[type="submit"]')])
    assert.is(servedBy(await saved), 'routechain')
    // the post page is still Python's, showing what routechain saved, to the same user
    assert.is(await page.locator('#title').innerText(), 'Edited on routechain')
    assert.is(await page.locator('#editor').innerText(), 'alice')
    assert.is(await page.locator('#user').innerText(), 'Logged in as alice')

    // log out on routechain; Python finds the session gone, and routechain's edit form is closed again
    await logOut(page, base)
    await visit(page, base, '/', 'python', undefined)
    const closed = await page.goto(`${base}/posts/some-post/edit`)
    assert.is(new URL(page.url()).pathname, '/login', 'the edit form is open after logging out')
    assert.is(servedBy(closed), 'python', 'the redirect lands on Python\'s login form')

    if (store.kind === 'cookie') {
      const [oldKey] = store.keys
      const newKey = generateKey()
      await logIn(page, base) // sealed with the old key
      const sealedOld = await sessionCookie(context, base)

      // as an operator rotates: the new key is read everywhere first, then sealed with everywhere, then the
      // old one goes; nobody is logged out at any step
      await stack.rotateKeys([oldKey as string, newKey])
      await visit(page, base, '/', 'python', 'alice')
      await visit(page, base, '/posts/some-post/edit', 'routechain', 'alice')
      assert.is(await sessionCookie(context, base), sealedOld, 'the cookie changed while the old key still seals')
      await stack.rotateKeys([newKey, oldKey as string])
      await visit(page, base, '/', 'python', 'alice')
      await visit(page, base, '/posts/some-post/edit', 'routechain', 'alice')
      const sealedNew = await sessionCookie(context, base)
      assert.ok(sealedNew !== undefined && sealedNew !== sealedOld, 'routechain did not seal the session again with the new key')

      // the old key goes: what routechain sealed with the new one loads on Python
      await stack.rotateKeys([newKey])
      await visit(page, base, '/', 'python', 'alice')
      await visit(page, base, '/posts/some-post/edit', 'routechain', 'alice')
      // and what Python seals with the new key loads on routechain
      await logOut(page, base)
      await logIn(page, base)
      await visit(page, base, '/posts/some-post/edit', 'routechain', 'alice')
    } else {
      await logIn(page, base)
    }

    // move GET /posts/:post to routechain under traffic: a map line and a reload, nobody logged out
    await visit(page, base, '/posts/some-post', 'python', 'alice')
    const current = await sessionCookie(context, base)
    assert.ok(current !== undefined)
    const moved = new Promise<void>((resolve) => setTimeout(resolve, 300)).then(() => stack?.moveToNode(MOVED_ROUTE))
    const [served] = await Promise.all([traffic(base, '/posts/some-post', current, moved), moved])
    assert.ok(served.includes('python') && served.includes('routechain'), `the traffic did not span the move: ${served.length} requests, served by ${[...new Set(served)].join(', ')}`)
    assert.ok(served.length >= 20, `only ${served.length} requests during the move`)
    assert.ok(stack.routes().includes(MOVED_ROUTE))
    await visit(page, base, '/posts/some-post', 'routechain', 'alice')
    assert.is(await page.locator('#title').innerText(), 'Edited on routechain')

    // the login moves too: a session routechain starts loads on Python
    await logOut(page, base)
    await stack.moveToNode('^/login$')
    await logIn(page, base, 'routechain')
    await visit(page, base, '/', 'python', 'alice')
    if (stack.redis !== undefined) assert.equal(await redisSession(stack.redis.url, await sessionCookie(context, base)), { user: 'alice' })

    assert.equal(lines.filter((line) => line.startsWith('error')), [], 'routechain logged errors')
    assert.not.match(stack.pythonLog(), 'Traceback', `the Python side failed:\n${stack.pythonLog()}`)
  } finally {
    await browser?.close().catch((error: unknown) => console.error('closing chromium failed', error))
    await stack?.stop()
  }
}

const migration = suite('examples/migration: aiohttp to routechain, route by route')

migration('EncryptedCookieStorage on both sides, with a key rotation in the middle', async () => {
  if (!available('cookie')) return
  await migrate({ kind: 'cookie', keys: [generateKey()] })
})

migration('RedisStorage on both sides, with aiohttp_session\'s key layout', async () => {
  if (!available('redis')) return
  await migrate({ kind: 'redis' })
})

migration.run()
