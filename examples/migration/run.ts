// `npm run migration`: starts the migration example on loopback and says where to look. MIGRATION_STORE=redis
// shares sessions through a Redis of its own instead of an encrypted cookie. Needs Debian's haproxy, python3-aiohttp
// and python3-aiohttp-session (and redis-server for the Redis store). Ctrl-C stops everything it started.
import { existsSync } from 'node:fs'
import { generateKey } from '../../src/index.js'
import { HAPROXY } from '../../bench/scale/haproxy.js'
import { PYTHON, startMigration, type SessionStore } from './stack.js'

const kind = process.env.MIGRATION_STORE ?? 'cookie'
if (kind !== 'cookie' && kind !== 'redis') {
  console.error(`MIGRATION_STORE is ${kind}: use cookie (the default) or redis`)
  process.exit(1)
}
const missing = [
  existsSync(HAPROXY) ? undefined : 'haproxy',
  existsSync(PYTHON) ? undefined : 'python3-aiohttp python3-aiohttp-session',
  kind === 'redis' && !existsSync('/usr/bin/redis-server') ? 'redis-server' : undefined,
].filter((name) => name !== undefined)
if (missing.length > 0) {
  console.error(`npm run migration needs: apt-get install ${missing.join(' ')}`)
  process.exit(1)
}

const store: SessionStore = kind === 'cookie' ? { kind, keys: [generateKey()] } : { kind }
const stack = await startMigration(store)
console.log(`
The blog, half aiohttp and half routechain, behind haproxy: ${stack.url}/
  log in as alice / wonderland; the X-Served-By header of each response names the side that answered
  sessions: ${kind === 'cookie' ? 'an encrypted cookie both sides read (EncryptedCookieStorage)' : `Redis at ${stack.redis?.url ?? ''} (RedisStorage on both sides)`}

Routes served by routechain (haproxy's map ${stack.mapFile}):
${stack.routes().map((pattern) => `  ${pattern}`).join('\n')}
every other path goes to Python (examples/migration/blog.py).

Move one more route: add a line such as
  ^/posts/[^/]+$ node
to the map, then reload haproxy with: kill -USR2 ${stack.balancer.pid ?? '<pid>'}
Ctrl-C stops everything.`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void stack.stop().then(() => process.exit(0))
  })
}
