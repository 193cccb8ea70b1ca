// A private redis-server for the tests that need one: a child process on a free loopback port with persistence
// off (started by the bench's launcher), started and stopped by each test file. pause()/resume() stop and
// continue the process (SIGSTOP/SIGCONT) to play an outage: the connections stay open, Redis just stops
// answering, as a hung or overloaded server does.
import { Redis } from 'ioredis'
import { createClient } from 'redis'
import { RedisStorage, type RedisClientLike, type SessionStorage } from '../../src/index.js'
import { within } from './async.js'
import { startRedisServer } from '../../bench/sessions/redis-server.js'
import { hasCommand, needs } from './services.js'

const REDIS_SERVER = 'redis-server'

/**
 * Whether redis-server can be run. Missing: under CI this throws (the test must fail); elsewhere it prints a
 * loud SKIPPED line and returns false.
 */
export function haveRedis(): boolean {
  return needs('redis-server', hasCommand(REDIS_SERVER), 'apt-get install redis-server')
}

/** A running private redis-server. */
export interface RedisServer {
  readonly port: number
  /** `redis://127.0.0.1:<port>` */
  readonly url: string
  /** Stops the process (SIGSTOP): connections stay open, no command is answered until resume(). */
  pause(): void
  /** Continues the process (SIGCONT); commands sent meanwhile are answered then. */
  resume(): void
  /** Runs one command through a node-redis client of its own (made on first use); fails after 5 s. */
  command(...args: string[]): Promise<unknown>
  /** Stops the server (resuming it first when paused) and removes its directory. Safe to call twice. */
  stop(): Promise<void>
}

/**
 * Starts a private redis-server on a free loopback port, persistence off, and waits until it answers PING (the
 * bench's launcher), adding a command() for tests that look inside Redis. `extra` goes on its command line
 * (`--replicaof 127.0.0.1 <port>` for a replica).
 */
