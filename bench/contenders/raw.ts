// The practical limit: node:http with the routing and the three steps written inline by hand.
import type { Contender } from '../spec.js'
import { tokenOf, USERS } from '../spec.js'
import { listenNode } from './listen.js'

const TEXT = 'text/plain; charset=utf-8'
const JSON_TYPE = 'application/json; charset=utf-8'

export const raw: Contender = {
  name: 'node:http (raw)',
  start: (port) => listenNode((req, res) => {
    const url = req.url as string
    if (req.method === 'GET' && url === '/hello') {
      const body = JSON.stringify({ hello: 'world' })
      res.writeHead(200, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(body) })
      res.end(body)
      return
    }
    if (req.method === 'GET' && url === '/') {
      res.writeHead(200, { 'content-type': TEXT, 'content-length': 2 })
      res.end('ok')
      return
    }
    if (req.method === 'GET' && url.startsWith('/post/') && url.indexOf('/', 6) === -1) {
      const token = tokenOf(req.headers.authorization)
      const user = token === undefined ? undefined : USERS[token]
      if (user === undefined) {
        res.writeHead(401, { 'content-type': TEXT, 'content-length': 15 })
        res.end('unauthenticated')
        return
      }
      if (!user.permissions.includes('post:read')) {
        res.writeHead(403, { 'content-type': TEXT, 'content-length': 9 })
        res.end('forbidden')
        return
      }
      const body = JSON.stringify({ id: decodeURIComponent(url.slice(6)), user: user.name })
      res.writeHead(200, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(body) })
      res.end(body)
      return
    }
    res.writeHead(404)
    res.end()
  }, port),
}
