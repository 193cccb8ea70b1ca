// cors() in a real browser (#16): Debian's chromium (playwright-core) on a page of one loopback origin calls an
// API on another (another port): a preflighted PUT is granted, a method the path does not serve is not, a
// credentialed call carries the API's cookie, and a page of an origin not listed reads nothing.
import { createServer, type Server } from 'node:http'
import type { Browser } from 'playwright-core'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { cors, createApp, type App } from '../../src/index.js'
import { recordingLogger } from '../_helpers/http.js'
import { haveChromium, launchChromium } from '../_helpers/browser.js'


/** A server that serves one blank page: the origin the page's scripts run in. */
async function pageServer(): Promise<{ server: Server; origin: string }> {
  const server = createServer((_req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end('<!doctype html><title>page</title>') })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  return { server, origin: `http://127.0.0.1:${(server.address() as { port: number }).port}` }
}

function api(pageOrigin: string): App {
  const app = createApp({ logger: recordingLogger().logger })
  const grant = cors({ origin: [pageOrigin], credentials: true })
  app.put('/items/:id', grant, async (req) => ({ saved: req.params.id, body: await req.json() }))
  app.get('/items/:id', grant, (req) => ({ id: req.params.id }))
  app.get('/login', grant, () => new Response('in', { headers: { 'set-cookie': 'who=alice; Path=/; HttpOnly; SameSite=Lax' } }))
  app.get('/whoami', grant, (req) => req.cookies.who ?? 'nobody')
  return app
}

test('chromium: cross-origin fetch is granted what cors() allows, and nothing more', async () => {
  if (!haveChromium()) return
  const page = await pageServer()
  const stranger = await pageServer()
  const app = api(page.origin)
  let browser: Browser | undefined
  try {
    const server = await app.listen({ port: 0 })
    browser = await launchChromium()
    const context = await browser.newContext()
    const tab = await context.newPage()
    await tab.goto(page.origin)
    const results = await tab.evaluate(async (apiUrl) => {
      const attempt = async (run: () => Promise<Response>): Promise<string> => {
        try {
          const res = await run()
          return `${res.status} ${await res.text()}`
        } catch (error) {
          return `blocked (${(error as Error).name})`
        }
      }
      return {
        put: await attempt(() => fetch(`${apiUrl}/items/7`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"title":"x"}' })),
        delete: await attempt(() => fetch(`${apiUrl}/items/7`, { method: 'DELETE' })),
        login: await attempt(() => fetch(`${apiUrl}/login`, { credentials: 'include' })),
        withCookie: await attempt(() => fetch(`${apiUrl}/whoami`, { credentials: 'include' })),
        withoutCookie: await attempt(() => fetch(`${apiUrl}/whoami`)),
      }
    }, server.url)
    assert.equal(results, {
      put: '200 {"saved":"7","body":{"title":"x"}}',
      delete: 'blocked (TypeError)',
      login: '200 in',
      withCookie: '200 alice',
      withoutCookie: '200 nobody',
    })

    const other = await context.newPage()
    await other.goto(stranger.origin)
    const fromStranger = await other.evaluate(async (apiUrl) => {
      try {
        await fetch(`${apiUrl}/items/7`)
        return 'read'
      } catch (error) {
        return `blocked (${(error as Error).name})`
      }
    }, server.url)
    assert.is(fromStranger, 'blocked (TypeError)')
  } finally {
    await browser?.close()
    await app.close({ timeout: 1000 })
    page.server.close()
    stranger.server.close()
  }
})

test.run()
