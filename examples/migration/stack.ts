// The whole migration on loopback: blog.py (aiohttp) and app.ts (routechain) behind Debian's haproxy, which sends
// the paths its map file lists to routechain and every other path to Python, over one session store and one posts
// file. `npm run migration` (run.ts) starts it for a person; tests/examples/migration.browser.test.ts drives it in
// chromium. Moving a route is a line in the map and a reload; rotating the cookie key is a rollout of both sides.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createClient as createRedisClient } from 'redis'
import { startHaproxyWith, type Balancer } from '../../bench/scale/haproxy.js'
import { startRedisServer, type RedisServer } from '../../bench/sessions/redis-server.js'
import { startServerProcess, type ServerProcess } from '../../bench/server-process.js'
import { EncryptedCookieStorage, RedisStorage, type ListeningServer, type Logger, type SessionStorage } from '../../src/index.js'
import { buildMigrationBlog, SEED_POSTS } from './app.js'

/** Debian's python3, which has python3-aiohttp and python3-aiohttp-session (another python3 may come first on PATH). */
export const PYTHON = '/usr/bin/python3'
const BLOG_PY = fileURLToPath(new URL('../../../examples/migration/blog.py', import.meta.url))

/** The session cookie's name on both sides: aiohttp_session's default. */
export const COOKIE_NAME = 'AIOHTTP_SESSION'

/**
 * The routes routechain serves when the stack starts, as map_reg patterns of the request path: the edit form
 * and its save, and logging out. Everything else starts on Python.
 */
export const FIRST_ROUTES: readonly string[] = ['^/posts/[^/]+/edit$', '^/logout$']

/** Where sessions live: Fernet cookies with these keys (the first encrypts), or a Redis both sides share. */
export type SessionStore = { readonly kind: 'cookie'; readonly keys: readonly string[] } | { readonly kind: 'redis' }

/** One side's running server. */
interface Side {
  readonly port: number
  /** What it logged, for a failure message (the Python side's stderr; routechain logs to the logger given). */
  log(): string
  stop(): Promise<void>
}

/** The running stack. */
export interface MigrationStack {
  /** Where a browser goes: haproxy's frontend. */
  readonly url: string
  readonly balancer: Balancer
  /** The map file: one `pattern node` line per route routechain serves. */
  readonly mapFile: string
  /** The Redis both sides keep sessions in, for the redis store. */
  readonly redis: RedisServer | undefined
  /** The path patterns routechain serves now. */
  routes(): readonly string[]
  /** The Python side's log (its stderr). */
  pythonLog(): string
  /** Moves the route `pattern` to routechain: one line more in the map file, and a reload of haproxy. */
  moveToNode(pattern: string): Promise<void>
  /**
   * Rolls both sides out with new cookie `keys` (the first encrypts, every one decrypts), as a blue-green
   * deployment does: new processes start, haproxy is reloaded to send to them, the old ones stop.
   */
  rotateKeys(keys: readonly string[]): Promise<void>
  /** Stops every process it started and removes its files. */
  stop(): Promise<void>
}

function storageFor(store: SessionStore, redisClient: RedisClient | undefined): SessionStorage {
  return store.kind === 'cookie' ? new EncryptedCookieStorage(store.keys) : new RedisStorage(redisClient as RedisClient)
}

type RedisClient = ReturnType<typeof createRedisClient>

function haproxyConfig(port: number, mapFile: string, python: Side, node: Side): string {
  return [
    'global',
    '  maxconn 1000',
    // an old worker closes what it still holds 2 s after a reload, so a reload is over in 2 s
    '  hard-stop-after 2s',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 30s',
    '  timeout server 30s',
    // on a reload the old worker answers the next request of each idle keep-alive connection (with Connection:
    // close) instead of closing it, which would race a request the client is sending on it at that moment
    '  option idle-close-on-response',
    'frontend web',
    `  bind 127.0.0.1:${port}`,
    // the map names the backend of each moved route; any other path stays with Python
    `  use_backend %[path,map_reg(${mapFile},python)]`,
    'backend python',
    '  http-response set-header X-Served-By python',
    `  server python 127.0.0.1:${python.port}`,
    'backend node',
    '  http-response set-header X-Served-By routechain',
    `  server node 127.0.0.1:${node.port}`,
    '',
  ].join('\n')
}

