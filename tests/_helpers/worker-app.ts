// What the app-process workers (cookie-worker, session-worker) share: a logger to stderr, the /get and /set session
// routes, and serving on 127.0.0.1 until SIGTERM or SIGINT. Not a test file.
import { json, type App, type Logger, type RouteRequest, type Session } from '../../src/index.js'

function log(level: string, ...args: unknown[]): void {
  const text = args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}${a.cause instanceof Error ? ` (cause: ${a.cause.message})` : ''}` : String(a))).join(' ')
  process.stderr.write(`${level} ${text.replace(/\n/g, '\n  ')}\n`)
}

/** The app's log on stderr, one line each, starting with the level. */
export const workerLogger: Logger = {
  error: (...a: unknown[]) => log('error', ...a),
  warn: (...a: unknown[]) => log('warn', ...a),
  info: (...a: unknown[]) => log('info', ...a),
  debug: (...a: unknown[]) => log('debug', ...a),
}

/** One query field: the first value when it is repeated. */
export function field(req: RouteRequest, name: string): string | undefined {
  const value = req.query[name]
  return Array.isArray(value) ? value[0] : value
}

/** Prints the usage error for `worker` with its usage line on stderr and exits with 2. */
export function usageError(worker: string, usage: string, message: string): never {
  process.stderr.write(`${worker}: ${message}\nusage: ${usage}\n`)
  process.exit(2)
}

type Describe = (session: Session<Record<string, unknown>>) => ReturnType<typeof json>

/** GET /get answers the session as it loaded; GET /set?key=K&value=V (or &json=J) sets one key first. */
export function addSessionRoutes(app: App, describe: Describe): void {
  app.get('/get', async (req) => describe(await req.session<Record<string, unknown>>()))
  app.get('/set', async (req) => {
    const session = await req.session<Record<string, unknown>>()
    const key = field(req, 'key')
    const value = field(req, 'value')
    const raw = field(req, 'json')
    if (key === undefined || (value === undefined) === (raw === undefined)) {
      return json({ error: 'give key and value, or key and json' }, { status: 400 })
    }
    session.set(key, raw === undefined ? value : JSON.parse(raw) as unknown)
    return describe(session)
  })
}

/**
 * Listens on 127.0.0.1, port 0, prints the port as one line on stdout, and on SIGTERM or SIGINT closes the app,
 * then runs `afterClose`, then exits.
 */
export async function serveUntilSignal(app: App, afterClose: () => Promise<unknown> = async () => undefined): Promise<void> {
  const server = await app.listen({ port: 0, host: '127.0.0.1' })
  process.stdout.write(`${server.port}\n`)
  let stopping = false
  const stop = async (): Promise<void> => {
    if (stopping) return
    stopping = true
    try {
      await app.close({ timeout: 1000 })
      await afterClose()
    } finally {
      process.exit(0)
    }
  }
  process.once('SIGTERM', () => void stop())
  process.once('SIGINT', () => void stop())
}
