// find-my-way on node:http, with the three steps as plain calls: routechain's router without routechain.
import FindMyWay from 'find-my-way'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Contender } from '../spec.js'
import { tokenOf, USERS } from '../spec.js'
import { listenNode } from './listen.js'

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) })
  res.end(body)
}

export const findMyWay: Contender = {
  name: 'find-my-way + node:http',
  start(port) {
    const router = FindMyWay({ defaultRoute: (_req, res) => { res.statusCode = 404; res.end() } })
    router.on('GET', '/', (_req, res) => send(res, 200, 'text/plain; charset=utf-8', 'ok'))
    router.on('GET', '/hello', (_req, res) => send(res, 200, 'application/json; charset=utf-8', JSON.stringify({ hello: 'world' })))
    router.on('GET', '/post/:id', (req: IncomingMessage, res: ServerResponse, params) => {
      const token = tokenOf(req.headers.authorization)
      const user = token === undefined ? undefined : USERS[token]
      if (user === undefined) return send(res, 401, 'text/plain; charset=utf-8', 'unauthenticated')
      if (!user.permissions.includes('post:read')) return send(res, 403, 'text/plain; charset=utf-8', 'forbidden')
      send(res, 200, 'application/json; charset=utf-8', JSON.stringify({ id: params.id, user: user.name }))
    })
    return listenNode((req, res) => router.lookup(req, res), port)
  },
}
