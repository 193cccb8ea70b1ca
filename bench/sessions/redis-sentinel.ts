// A private Redis Sentinel setup for the tests and the failover runs: a master and two replicas (the bench's launcher,
// `--replicaof`) and three sentinels, each `redis-server sentinel.conf --sentinel` on its own conf in its own
// folder, all on free loopback ports with persistence off. Every process is stopped by its PID, and its folder
// removed, by stop().
import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { launchRedis, onFreePort, startRedisServer, type RedisServer } from './redis-server.js'

const run = promisify(execFile)
const NAME = 'mymaster'
const NO_SYNC_DELAY = ['--repl-diskless-sync-delay', '0']

/** A running master, two replicas and three sentinels watching them. */
export interface RedisSentinel {
  /** The name the sentinels know the master by: `mymaster`. */
  readonly name: string
  /** The sentinels as `{ host, port }` (what both clients take). */
  readonly sentinels: readonly { host: string; port: number }[]
  /** The port of the master now, as a sentinel answers `SENTINEL get-master-addr-by-name`. */
  master(): Promise<number>
  /** SIGKILLs the current master's redis-server by its PID; resolves to its port once the process is gone. */
  killMaster(): Promise<number>
  /** Stops every process and removes their folders. Safe to call twice. */
  stop(): Promise<void>
}

/** A process this file started: its port and PID, and a stop() that also removes its folder. */
interface Started {
  readonly port: number
  readonly pid: number | undefined
  stop(): Promise<void>
}

async function cli(port: number, ...args: string[]): Promise<string> {
  return (await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 5000 })).stdout.trim()
}

async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await check().catch(() => false)) return
    if (Date.now() > deadline) throw new Error(`the sentinels did not ${what} within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

// a sentinel needs a config file it can rewrite, named first on its command line
function sentinelArgs(dir: string, port: number, masterPort: number): string[] {
  const conf = join(dir, 'sentinel.conf')
  writeFileSync(conf, [
    `port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, 'daemonize no', 'loglevel warning',
    'sentinel resolve-hostnames no',
    `sentinel monitor ${NAME} 127.0.0.1 ${masterPort} 2`,
    // 2 s, not 1: after a switch a sentinel first reaches the new master only once the dead one's 1 s reconnect
    // throttle has passed, and it still holds the others' votes that the old master was down; with 1 s, a
    // little CPU delay made it call the new master down too and start a second, needless failover
    `sentinel down-after-milliseconds ${NAME} 2000`,
    `sentinel failover-timeout ${NAME} 5000`,
    '',
  ].join('\n'))
  return [conf, '--sentinel']
}

async function startSentinel(masterPort: number): Promise<Started> {
  return onFreePort(async (port) => {
    const sentinel = await launchRedis(port, 'the sentinel', (dir) => sentinelArgs(dir, port, masterPort))
    return { port, pid: sentinel.pid, stop: sentinel.stop }
  })
}

/** redis-cli's lines for a flat key-value answer (`SENTINEL master`, or each of `SENTINEL replicas`) as pairs. */
function pairs(text: string): [string, string][] {
  const lines = text.split('\n')
  const out: [string, string][] = []
  for (let i = 0; i + 1 < lines.length; i += 2) out.push([lines[i] as string, lines[i + 1] as string])
  return out
}

/** True when this sentinel sees the master up, the two replicas up and linked, and the two other sentinels. */
async function seesAll(port: number): Promise<boolean> {
  const master = new Map(pairs(await cli(port, 'sentinel', 'master', NAME)))
  if (master.get('flags') !== 'master' || master.get('num-slaves') !== '2' || master.get('num-other-sentinels') !== '2') return false
  const replicas = pairs(await cli(port, 'sentinel', 'replicas', NAME))
  const flags = replicas.filter(([key]) => key === 'flags').map(([, value]) => value)
  const links = replicas.filter(([key]) => key === 'master-link-status').map(([, value]) => value)
  return flags.length === 2 && flags.every((f) => f === 'slave') && links.every((l) => l === 'ok')
}

/**
 * Starts a master, two replicas and three sentinels (quorum 2, a master down after 2 s, failover timeout 5 s),
 * and waits (≤ 20 s) until every sentinel sees the master, both replicas and the other two sentinels.
 */
export async function startRedisSentinel(): Promise<RedisSentinel> {
  const servers: RedisServer[] = []
  const sentinels: Started[] = []
  let stopping: Promise<void> | undefined
  const stop = (): Promise<void> => {
    // sentinels first, so none of them reconfigures a server being stopped
    stopping ??= (async () => {
      await Promise.all(sentinels.map((s) => s.stop()))
      await Promise.all(servers.map((s) => s.stop()))
    })()
    return stopping
  }
  try {
    // replicas sync at once rather than after diskless sync's 5 s wait for more of them
    const master = await startRedisServer(NO_SYNC_DELAY)
    servers.push(master)
    for (let i = 0; i < 2; i++) servers.push(await startRedisServer([...NO_SYNC_DELAY, '--replicaof', '127.0.0.1', String(master.port)]))
    for (let i = 0; i < 3; i++) sentinels.push(await startSentinel(master.port))
    await waitFor('see the master, 2 replicas and each other', 20_000, async () => {
      for (const s of sentinels) if (!(await seesAll(s.port))) return false
      return true
    })
  } catch (error) {
    await stop()
    throw error
  }
  const ask = async (): Promise<number> => {
    let last: unknown
    for (const s of sentinels) {
      try {
        const [, port] = (await cli(s.port, 'sentinel', 'get-master-addr-by-name', NAME)).split('\n')
        if (port !== undefined && /^\d+$/.test(port)) return Number(port)
      } catch (error) {
        last = error
      }
    }
    throw new Error(`no sentinel named the master${last instanceof Error ? `: ${last.message}` : ''}`)
  }
  return {
    name: NAME,
    sentinels: sentinels.map((s) => ({ host: '127.0.0.1', port: s.port })),
    master: ask,
    async killMaster() {
      const port = await ask()
      const server = servers.find((s) => s.port === port)
      if (server?.pid === undefined) throw new Error(`the master on port ${port} is not a process this helper started`)
      process.kill(server.pid, 'SIGKILL')
      // gone once it stops answering: at most 2 s, SIGKILL is not refused
      const deadline = Date.now() + 2000
      while (Date.now() < deadline && (await cli(port, 'ping').catch(() => '')) === 'PONG') await new Promise((resolve) => setTimeout(resolve, 20))
      return port
    },
    stop,
  }
}
