// One routechain app process with RedisStorage, for the scale-out tests: several of these share one Redis the
// way replicas behind a load balancer would. Not a test file; tests spawn the compiled script with
// `process.execPath`.
//
// Usage: node .build/tests/_helpers/session-worker.js REDIS_URL [node-redis|ioredis] [COOKIE_NAME]
//
// Listens on 127.0.0.1, port 0, and prints the port it bound as one line on stdout once it accepts
// connections; everything else (the app's log) goes to stderr, one line each, starting with the level.
// Ends on SIGTERM or SIGINT: closes the app, then its Redis connection.
//
// Routes (each answers {"pid", "new", "created", "data"}: this process and the session after the request):
//   GET /get                      the session as it loaded
//   GET /set?key=K&value=V        session.set(K, V), V a string
//   GET /set?key=K&json=J         session.set(K, JSON.parse(J))
//   GET /invalidate               session.invalidate() (logout)
//   GET /held-set?key=K&value=V   loads the session, then waits for /release before it sets K and saves: a slow
//                                 request, to change the session under it from elsewhere
// and, touching no session (answering {"pid"}):
//   GET /held                     answers once a /held-set request holds its session
//   GET /release                  lets the held /held-set request go on
import { Redis } from 'ioredis'
import { createClient } from 'redis'
import { createApp, json, RedisStorage, type RedisClientLike, type RouteRequest, type Session } from '../../src/index.js'

type ClientKind = 'node-redis' | 'ioredis'

function usage(message: string): never {
  process.stderr.write(`session-worker: ${message}\nusage: session-worker.js REDIS_URL [node-redis|ioredis] [COOKIE_NAME]\n`)
  process.exit(2)
}

const [url, kindArg = 'node-redis', cookieName = 'session'] = process.argv.slice(2)
if (url === undefined || !/^redis:\/\//.test(url)) usage(`give a redis:// URL, got ${String(url)}`)
if (kindArg !== 'node-redis' && kindArg !== 'ioredis') usage(`the client is node-redis or ioredis, got ${kindArg}`)
const kind: ClientKind = kindArg

/** A connected client of the kind asked for, and how to end it. */
async function connect(): Promise<{ client: RedisClientLike; quit(): Promise<unknown> }> {
  if (kind === 'ioredis') {
    // lazyConnect + connect(): start-up fails loudly (non-zero exit) instead of retrying for ever
    const client = new Redis(url as string, { lazyConnect: true, maxRetriesPerRequest: 1 })
    client.on('error', (error: Error) => log('error', `ioredis: ${error.message}`))
    await client.connect()
    return { client, quit: () => client.quit() }
  }
  const client = createClient({ url: url as string })
  client.on('error', (error: Error) => log('error', `node-redis: ${error.message}`))
  await client.connect()
  return { client, quit: () => client.quit() }
}

function log(level: string, ...args: unknown[]): void {
  const text = args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}${a.cause instanceof Error ? ` (cause: ${a.cause.message})` : ''}` : String(a))).join(' ')
  process.stderr.write(`${level} ${text.replace(/\n/g, '\n  ')}\n`)
}

function field(req: RouteRequest, name: string): string | undefined {
  const value = req.query[name]
  return Array.isArray(value) ? value[0] : value
}

const describe = (session: Session<Record<string, unknown>>) =>
  json({ pid: process.pid, new: session.isNew, created: session.createdAt, data: session.toJSON() })

const redis = await connect()
const app = createApp({
  logger: {
    error: (...a: unknown[]) => log('error', ...a),
    warn: (...a: unknown[]) => log('warn', ...a),
    info: (...a: unknown[]) => log('info', ...a),
    debug: (...a: unknown[]) => log('debug', ...a),
  },
  session: { storage: new RedisStorage(redis.client), cookie: { name: cookieName } },
})

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
app.get('/invalidate', async (req) => {
  const session = await req.session<Record<string, unknown>>()
  session.invalidate()
  return describe(session)
})

/** A promise and the function that resolves it (Node 20 has no Promise.withResolvers). */
function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void
  const promise = new Promise<void>((r) => { resolve = r })
  return { promise, resolve }
}
let holding = deferred()
let gate = deferred()
app.get('/held-set', async (req) => {
  const session = await req.session<Record<string, unknown>>()
  holding.resolve()
  await gate.promise
  session.set(field(req, 'key') ?? '', field(req, 'value'))
  return describe(session)
})
app.get('/held', async () => {
  await holding.promise
  return json({ pid: process.pid })
})
app.get('/release', () => {
  gate.resolve()
  holding = deferred()
  gate = deferred()
  return json({ pid: process.pid })
})

const server = await app.listen({ port: 0, host: '127.0.0.1' })
const address = server.address()
if (address === null || typeof address === 'string') usage('the server has no TCP address')
process.stdout.write(`${address.port}\n`)

let stopping = false
async function stop(): Promise<void> {
  if (stopping) return
  stopping = true
  try {
    await app.close({ timeout: 1000 })
    await redis.quit()
  } finally {
    process.exit(0)
  }
}
process.once('SIGTERM', () => void stop())
process.once('SIGINT', () => void stop())
