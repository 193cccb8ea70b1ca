// One process of examples/blog, as a fleet runs it: on a given loopback port (the balancer's config names it),
// sessions in Redis, draining on SIGTERM. Started from the compiled example next to this file's compiled copy
// and stopped by its PID.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { killWithParent, stopChild } from '../child.js'

const SERVER = fileURLToPath(new URL('../../examples/blog/server.js', import.meta.url))
const START_MS = 10_000
/** How long a stop may take (the drain and the in-flight requests) before the process is killed. */
const STOP_MS = 15_000

/** What a blog process is started with. */
export interface BlogProcessOptions {
  readonly port: number
  /** REDIS_CLUSTER: the cluster's seed nodes as host:port. */
  readonly redisSeeds: readonly string[]
  /** DRAIN_MS: how long it goes on serving after SIGTERM while /ready answers 503. */
  readonly drain: number
  /** REDIS_REPLICAS: how many replicas each login waits for. @default 0 */
  readonly replicas?: number
}

/** A running blog process. */
export interface BlogProcess {
  readonly port: number
  readonly pid: number
  /** Its log, the last 8000 characters. */
  log(): string
  /** SIGTERM, and resolves once it has exited: after its drain and in-flight requests (SIGKILL after 15 s). */
  stop(): Promise<void>
}

/** Starts a blog process; resolves once it says it is listening (≤ 10 s). */
export async function startBlogProcess(options: BlogProcessOptions): Promise<BlogProcess> {
  const env = {
    ...process.env,
    PORT: String(options.port), HOST: '127.0.0.1', DRAIN_MS: String(options.drain),
    REDIS_CLUSTER: options.redisSeeds.join(','), REDIS_REPLICAS: String(options.replicas ?? 0),
  }
  const child = spawn(process.execPath, ['--enable-source-maps', SERVER], { stdio: ['ignore', 'pipe', 'pipe'], env })
  let log = ''
  const keep = (chunk: Buffer): void => { log = (log + chunk.toString()).slice(-8000) }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  killWithParent(child)
  let stopping: Promise<void> | undefined
  const stop = (): Promise<void> => (stopping ??= (async () => {
    await stopChild(child, STOP_MS)
  })())
  const deadline = Date.now() + START_MS
  while (!/listening on http:/.test(log)) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      await stop()
      throw new Error(`the blog on port ${options.port} did not start:\n${log}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  return { port: options.port, pid: child.pid as number, log: () => log, stop }
}
