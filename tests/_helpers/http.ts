import { connect } from 'node:net'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { request as undiciRequest, type Dispatcher } from 'undici'
import type { App } from '../../src/index.js'

/** A response as tests look at it: status, headers and the body as text. */
export interface TestResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

type RequestOptions = Omit<Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & { method?: Dispatcher.HttpMethod }

/** A running app on 127.0.0.1 with a random port, and a way to call it over real HTTP. */
export interface TestServer {
  readonly url: string
  readonly server: Server
  fetch(path: string, options?: RequestOptions): Promise<TestResponse>
  close(): Promise<void>
}

/** Starts an app on port 0 and returns helpers to call it with undici. */
export async function serve(app: App): Promise<TestServer> {
  const server = await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}`
  return {
    url,
    server,
    async fetch(path, options = {}) {
      const res = await undiciRequest(url + path, options as Dispatcher.RequestOptions)
      return { status: res.statusCode, headers: res.headers, body: await res.body.text() }
    },
    close: () => app.close({ timeout: 1000 }),
  }
}

/** A logger that records what it is given, for asserting on log lines. */
export function recordingLogger(): { lines: string[]; logger: { error(...a: unknown[]): void; warn(...a: unknown[]): void; info(...a: unknown[]): void; debug(...a: unknown[]): void } } {
  const lines: string[] = []
  const record = (level: string) => (...args: unknown[]): void => {
    lines.push(`${level} ${args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : String(a))).join(' ')}`)
  }
  return { lines, logger: { error: record('error'), warn: record('warn'), info: record('info'), debug: record('debug') } }
}

/** Serves `app` for the length of `run`, and always closes it. */
export async function withServer(app: App, run: (server: TestServer) => Promise<void>): Promise<void> {
  const server = await serve(app)
  try {
    await run(server)
  } finally {
    await server.close()
  }
}

/** Sends raw bytes to a server and resolves with everything it answers until it closes the connection. */
export function rawExchange(url: string, request: string): Promise<string> {
  const { port } = new URL(url)
  return new Promise((resolve, reject) => {
    let answer = ''
    const socket = connect(Number(port), '127.0.0.1', () => socket.end(request))
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => { answer += chunk })
    socket.on('end', () => resolve(answer))
    socket.on('error', reject)
  })
}