const mapText = (routes: readonly string[]): string => routes.map((pattern) => `${pattern} node\n`).join('')

async function startPython(store: SessionStore, postsFile: string, redis: RedisServer | undefined): Promise<Side> {
  // one argument each: a key may begin with '-'
  const storeArgs = store.kind === 'cookie' ? [`--keys=${store.keys.join(',')}`] : [`--redis-port=${String(redis?.port)}`]
  const server: ServerProcess = await startServerProcess('the aiohttp blog', PYTHON,
    [BLOG_PY, '--posts', postsFile, '--cookie', COOKIE_NAME, ...storeArgs],
    { ...process.env, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' })
  return { port: Number(new URL(server.url).port), log: server.stderr, stop: server.stop }
}

async function startNode(storage: SessionStorage, postsFile: string, logger: Logger | undefined): Promise<Side> {
  const app = buildMigrationBlog({ storage, cookieName: COOKIE_NAME, postsFile, ...(logger === undefined ? {} : { logger }) })
  const server: ListeningServer = await app.listen({ port: 0, host: '127.0.0.1' })
  return { port: server.port, log: () => '', stop: () => app.close({ timeout: 2000 }) }
}

/**
 * Starts the stack: a posts file with the seed posts, Redis when the store is `redis`, blog.py, the routechain
 * blog in this process (logging to `logger`), and haproxy sending {@link FIRST_ROUTES} to routechain.
 */
export async function startMigration(store: SessionStore, logger?: Logger): Promise<MigrationStack> {
  const dir = mkdtempSync(join(tmpdir(), 'routechain-migration-'))
  const postsFile = join(dir, 'posts.json')
  writeFileSync(postsFile, JSON.stringify(SEED_POSTS))
  const started: (() => Promise<void>)[] = []
  const stop = async (): Promise<void> => {
    for (const end of started.splice(0).reverse()) await end().catch((error: unknown) => console.error('stopping failed', error))
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    let redis: RedisServer | undefined
    let redisClient: RedisClient | undefined
    if (store.kind === 'redis') {
      const server = await startRedisServer()
      redis = server
      started.push(() => server.stop())
      const client = createRedisClient({ url: server.url })
      await client.connect()
      redisClient = client
      started.push(async () => { await client.close() })
    }
    let python = await startPython(store, postsFile, redis)
    let node: Side | undefined
    // the current pair, stopped at the end whichever pair that is by then
    started.push(async () => { await node?.stop(); await python.stop() })
    node = await startNode(storageFor(store, redisClient), postsFile, logger)
    const routes = [...FIRST_ROUTES]
    let mapFile = ''
    const balancer = await startHaproxyWith((port, folder) => {
      mapFile = join(folder, 'routes.map')
      writeFileSync(mapFile, mapText(routes))
      return haproxyConfig(port, mapFile, python, node as Side)
    })
    started.push(() => balancer.stop())
    return {
      url: balancer.url,
      balancer,
      mapFile,
      redis,
      routes: () => routes,
      pythonLog: () => python.log(),
      async moveToNode(pattern) {
        routes.push(pattern)
        writeFileSync(mapFile, mapText(routes))
        await balancer.reload()
      },
      async rotateKeys(keys) {
        if (store.kind !== 'cookie') throw new TypeError('rotateKeys() is for the cookie store; Redis sessions have no key')
        const next = { kind: 'cookie', keys } as const
        const newPython = await startPython(next, postsFile, redis)
        const newNode = await startNode(storageFor(next, undefined), postsFile, logger).catch(async (error: unknown) => {
          await newPython.stop()
          throw error
        })
        const [oldPython, oldNode] = [python, node]
        ;[python, node] = [newPython, newNode]
        // reload() is over once the old worker, which sends to the old pair, has gone
        await balancer.reload(haproxyConfig(balancer.port, mapFile, python, node))
        await oldNode?.stop()
        await oldPython.stop()
      },
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}
