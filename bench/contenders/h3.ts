// h3 v2: route-level middleware on event.context, served through toNodeHandler.
import { H3, type H3Event, type Middleware } from 'h3'
import { toNodeHandler } from 'h3/node'
import type { Contender } from '../spec.js'
import { tokenOf, USERS } from '../spec.js'
import { listenNode } from './listen.js'

interface User { name: string; permissions: string[] }

const authenticate: Middleware = (event: H3Event) => {
  const token = tokenOf(event.req.headers.get('authorization') ?? undefined)
  const user = token === undefined ? undefined : USERS[token]
  if (user === undefined) return new Response('unauthenticated', { status: 401, headers: { 'content-type': 'text/plain; charset=utf-8' } })
  event.context.user = user
  return undefined
}

function authorise(needed: string[]): Middleware {
  return (event: H3Event) => {
    const user = event.context.user as User
    for (const permission of needed) {
      if (!user.permissions.includes(permission)) return new Response('forbidden', { status: 403, headers: { 'content-type': 'text/plain; charset=utf-8' } })
    }
    return undefined
  }
}

export const h3: Contender = {
  name: 'h3',
  start(port) {
    const app = new H3()
    app.get('/', () => 'ok')
    app.get('/hello', () => ({ hello: 'world' }))
    app.get('/post/:id', (event) => ({ id: event.context.params?.id, user: (event.context.user as User).name }), {
      middleware: [authenticate, authorise(['post:read'])],
    })
    return listenNode(toNodeHandler(app), port)
  },
}
