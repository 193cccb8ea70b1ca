// A private Redis Cluster for the tests and `npm run scale`: six redis-server processes on free loopback ports
// with cluster mode on and persistence off, joined by `redis-cli --cluster create` as three masters with a
// replica each. Every process is stopped by its PID, and its folder removed, by stop().
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { startRedisServer, type RedisServer } from './redis-server.js'

const run = promisify(execFile)

/** A running cluster of three masters and three replicas. */
export interface RedisCluster {
  /** Every node, masters and replicas, as `{ host, port }` (what both clients take as their seed list). */
  readonly nodes: readonly { host: string; port: number }[]
  /** One command on the node at `port`, through redis-cli; its printed answer. */
  command(port: number, ...args: string[]): Promise<string>
  /** The ports of the masters now. */
  masters(): Promise<number[]>
  /** Each master now with its replicas and the slot ranges it serves, as the cluster sees it. */
  shards(): Promise<Shard[]>
  /** The port of the master serving `key` now. */
  masterOf(key: string): Promise<number>
  /** The redis-server process on `port`: to pause, resume or kill it. */
  server(port: number): RedisServer
  /**
   * Starts a fresh node and joins it as a replica of the master on `masterPort`, as an operator replaces a dead
   * node; resolves (≤ 20 s) once its first sync is done. Returns its port.
   */
  addReplica(masterPort: number): Promise<number>
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

/** One master of the cluster, its replicas and the slot ranges it serves. */
export interface Shard {
  readonly master: number
  readonly replicas: readonly number[]
  readonly slots: readonly (readonly [number, number])[]
}

/** `CLUSTER NODES` lines as shards: a master's line lists its slot ranges, a replica's names its master's id. */
function parseShards(text: string): Shard[] {
  const nodes = text.split('\n').filter(Boolean).map((line) => {
    const [id, address, flags, masterId, , , , , ...slots] = line.split(' ')
    return { id, port: Number(/:(\d+)@/.exec(address ?? '')?.[1]), flags: (flags ?? '').split(','), masterId, slots }
  }).filter((node) => !node.flags.includes('fail') && !node.flags.includes('noaddr'))
  return nodes.filter((node) => node.flags.includes('master') && node.slots.length > 0).map((master) => ({
    master: master.port,
    replicas: nodes.filter((node) => node.masterId === master.id).map((node) => node.port),
    slots: master.slots.filter((range) => /^\d/.test(range)).map((range) => {
      const [from, to = from] = range.split('-').map(Number) as [number, number?]
      return [from, to] as const
    }),
  }))
}

/**
 * Starts six nodes, creates the cluster, and waits (≤ 20 s) until every node says it is ok with all slots and
 * every replica has finished its first sync.
 */
export async function startRedisCluster(): Promise<RedisCluster> {
  const servers: RedisServer[] = []
  const startNode = (): Promise<RedisServer> =>
    startRedisServer(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '1000',
      // a replica syncs at once rather than after diskless sync's 5 s wait for more replicas: on loopback there are no others
      '--repl-diskless-sync-delay', '0'])
  const cli = async (port: number, ...args: string[]): Promise<string> =>
    (await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 10_000 })).stdout.trim()
  const stop = async (): Promise<void> => { await Promise.all(servers.splice(0).map((s) => s.stop())) }
  try {
    for (let i = 0; i < 6; i++) {
      servers.push(await startNode())
    }
    const ports = servers.map((s) => s.port)
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '1', '--cluster-yes'], { timeout: 30_000 })
    await waitFor('settle', 20_000, async () => {
      for (const port of ports) {
        const info = await cli(port, 'cluster', 'info')
        if (!info.includes('cluster_state:ok') || !info.includes('cluster_slots_ok:16384')) return false
        // a replica counts for WAIT only once its first sync is done
        const replication = await cli(port, 'info', 'replication')
        if (replication.includes('role:slave') && !replication.includes('master_link_status:up')) return false
      }
      return true
    })
  } catch (error) {
    await stop()
    throw error
  }
  const byPort = new Map(servers.map((s) => [s.port, s]))
  // the first node that answers: after a kill, the others still know the cluster
  const ask = async (...args: string[]): Promise<string> => {
    let last: unknown
    for (const port of byPort.keys()) {
      try {
        return await cli(port, ...args)
      } catch (error) {
        last = error
      }
    }
    throw last
  }
  return {
    nodes: servers.map((s) => ({ host: '127.0.0.1', port: s.port })),
    command: cli,
    async masters() {
      const lines = (await ask('cluster', 'nodes')).split('\n')
      return lines.filter((l) => / master /.test(` ${l.split(' ')[2]?.replace(/,/g, ' ')} `) && !l.includes('fail')).map((l) => Number(/:(\d+)@/.exec(l)?.[1]))
    },
    async shards() {
      return parseShards(await ask('cluster', 'nodes'))
    },
    async masterOf(key) {
      const slot = Number(await ask('cluster', 'keyslot', key))
      const shard = parseShards(await ask('cluster', 'nodes')).find((s) => s.slots.some(([from, to]) => slot >= from && slot <= to))
      if (shard === undefined) throw new Error(`no master serves slot ${slot} of ${key}`)
      return shard.master
    },
    async addReplica(masterPort) {
      const node = await startNode()
      servers.push(node)
      byPort.set(node.port, node)
      const masterId = await cli(masterPort, 'cluster', 'myid')
      await run('redis-cli', ['--cluster', 'add-node', `127.0.0.1:${node.port}`, `127.0.0.1:${masterPort}`, '--cluster-slave', '--cluster-master-id', masterId], { timeout: 20_000 })
      await waitFor('sync the new replica', 20_000, async () => (await cli(node.port, 'info', 'replication')).includes('master_link_status:up'))
      return node.port
    },
    server(port) {
      const server = byPort.get(port)
      if (server === undefined) throw new Error(`no node of this cluster on port ${port}`)
      return server
    },
    stop,
  }
}
