// Koa 3 with @koa/router: route-level async middleware on ctx.state.
import Router from '@koa/router'
import Koa, { type Middleware } from 'koa'
import type { Contender } from '../spec.js'
import { tokenOf, USERS } from '../spec.js'
import { listenNode } from './listen.js'

interface User { name: string; permissions: string[] }

const authenticate: Middleware<{ user: User }> = async (ctx, next) => {
  const token = tokenOf(ctx.get('authorization') || undefined)
  const user = token === undefined ? undefined : USERS[token]
  if (user === undefined) {
    ctx.status = 401
    ctx.body = 'unauthenticated'
    return
  }
  ctx.state.user = user
  await next()
}

function authorise(needed: string[]): Middleware<{ user: User }> {
  return async (ctx, next) => {
    for (const permission of needed) {
      if (!ctx.state.user.permissions.includes(permission)) {
        ctx.status = 403
        ctx.body = 'forbidden'
        return
      }
    }
    await next()
  }
}

export const koa: Contender = {
  name: 'koa',
  start(port) {
    const app = new Koa()
    const router = new Router<{ user: User }>()
    router.get('/', (ctx) => { ctx.body = 'ok' })
    router.get('/hello', (ctx) => { ctx.body = { hello: 'world' } })
    router.get('/post/:id', authenticate, authorise(['post:read']), (ctx) => {
      ctx.body = { id: ctx.params.id, user: ctx.state.user.name }
    })
    app.use(router.routes())
    return listenNode(app.callback(), port)
  },
}
