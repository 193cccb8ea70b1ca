// A private redis-server for the RedisStorage contender: a child process on a free loopback port, persistence
// off, in a temporary folder; stopped (and its folder removed) afterwards. Not pinned: the server process has
// core 0 and the load generator core 1, so redis-server shares whichever the kernel gives it.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../free-port.js'
import { killWithParent, stopChild } from '../child.js'

const REDIS_SERVER = 'redis-server'
/** How long redis-server may take to answer PING once started. */
const START_TIMEOUT = 5000
/** How long a stop may take before the process is killed. */
const STOP_TIMEOUT = 3000

/** A running private redis-server. */
export interface RedisServer {
  readonly port: number
  /** `redis://127.0.0.1:<port>` */
  readonly url: string
  readonly pid: number | undefined
  /** Stops the process (SIGSTOP): connections stay open, no command is answered until resume(). */
  pause(): void
  /** Continues the process (SIGCONT); commands sent meanwhile are answered then. */
  resume(): void
  /** Kills the process at once (SIGKILL), as a crash would: what a failover test starts from. */
  kill(): void
  /** Stops the process (resuming it first when paused) and removes its folder; safe to call twice. */
  stop(): Promise<void>
}

/** Whether redis-server can be run here. */
export function haveRedisServer(): boolean {
  return spawnSync('sh', ['-c', `command -v ${REDIS_SERVER}`], { stdio: 'ignore' }).status === 0
}

/** `redis-server --version`'s version, e.g. `7.0.15`, or undefined. */
export function redisServerVersion(): string | undefined {
  const out = spawnSync(REDIS_SERVER, ['--version'], { encoding: 'utf8' })
  return /v=(\S+)/.exec(out.stdout ?? '')?.[1]
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

/** A redis-server process (a server or a sentinel) that answers PING: its PID, and signals and a stop by it. */
export interface RedisProcess {
  readonly pid: number | undefined
  signal(signal: NodeJS.Signals): void
  /** Stops the process by its PID and removes its folder; safe to call twice. */
  stop(): Promise<void>
}

/**
 * Spawns `redis-server` with the arguments `args` makes for its own temporary folder (where a sentinel writes its
 * config), keeps its last output for the error message, and waits (≤ 5 s) until it answers PING on `port`.
 */
export async function launchRedis(port: number, what: string, args: (dir: string) => readonly string[]): Promise<RedisProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'routechain-redis-'))
  const child = spawn(REDIS_SERVER, args(dir), { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const keep = (chunk: Buffer): void => { output = (output + chunk.toString()).slice(-4000) }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  let spawnError: Error | undefined
  child.once('error', (error) => { spawnError = error })
  // the process never outlives the one that started it, whatever happens to it
  killWithParent(child)

  let stopped = false
  const stop = async (): Promise<void> => {
    if (stopped) return
    stopped = true
    await stopChild(child, STOP_TIMEOUT)
    rmSync(dir, { recursive: true, force: true })
  }

  const deadline = Date.now() + START_TIMEOUT
  for (;;) {
    if (spawnError !== undefined || child.exitCode !== null || child.signalCode !== null) {
      await stop()
      throw new Error(`${what} on port ${port} did not start${spawnError === undefined ? '' : `: ${spawnError.message}`}\n${output}`)
    }
    if (await pings(port)) break
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`${what} on port ${port} did not answer PING within ${START_TIMEOUT} ms\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return { pid: child.pid, stop, signal: (signal) => { child.kill(signal) } }
}

/** Runs `start` on a free loopback port, trying another (three in all) when something took the port meanwhile. */
export async function onFreePort<T>(start: (port: number) => Promise<T>): Promise<T> {
  let last: unknown
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await start(await freePort())
    } catch (error) {
      last = error
    }
  }
  throw last instanceof Error ? last : new Error(String(last))
}

async function startOn(port: number, extra: readonly string[]): Promise<RedisServer> {
  const redis = await launchRedis(port, 'redis-server', (dir) => [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--dir', dir, '--daemonize', 'no', '--loglevel', 'warning', ...extra,
  ])
  return {
    port, url: `redis://127.0.0.1:${port}`, pid: redis.pid, stop: redis.stop,
    pause: () => redis.signal('SIGSTOP'),
    resume: () => redis.signal('SIGCONT'),
    kill: () => redis.signal('SIGKILL'),
  }
}

/**
 * Starts a private redis-server on a free loopback port, persistence off, and waits (≤ 5 s) until it answers
 * PING. `extra` arguments go on its command line (`--cluster-enabled yes` for a cluster node).
 */
export async function startRedisServer(extra: readonly string[] = []): Promise<RedisServer> {
  return onFreePort((port) => startOn(port, extra))
}
