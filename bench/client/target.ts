// The client part's target: node:http answering GET /ping with a small body, and nothing else.
import { listenNode } from '../contenders/listen.js'
import type { Running } from '../spec.js'

/** The path every case requests, and the exact body it must read back. */
export const PING_PATH = '/ping'
export const PING_BODY = 'pong'

/** Starts the target on 127.0.0.1 (port 0: any free port). */
export function startPingTarget(port: number): Promise<Running> {
  return listenNode((req, res) => {
    if (req.method === 'GET' && req.url === PING_PATH) {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': PING_BODY.length })
      res.end(PING_BODY)
      return
    }
    res.writeHead(404, { 'content-length': 0 })
    res.end()
  }, port)
}
