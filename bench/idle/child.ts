// A server holding idle keep-alive connections, for the memory bench: raw node:http or routechain answering
// GET / with "ok", keep-alive timeouts long enough that nothing closes while it is measured. Prints its port;
// then each line "rss" on stdin answers with the RSS in bytes after a full GC (run with --expose-gc).
// Usage: node --expose-gc .build/bench/idle/child.js raw|routechain
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createInterface } from 'node:readline'

const HOLD_MS = 10 * 60_000
const framework = process.argv[2]

async function listen(): Promise<number> {
  if (framework === 'raw') {
    const server = createServer((_req, res) => res.end('ok'))
    server.keepAliveTimeout = HOLD_MS
    server.headersTimeout = HOLD_MS
    server.requestTimeout = HOLD_MS + 1000
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return (server.address() as AddressInfo).port
  }
  if (framework === 'routechain') {
    const { createApp } = await import('../../src/index.js')
    const app = createApp({ keepAliveTimeout: HOLD_MS, headersTimeout: HOLD_MS, requestTimeout: HOLD_MS + 1000 })
    app.get('/', () => 'ok')
    return (await app.listen({ port: 0 })).port
  }
  throw new Error(`idle child: unknown server ${String(framework)}`)
}

process.stdout.write(`${await listen()}\n`)
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'rss') return
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
  gc?.()
  process.stdout.write(`${process.memoryUsage().rss}\n`)
})
