// One routechain app process with a cookie session storage, for the key-rotation test across a fleet: several of
// these, each restarted with its own key list, stand for replicas behind a load balancer. Not a test file; tests
// spawn the compiled script with `process.execPath`.
//
// Usage: node .build/tests/_helpers/cookie-worker.js [encrypted|nacl] [KEY1,KEY2,…]
//   or the environment: COOKIE_STORAGE=encrypted|nacl SESSION_KEYS=KEY1,KEY2,… (the arguments win)
// The first key seals, every key opens, as the storages take them.
//
// Listens on 127.0.0.1, port 0, and prints the port it bound as one line on stdout once it accepts
// connections; everything else (the app's log) goes to stderr, one line each, starting with the level.
// Ends on SIGTERM or SIGINT: app.close(), then exits.
//
// Routes (each answers {"pid", "keys", "new", "created", "data"}: this process, the fingerprints of the keys it
// holds in order (see keyFingerprint), and the session after the request):
//   GET /get                      the session as it loaded
//   GET /set?key=K&value=V        session.set(K, V), V a string
//   GET /set?key=K&json=J         session.set(K, JSON.parse(J))
import { createHash } from 'node:crypto'
import { createApp, EncryptedCookieStorage, json, NaClCookieStorage, type RouteRequest, type Session, type SessionStorage } from '../../src/index.js'

/** What the worker answers for a key it holds: the first 12 hex digits of the SHA-256 of the key as given. */
function keyFingerprint(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12)
}

function usage(message: string): never {
  process.stderr.write(`cookie-worker: ${message}\nusage: cookie-worker.js [encrypted|nacl] [KEY1,KEY2,…] (or COOKIE_STORAGE, SESSION_KEYS)\n`)
  process.exit(2)
}

function log(level: string, ...args: unknown[]): void {
  const text = args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : String(a))).join(' ')
  process.stderr.write(`${level} ${text.replace(/\n/g, '\n  ')}\n`)
}

function field(req: RouteRequest, name: string): string | undefined {
  const value = req.query[name]
  return Array.isArray(value) ? value[0] : value
}

const [kindArg = process.env.COOKIE_STORAGE, keysArg = process.env.SESSION_KEYS] = process.argv.slice(2)
if (kindArg !== 'encrypted' && kindArg !== 'nacl') usage(`the storage is encrypted or nacl, got ${String(kindArg)}`)
if (keysArg === undefined || keysArg === '') usage('give the keys, comma-separated')
// an empty entry (a stray comma) is passed on, so the storage refuses it at start-up as it would in production
const keys = keysArg.split(',').map((key) => key.trim())
let storage: SessionStorage
try {
  storage = kindArg === 'encrypted' ? new EncryptedCookieStorage(keys) : new NaClCookieStorage(keys)
} catch (error) {
  usage((error as Error).message)
}
const fingerprints = keys.map(keyFingerprint)

const app = createApp({
  logger: {
    error: (...a: unknown[]) => log('error', ...a),
    warn: (...a: unknown[]) => log('warn', ...a),
    info: (...a: unknown[]) => log('info', ...a),
    debug: (...a: unknown[]) => log('debug', ...a),
  },
  session: { storage },
})

const describe = (session: Session<Record<string, unknown>>) =>
  json({ pid: process.pid, keys: fingerprints, new: session.isNew, created: session.createdAt, data: session.toJSON() })

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

const server = await app.listen({ port: 0, host: '127.0.0.1' })
process.stdout.write(`${server.port}\n`)

let stopping = false
const stop = async (): Promise<void> => {
  if (stopping) return
  stopping = true
  try {
    await app.close({ timeout: 1000 })
  } finally {
    process.exit(0)
  }
}
process.once('SIGTERM', () => void stop())
process.once('SIGINT', () => void stop())
