// Debian's haproxy on loopback. startHaproxy() puts it in front of a fleet: round robin over the app processes, a
// health check on each one's readiness route, and an `X-Served-By` header naming the process that answered, so a
// run can show which process served what. startHaproxyWith() runs any config. Started in the foreground (-db) in
// master-worker mode (-W), from a config in its own folder, so that it reloads as an operator's does; stopped by PID.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../free-port.js'
import { killWithParent, stopChild } from '../child.js'

export const HAPROXY = '/usr/sbin/haproxy'

/** One process behind the balancer. */
export interface Backend {
  readonly name: string
  readonly port: number
}

/** How the balancer checks and spreads. */
export interface BalancerOptions {
  /** The readiness route each process answers. @default '/ready' */
  readonly check?: string
  /** Milliseconds between health checks. @default 200 */
  readonly interval?: number
}

/** A running haproxy. */
export interface Balancer {
  readonly port: number
  readonly url: string
  /** The master process's PID. */
  readonly pid: number | undefined
  /** What haproxy printed, its last 4000 characters: for a failure message. */
  output(): string
  /**
   * Reloads it as `systemctl reload haproxy` does (SIGUSR2 to the master): a new worker reads the config, and
   * `config` when given, with its map files again and takes over the listening socket; the old one finishes the
   * requests it has. Resolves once the new worker has loaded and the former one has exited (≤ 10 s each);
   * rejects if the config does not load.
   */
  reload(config?: string): Promise<void>
  /** Stops it (SIGTERM, then SIGKILL after 3 s) and removes its folder; safe to call twice. */
  stop(): Promise<void>
}

/** Whether haproxy can be run here. */
export function haveHaproxy(): boolean {
  return spawnSync(HAPROXY, ['-v'], { stdio: 'ignore' }).status === 0
}

/**
 * The config: each server checked on `check` every `interval` ms, out after one failed check and back after two
 * good ones. A request whose connection to a process fails is sent to another (`retries`, `redispatch`).
 */
export function haproxyConfig(port: number, backends: readonly Backend[], options: BalancerOptions = {}): string {
  const { check = '/ready', interval = 200 } = options
  return [
    'global',
    '  maxconn 2000',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 30s',
    '  timeout server 30s',
    '  retries 3',
    '  option redispatch',
    'frontend web',
    `  bind 127.0.0.1:${port}`,
    '  default_backend fleet',
    'backend fleet',
    '  balance roundrobin',
    `  option httpchk GET ${check}`,
    '  http-check expect status 200',
    `  default-server inter ${interval}ms fall 1 rise 2`,
    '  http-response set-header X-Served-By %s',
    ...backends.map((b) => `  server ${b.name} 127.0.0.1:${b.port} check`),
    '',
  ].join('\n')
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    const done = (ok: boolean): void => { socket.destroy(); resolve(ok) }
    socket.setTimeout(500, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

/** Starts haproxy on a free loopback port in front of `backends`; resolves once it accepts connections (≤ 5 s). */
export function startHaproxy(backends: readonly Backend[], options: BalancerOptions = {}): Promise<Balancer> {
  return startHaproxyWith((port) => haproxyConfig(port, backends, options))
}

const LOADED = /Loading success/g
const FAILED = /Loading failure/
const FORKED = /New worker \((\d+)\) forked/g

/**
 * Starts haproxy with the config `configFor(port, dir)` returns, `port` a free loopback port for its frontend and
 * `dir` the folder the config is written to; resolves once it accepts connections (≤ 5 s). For `reload()` to
 * finish soon, the config's global section should bound how long an old worker may live (`hard-stop-after`).
 */
export async function startHaproxyWith(configFor: (port: number, dir: string) => string): Promise<Balancer> {
  const dir = mkdtempSync(join(tmpdir(), 'routechain-haproxy-'))
  const port = await freePort()
  const config = join(dir, 'haproxy.cfg')
  writeFileSync(config, configFor(port, dir))
  const child = spawn(HAPROXY, ['-W', '-db', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  let log = '' // everything it printed, to follow reloads by: a few lines per reload
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-4000)
    log += chunk.toString()
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  killWithParent(child)
  let stopped = false
  const stop = async (): Promise<void> => {
    if (stopped) return
    stopped = true
    await stopChild(child, 3000)
    rmSync(dir, { recursive: true, force: true })
  }
  const until = async (done: () => boolean, what: string): Promise<void> => {
    const deadline = Date.now() + 10_000
    while (!done()) {
      if (FAILED.test(log) || child.exitCode !== null || Date.now() > deadline) throw new Error(`haproxy ${what}:\n${output}`)
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
  }
  const reload = async (next?: string): Promise<void> => {
    if (next !== undefined) writeFileSync(config, next)
    const former = [...log.matchAll(FORKED)].at(-1)?.[1]
    const loaded = (log.match(LOADED) ?? []).length
    child.kill('SIGUSR2')
    await until(() => (log.match(LOADED) ?? []).length > loaded, 'did not reload')
    // the former worker finishes the requests it holds, and answers the next one on each idle connection
    await until(() => log.includes(`Former worker (${former}) exited`), `kept its former worker ${former}`)
  }
  const deadline = Date.now() + 5000
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop()
      throw new Error(`haproxy did not start on port ${port}:\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return { port, url: `http://127.0.0.1:${port}`, pid: child.pid, output: () => output, reload, stop }
}
