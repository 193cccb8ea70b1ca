// routechain, written the way its README shows.
import { tracingChannel } from 'node:diagnostics_channel'
import { createApp, defineStep, text, type RouteRequest } from '../../src/index.js'
import type { Contender } from '../spec.js'
import { tokenOf, USERS } from '../spec.js'

interface User { name: string; permissions: string[] }

const authenticate = defineStep<{ user: User }>(function authenticate(req) {
  const token = tokenOf(req.headers.authorization)
  const user = token === undefined ? undefined : USERS[token]
  if (user === undefined) return text('unauthenticated', { status: 401 })
  req.user = user
  return undefined
})

function authorise(needed: string[]) {
  return function authorise(req: RouteRequest & { user: User }) {
    for (const permission of needed) if (!req.user.permissions.includes(permission)) return text('forbidden', { status: 403 })
    return undefined
  }
}

/** The spec's app, listening. */
async function serveApp(port: number): Promise<{ port: number; close(): Promise<void> }> {
  const app = createApp()
  app.get('/', () => 'ok')
  app.get('/hello', () => ({ hello: 'world' }))
  app.get('/post/:id', authenticate, authorise(['post:read']), (req) => ({ id: req.params.id, user: req.user.name }))
  const server = await app.listen({ port, host: '127.0.0.1' })
  const address = server.address()
  return { port: typeof address === 'object' && address !== null ? address.port : port, close: () => app.close({ timeout: 100 }) }
}

export const routechain: Contender = { name: 'routechain', start: serveApp }

/** The same app with a subscriber on both tracing channels, as an APM agent would have: what observing costs. */
export const routechainTraced: Contender = {
  name: 'routechain (traced)',
  async start(port) {
    const noop = { start() {}, end() {}, asyncStart() {}, asyncEnd() {}, error() {} }
    tracingChannel('routechain.request').subscribe(noop)
    tracingChannel('routechain.step').subscribe(noop)
    const running = await serveApp(port)
    return {
      port: running.port,
      async close() {
        await running.close()
        tracingChannel('routechain.request').unsubscribe(noop)
        tracingChannel('routechain.step').unsubscribe(noop)
      },
    }
  },
}
