import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Running } from '../spec.js'

/** Listens with a `node:http` server on 127.0.0.1 and returns its port and a close function. */
export function listenNode(handler: (req: IncomingMessage, res: ServerResponse) => void, port: number): Promise<Running> {
  return listening(createServer(handler), port)
}

/** Waits for a server to listen on 127.0.0.1. */
export function listening(server: Server, port: number): Promise<Running> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () => new Promise((done) => { server.close(() => done()); server.closeAllConnections() }),
      })
    })
  })
}
