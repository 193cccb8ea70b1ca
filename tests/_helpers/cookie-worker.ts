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
import { createApp, EncryptedCookieStorage, json, NaClCookieStorage, type Session, type SessionStorage } from '../../src/index.js'
import { addSessionRoutes, serveUntilSignal, usageError, workerLogger } from './worker-app.js'

/** What the worker answers for a key it holds: the first 12 hex digits of the SHA-256 of the key as given. */
function keyFingerprint(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12)
}

function usage(message: string): never {
  return usageError('cookie-worker', 'cookie-worker.js [encrypted|nacl] [KEY1,KEY2,…] (or COOKIE_STORAGE, SESSION_KEYS)', message)
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

const app = createApp({ logger: workerLogger, session: { storage } })
addSessionRoutes(app, (session: Session<Record<string, unknown>>) =>
  json({ pid: process.pid, keys: fingerprints, new: session.isNew, created: session.createdAt, data: session.toJSON() }))
await serveUntilSignal(app)
