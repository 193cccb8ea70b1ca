import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { ServerTimeouts } from './app-options.js'

/** Starts a `node:http` server with the app's timeouts and resolves once it accepts connections. */
export async function startServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void, timeouts: ServerTimeouts, port: number, host: string,
): Promise<Server> {
  const { headersTimeout, requestTimeout, keepAliveTimeout } = timeouts
  // node looks for timed-out requests every connectionsCheckingInterval (30 s by default): too coarse for
  // a headersTimeout of a few seconds, so look four times per headersTimeout, at most once a second
  const connectionsCheckingInterval = Math.max(25, Math.min(1000, Math.floor(headersTimeout / 4)))
  const server = createServer({ headersTimeout, requestTimeout, keepAliveTimeout, connectionsCheckingInterval }, handler)
  // maxHeaderSize (16 KiB) bounds the headers; node's count limit on top of it drops headers past the
  // thousandth without a word on Node 20 (and answers 431 on 22+), so lift it and let the size decide
  server.maxHeadersCount = 0
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  return server
}

/**
 * Stops a server gracefully: no new connections, idle keep-alive connections closed at once, busy ones as
 * soon as their response is out, and whatever is still open cut after `timeout` ms.
 */
export function closeServer(server: Server, timeout: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const cut = setTimeout(() => server.closeAllConnections(), timeout)
    // a connection busy when close() began turns idle once its response is out; close it then. Polling
    // costs nothing per request, where a listener on every response would.
    const sweep = setInterval(() => server.closeIdleConnections(), 20)
    server.close(() => {
      clearTimeout(cut)
      clearInterval(sweep)
      resolve()
    })
    server.closeIdleConnections()
  })
}
