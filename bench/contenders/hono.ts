// Hono 4 on @hono/node-server: route-level middleware with c.set / c.get.
import { serve } from '@hono/node-server'
import { Hono, type MiddlewareHandler } from 'hono'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Contender } from '../spec.js'
import { tokenOf, USERS } from '../spec.js'

interface User { name: string; permissions: string[] }
type Env = { Variables: { user: User } }

const authenticate: MiddlewareHandler<Env> = async (c, next) => {
  const token = tokenOf(c.req.header('authorization'))
  const user = token === undefined ? undefined : USERS[token]
  if (user === undefined) return c.text('unauthenticated', 401)
  c.set('user', user)
  await next()
  return undefined
}

function authorise(needed: string[]): MiddlewareHandler<Env> {
  return async (c, next) => {
    for (const permission of needed) if (!c.get('user').permissions.includes(permission)) return c.text('forbidden', 403)
    await next()
    return undefined
  }
}

export const hono: Contender = {
  name: 'hono',
  start(port) {
    const app = new Hono<Env>()
    app.get('/', (c) => c.text('ok'))
    app.get('/hello', (c) => c.json({ hello: 'world' }))
    app.get('/post/:id', authenticate, authorise(['post:read']), (c) => c.json({ id: c.req.param('id'), user: c.get('user').name }))
    return new Promise((resolve) => {
      const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info: AddressInfo) => {
        resolve({ port: info.port, close: () => new Promise((done) => { (server as Server).close(() => done()); (server as Server).closeAllConnections() }) })
      })
    })
  },
}
