// Express 5: route-level middleware on res.locals.
import express, { type NextFunction, type Request, type Response } from 'express'
import type { Contender } from '../spec.js'
import { tokenOf, USERS } from '../spec.js'
import { listenNode } from './listen.js'

function authenticate(req: Request, res: Response, next: NextFunction): void {
  const token = tokenOf(req.headers.authorization)
  const user = token === undefined ? undefined : USERS[token]
  if (user === undefined) {
    res.status(401).type('text/plain').send('unauthenticated')
    return
  }
  res.locals.user = user
  next()
}

function authorise(needed: string[]) {
  return function authorise(_req: Request, res: Response, next: NextFunction): void {
    const user = res.locals.user as { permissions: string[] }
    for (const permission of needed) {
      if (!user.permissions.includes(permission)) {
        res.status(403).type('text/plain').send('forbidden')
        return
      }
    }
    next()
  }
}

export const expressContender: Contender = {
  name: 'express',
  start(port) {
    const app = express()
    app.disable('x-powered-by')
    app.disable('etag')
    app.get('/', (_req, res) => { res.type('text/plain').send('ok') })
    app.get('/hello', (_req, res) => { res.json({ hello: 'world' }) })
    app.get('/post/:id', authenticate, authorise(['post:read']), (req, res) => {
      res.json({ id: req.params.id, user: (res.locals.user as { name: string }).name })
    })
    return listenNode(app, port)
  },
}
