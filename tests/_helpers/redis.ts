// A private redis-server for the tests that need one: a child process on a free loopback port with persistence
// off, started and stopped by each test file. pause()/resume() stop and continue the process (SIGSTOP/SIGCONT)
// to play an outage: the connections stay open, Redis just stops answering, as a hung or overloaded server does.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect, createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { createClient } from 'redis'
import { RedisStorage, type RedisClientLike, type SessionStorage } from '../../src/index.js'
import { within } from './async.js'
import { hasCommand, needs } from './services.js'

const REDIS_SERVER = 'redis-server'
/** How long redis-server may take to answer PING after it was started. */
const START_TIMEOUT = 5000
/** How long a stop may take before the process is killed. */
const STOP_TIMEOUT = 3000

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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.unref()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo
      probe.close(() => resolve(port))
    })
  })
}

/** True when something on the port answers PING with +PONG within 500 ms. */
function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    let answer = ''
    const socket = connect(port, '127.0.0.1')
    const done = (ok: boolean): void => {
      clearTimeout(timer)
      socket.destroy()
      resolve(ok)
    }
    const timer = setTimeout(() => done(false), 500)
    socket.setEncoding('utf8')
    socket.on('connect', () => socket.write('PING\r\n'))
    socket.on('data', (chunk: string) => {
      answer += chunk
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'))
    })
    socket.on('error', () => done(false))
    socket.on('close', () => done(answer.startsWith('+PONG')))
  })
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

async function startOn(port: number): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'routechain-redis-'))
  const child = spawn(REDIS_SERVER, [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--dir', dir, '--daemonize', 'no', '--loglevel', 'warning',
  ], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const keep = (chunk: Buffer): void => { output = (output + chunk.toString()).slice(-4000) }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  let spawnError: Error | undefined
  child.once('error', (error) => { spawnError = error })
  // the server never outlives the test process, whatever happens to it
  const killOnExit = (): void => { child.kill('SIGKILL') }
  process.once('exit', killOnExit)

  let stopped = false
  let admin: ReturnType<typeof createClient> | undefined
  const stop = async (): Promise<void> => {
    if (stopped) return
    stopped = true
    child.kill('SIGCONT')
    if (admin !== undefined) {
      admin.destroy()
      admin = undefined
    }
    child.kill('SIGTERM')
    const gone = exited(child)
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT)
    await gone
    clearTimeout(timer)
    process.removeListener('exit', killOnExit)
    rmSync(dir, { recursive: true, force: true })
  }

  const deadline = Date.now() + START_TIMEOUT
  for (;;) {
    if (spawnError !== undefined || child.exitCode !== null || child.signalCode !== null) {
      await stop()
      throw new Error(`redis-server on port ${port} did not start${spawnError === undefined ? '' : `: ${spawnError.message}`}\n${output}`)
    }
    if (await pings(port)) break
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`redis-server on port ${port} did not answer PING within ${START_TIMEOUT} ms\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }

  const url = `redis://127.0.0.1:${port}`
  return {
    port,
    url,
    pause: () => { child.kill('SIGSTOP') },
    resume: () => { child.kill('SIGCONT') },
    async command(...args: string[]): Promise<unknown> {
      if (stopped) throw new Error('the redis-server is stopped')
      if (admin === undefined) {
        const client = createClient({ url })
        client.on('error', () => {}) // a stopped server: the command fails, the process does not crash
        admin = client
        await within(client.connect(), 5000, `connecting to ${url}`)
      }
      return within(admin.sendCommand(args), 5000, `redis ${args.join(' ')}`)
    },
    stop,
  }
}

/** Starts a private redis-server on a free loopback port, persistence off, and waits until it answers PING. */
export async function startRedis(): Promise<RedisServer> {
  let last: unknown
  // the port is free when probed; another process may take it before redis-server binds it: try another
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOn(await freePort())
    } catch (error) {
      last = error
    }
  }
  throw last instanceof Error ? last : new Error(String(last))
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
  return { sendCommand: (args: string[]) => { seen.push(String(args[0]).toUpperCase()); return inner.sendCommand(args) } }
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
