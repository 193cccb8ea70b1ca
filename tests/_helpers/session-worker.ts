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
import { createApp, json, RedisStorage, type RedisClientLike, type Session } from '../../src/index.js'
import { addSessionRoutes, field, serveUntilSignal, usageError, workerLogger } from './worker-app.js'

type ClientKind = 'node-redis' | 'ioredis'

function usage(message: string): never {
  return usageError('session-worker', 'session-worker.js REDIS_URL [node-redis|ioredis] [COOKIE_NAME]', message)
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
    client.on('error', (error: Error) => workerLogger.error(`ioredis: ${error.message}`))
    await client.connect()
    return { client, quit: () => client.quit() }
  }
  const client = createClient({ url: url as string })
  client.on('error', (error: Error) => workerLogger.error(`node-redis: ${error.message}`))
  await client.connect()
  return { client, quit: () => client.quit() }
}

const describe = (session: Session<Record<string, unknown>>) =>
  json({ pid: process.pid, new: session.isNew, created: session.createdAt, data: session.toJSON() })

const redis = await connect()
const app = createApp({ logger: workerLogger, session: { storage: new RedisStorage(redis.client), cookie: { name: cookieName } } })
addSessionRoutes(app, describe)
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

await serveUntilSignal(app, () => redis.quit())
