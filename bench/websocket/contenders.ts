// The WebSocket contenders (#15): a raw `ws` server on node:http, and routechain with a 3-step chain on the
// upgrade (the HTTP bench's authenticate and authorise, written the same way), both echoing every message.
import { createServer } from 'node:http'
import { WebSocketServer } from 'ws'
import { createApp, defineStep, HttpError, type RouteRequest } from '../../src/index.js'
import { listening } from '../contenders/listen.js'
import type { Contender } from '../spec.js'
import { USERS } from '../spec.js'

interface User { name: string; permissions: string[] }

const authenticate = defineStep<{ user: User }>(function authenticate(req) {
  const token = req.query.token
  const user = typeof token === 'string' ? USERS[token] : undefined
  if (user === undefined) throw new HttpError(401, 'unauthenticated')
  req.user = user
})

function authorise(needed: string[]) {
  return function authorise(req: RouteRequest & { user: User }) {
    for (const permission of needed) if (!req.user.permissions.includes(permission)) throw new HttpError(403, 'forbidden')
  }
}

/** Raw `ws` on node:http in noServer mode, checking the same token by hand. */
const raw: Contender = {
  name: 'ws (raw)',
  start(port) {
    const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 })
    const server = createServer((_req, res) => { res.writeHead(426); res.end() })
    server.on('upgrade', (req, socket, head) => {
      const token = new URL(req.url ?? '/', 'http://x').searchParams.get('token')
      if (token === null || USERS[token] === undefined) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
        return
      }
      wss.handleUpgrade(req, socket, head, (ws) => ws.on('message', (data, binary) => ws.send(data, { binary })))
    })
    return listening(server, port)
  },
}

/** routechain: a WebSocket route behind three steps. */
const routechain: Contender = {
  name: 'routechain (3-step chain)',
  async start(port) {
    const app = createApp({ websocket: { maxConnections: 100_000 } })
    app.ws('/echo', authenticate, authorise(['post:read']), function audit() {}, (socket) => {
      socket.on('message', (data, binary) => socket.send(data, { binary }))
    })
    const server = await app.listen({ port, host: '127.0.0.1' })
    return { port: server.port, close: () => app.close({ timeout: 100 }) }
  },
}

export const WS_CONTENDERS: readonly Contender[] = [raw, routechain]
