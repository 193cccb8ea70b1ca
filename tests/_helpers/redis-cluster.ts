// A private Redis Cluster for the tests that need one: six redis-server processes on free loopback ports with
// cluster mode on and persistence off, joined by `redis-cli --cluster create` as three masters with a replica
// each. Every process is stopped by its PID, and its folder removed, by stop().
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { startRedisServer, type RedisServer } from '../../bench/sessions/redis-server.js'
import { hasCommand, needs } from './services.js'

const run = promisify(execFile)

/** Whether a cluster can be started here: redis-server and redis-cli. Missing under CI, this throws. */
export function haveRedisCluster(): boolean {
  return needs('redis-server and redis-cli', hasCommand('redis-server') && hasCommand('redis-cli'), 'apt-get install redis-server')
}

/** A running cluster of three masters and three replicas. */
export interface RedisCluster {
  /** Every node, masters and replicas, as `{ host, port }` (what both clients take as their seed list). */
  readonly nodes: readonly { host: string; port: number }[]
  /** One command on the node at `port`, through redis-cli; its printed answer. */
  command(port: number, ...args: string[]): Promise<string>
  /** The ports of the masters now. */
  masters(): Promise<number[]>
  /** Stops every node and removes their folders. Safe to call twice. */
  stop(): Promise<void>
}

async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await check().catch(() => false)) return
    if (Date.now() > deadline) throw new Error(`the cluster did not ${what} within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** Starts six nodes, creates the cluster, and waits (≤ 20 s) until every node says it is ok with all slots. */
export async function startRedisCluster(): Promise<RedisCluster> {
  const servers: RedisServer[] = []
  const cli = async (port: number, ...args: string[]): Promise<string> =>
    (await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 10_000 })).stdout.trim()
  const stop = async (): Promise<void> => { await Promise.all(servers.splice(0).map((s) => s.stop())) }
  try {
    for (let i = 0; i < 6; i++) {
      servers.push(await startRedisServer(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '1000']))
    }
    const ports = servers.map((s) => s.port)
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '1', '--cluster-yes'], { timeout: 30_000 })
    await waitFor('settle', 20_000, async () => {
      for (const port of ports) {
        const info = await cli(port, 'cluster', 'info')
        if (!info.includes('cluster_state:ok') || !info.includes('cluster_slots_ok:16384')) return false
      }
      return true
    })
  } catch (error) {
    await stop()
    throw error
  }
  const byPort = new Map(servers.map((s) => [s.port, s]))
  return {
    nodes: servers.map((s) => ({ host: '127.0.0.1', port: s.port })),
    command: cli,
    async masters() {
      const alive = [...byPort.keys()][0] as number
      const lines = (await cli(alive, 'cluster', 'nodes')).split('\n')
      return lines.filter((l) => / master /.test(` ${l.split(' ')[2]?.replace(/,/g, ' ')} `) && !l.includes('fail')).map((l) => Number(/:(\d+)@/.exec(l)?.[1]))
    },
    stop,
  }
}

/** A connected node-redis cluster client on `cluster`; close it with `.destroy()`. */
export async function nodeRedisCluster(cluster: RedisCluster): Promise<ReturnType<typeof import('redis').createCluster>> {
  const { createCluster } = await import('redis')
  const client = createCluster({ rootNodes: cluster.nodes.map((n) => ({ url: `redis://${n.host}:${n.port}` })) })
  client.on('error', () => {})
  await client.connect()
  return client
}
