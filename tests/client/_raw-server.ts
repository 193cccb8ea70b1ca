// A TCP server on 127.0.0.1 that answers every request with fixed bytes, for responses no HTTP server would send:
// malformed, oversized, cut short, or never finished.
import { createServer, type Server, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'

/** A running raw server: its URL, and a way to stop it and every connection it holds. */
export interface RawServer {
  readonly url: string
  close(): Promise<void>
}

/**
 * Serves `answer` to each request once its first bytes arrive; with `hold`, the connection is then left open
 * (a response that never finishes), otherwise it is ended.
 */
export async function serveRaw(answer: string, options: { hold?: boolean } = {}): Promise<RawServer> {
  const sockets = new Set<Socket>()
  const server: Server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    socket.once('data', () => {
      if (options.hold === true) socket.write(answer)
      else socket.end(answer)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy()
      server.close(() => resolve())
    }),
  }
}
