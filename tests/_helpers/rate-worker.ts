// One routechain app process with a RedisRateStore, for the rate-limit test across processes: several of these
// share one Redis. Not a test file; the test spawns the compiled script with `process.execPath`.
//
// Usage: node .build/tests/_helpers/rate-worker.js REDIS_URL LIMIT WINDOW_MS
//
// Prints the port it bound (127.0.0.1, port 0) as one line; GET /hit answers "ok" until the shared key's limit.
// Ends on SIGTERM: closes the app, then its Redis connection.
import { createClient } from 'redis'
import { createApp, rateLimit, RedisRateStore } from '../../src/index.js'

const [url, limit, windowMs] = process.argv.slice(2)
if (url === undefined || limit === undefined || windowMs === undefined) {
  process.stderr.write('usage: rate-worker.js REDIS_URL LIMIT WINDOW_MS\n')
  process.exit(2)
}
const client = createClient({ url })
client.on('error', (error) => process.stderr.write(`redis: ${String(error)}\n`))
await client.connect()
const app = createApp()
app.get('/hit', rateLimit({ limit: Number(limit), windowMs: Number(windowMs), key: () => 'shared', store: new RedisRateStore(client) }), () => 'ok')
const server = await app.listen({ port: 0 })
process.stdout.write(`${server.port}\n`)
process.once('SIGTERM', () => { void app.close({ timeout: 500 }).then(() => client.quit()).then(() => process.exit(0)) })