export async function startRedis(extra: readonly string[] = []): Promise<RedisServer> {
  const server = await startRedisServer(extra)
  let admin: ReturnType<typeof createClient> | undefined
  let stopped = false
  return {
    port: server.port,
    url: server.url,
    pause: server.pause,
    resume: server.resume,
    async command(...args: string[]): Promise<unknown> {
      if (stopped) throw new Error('the redis-server is stopped')
      if (admin === undefined) {
        const client = createClient({ url: server.url })
        client.on('error', () => {}) // a stopped server: the command fails, the process does not crash
        admin = client
        await within(client.connect(), 5000, `connecting to ${server.url}`)
      }
      return within(admin.sendCommand(args), 5000, `redis ${args.join(' ')}`)
    },
    async stop(): Promise<void> {
      if (stopped) return
      stopped = true
      server.resume()
      admin?.destroy()
      admin = undefined
      await server.stop()
    },
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Clients

/** The two Redis clients RedisStorage takes. */
export type RedisClientKind = 'node-redis' | 'ioredis'
export const CLIENT_KINDS: readonly RedisClientKind[] = ['node-redis', 'ioredis']

/** The same client, recording the name of every command sent through it (upper case) in `seen`. */
export function countingClient(inner: RedisClientLike, seen: string[]): RedisClientLike {
  if ('call' in inner) {
    return { call: (name: string, ...args: string[]) => { seen.push(name.toUpperCase()); return inner.call(name, ...args) } }
  }
  const plain = inner as { sendCommand(args: string[]): Promise<unknown> }
  return { sendCommand: (args: string[]) => { seen.push(String(args[0]).toUpperCase()); return plain.sendCommand(args) } }
}

/** Looks straight into Redis, through the server's own client (see RedisServer.command). */
export function inspectRedis(redis: Pick<RedisServer, 'command'>) {
  return {
    get: async (key: string) => await redis.command('GET', key) as string | null,
    ttl: async (key: string) => Number(await redis.command('TTL', key)),
    exists: async (key: string) => Number(await redis.command('EXISTS', key)),
    keys: async (pattern: string) => (await redis.command('KEYS', pattern) as string[]).sort(),
  }
}

/** A connected client of either kind, and a way to drop it. */
export interface TestRedisClient {
  readonly kind: RedisClientKind
  readonly client: RedisClientLike
  /** Drops the connection at once (pending commands fail): safe while the server is paused. */
  close(): Promise<void>
}

/** Connects a client of the given kind to the server, the way an app would; fails after 5 s. */
export async function connectClient(server: Pick<RedisServer, 'port' | 'url'>, kind: RedisClientKind): Promise<TestRedisClient> {
  if (kind === 'node-redis') {
    const client = createClient({ url: server.url })
    client.on('error', () => {})
    await within(client.connect(), 5000, `node-redis connecting to ${server.url}`)
    return { kind, client, close: async () => { client.destroy() } }
  }
  const client = new Redis(server.port, '127.0.0.1')
  client.on('error', () => {})
  try {
    await within(client.ping(), 5000, `ioredis connecting to ${server.url}`)
  } catch (error) {
    client.disconnect()
    throw error
  }
  return { kind, client, close: async () => { client.disconnect() } }
}

// ---------------------------------------------------------------------------------------------------------------
// Suites

/**
 * One redis-server and one client of each kind for a uvu suite: `test.before(redis.before)`,
 * `test.after(redis.after)`, and each test begins with `if (!redis.ready()) return`. The hooks never throw
 * (a throwing uvu hook ends the whole run): a server that does not start, or redis-server missing under CI,
 * fails each test instead; missing elsewhere, each test returns at once (a SKIPPED line says so).
 */
export interface RedisFixture {
  before(): Promise<void>
  after(): Promise<void>
  /** True: run the test. False: redis-server is not installed here, skip. Throws: the test must fail. */
  ready(): boolean
  /** The running server; only after ready(). */
  readonly server: RedisServer
  /** The connected client of a kind; only after ready(). */
  client(kind: RedisClientKind): RedisClientLike
}

export function redisFixture(kinds: readonly RedisClientKind[] = CLIENT_KINDS): RedisFixture {
  let server: RedisServer | undefined
  let failure: unknown
  let skipped = false
  const clients = new Map<RedisClientKind, TestRedisClient>()
  return {
    async before() {
      try {
        if (!haveRedis()) {
          skipped = true
          return
        }
        server = await startRedis()
        for (const kind of kinds) clients.set(kind, await connectClient(server, kind))
      } catch (error) {
        failure = error
      }
    },
    async after() {
      for (const client of clients.values()) await client.close().catch(() => {})
      clients.clear()
      await server?.stop().catch(() => {})
      server = undefined
    },
    ready() {
      if (failure !== undefined) throw failure instanceof Error ? failure : new Error(String(failure))
      if (skipped) return false
      if (server === undefined) throw new Error('the redis fixture was not started: add test.before(redis.before)')
      return true
    },
    get server() {
      if (server === undefined) throw new Error('no redis-server is running')
      return server
    },
    client(kind) {
      const found = clients.get(kind)
      if (found === undefined) throw new Error(`no ${kind} client is connected`)
      return found.client
    },
  }
}

/** An entry of the storage case table in tests/session/storage.test.ts, with the hooks that run its server. */
export interface RedisStorageCase {
  readonly name: string
  make(): SessionStorage
  readonly secure: boolean
  before(): Promise<void>
  after(): Promise<void>
}

/**
 * RedisStorage on a client of `kind` for the storage case table: no entry when redis-server is missing here
 * (SKIPPED is printed); under CI an entry whose every test fails saying so. Its own server runs in its suite.
 */
export function redisStorageCase(kind: RedisClientKind): RedisStorageCase[] {
  let available: boolean
  try {
    available = haveRedis()
  } catch {
    available = true // CI without redis-server: the fixture fails every test of the entry with the reason
  }
  if (!available) return []
  const redis = redisFixture([kind])
  return [{
    name: `RedisStorage (${kind})`,
    secure: true,
    before: redis.before,
    after: redis.after,
    make: () => {
      redis.ready()
      return new RedisStorage(redis.client(kind))
    },
  }]
}
