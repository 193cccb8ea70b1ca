// A routechain app for the client tests: echoes what it got, answers statuses and redirects on demand, and
// counts connections. Served on 127.0.0.1, port 0.
import type { Socket } from 'node:net'
import { createApp, redirect, reply, type App } from '../../src/index.js'
import { serve, type TestServer } from '../_helpers/http.js'

/** What /echo answers: the request as the server saw it. */
export interface Echo {
  method: string
  path: string
  query: Record<string, unknown>
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** A test server and the connections it accepted so far. */
export interface EchoServer extends TestServer {
  connections(): number
}

/** Builds the echo app; `extend` adds routes of a test's own. */
export function echoApp(extend?: (app: App) => void): App {
  const app = createApp({ logger: { error() {}, warn() {}, info() {}, debug() {} } })
  const echo = async (req: Parameters<Parameters<App['get']>[1]>[0]): Promise<Echo> => ({
    method: req.method,
    path: req.path,
    query: { ...req.query },
    headers: req.headers,
    body: await req.text(),
  })
  app.all('/echo', echo)
  app.all('/echo/*', echo)
  app.get('/status/:code', (req) => reply(`status ${req.params.code}`, { status: Number(req.params.code) }))
  app.all('/redirect/:code', (req) => {
    const to = typeof req.query.to === 'string' ? req.query.to : '/echo'
    return redirect(to, Number(req.params.code))
  })
  app.get('/slow', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1000))
    return 'late'
  })
  extend?.(app)
  return app
}

/** Serves an app and counts the connections it accepts. */
export async function serveCounting(app: App): Promise<EchoServer> {
  const server = await serve(app)
  let connections = 0
  server.server.on('connection', (_socket: Socket) => { connections++ })
  return Object.assign(server, { connections: () => connections })
}
