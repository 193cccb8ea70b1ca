// The Redis setups a failover run kills a master of: a Redis Cluster (three masters, a replica each) or a
// Sentinel set (a master, two replicas, three sentinels), and a connected client of either kind for each.
import { Cluster, Redis } from 'ioredis'
import { createCluster, createSentinel } from 'redis'
import type { RedisClientLike } from '../../src/index.js'
import { startRedisCluster, type RedisCluster } from '../sessions/redis-cluster.js'
import { startRedisSentinel } from '../sessions/redis-sentinel.js'

export type Topology = 'cluster' | 'sentinel'
export type ClientKind = 'node-redis' | 'ioredis'

/** A running setup. */
export interface RedisSetup {
  /** A connected client of `kind`; closed by stop(). */
  client(kind: ClientKind): Promise<RedisClientLike>
  /** SIGKILLs one master's redis-server; resolves to its port. */
  killMaster(): Promise<number>
  /**
   * Waits until the cluster has promoted a replica in place of the killed master, then joins a fresh node as
   * that new master's replica, as an operator replaces a dead node: what writes that wait for a replica need
   * again. A Sentinel set needs nothing (its second replica follows the new master). Resolves once done.
   */
  replaceKilled(killed: number): Promise<void>
  /** Closes the clients and stops every process. */
  stop(): Promise<void>
}

async function clusterSetup(): Promise<RedisSetup> {
  const cluster: RedisCluster = await startRedisCluster()
  const closers: (() => unknown)[] = []
  const slotsOf = async (port: number): Promise<string> =>
    JSON.stringify((await cluster.shards()).find((shard) => shard.master === port)?.slots)
  let killedSlots = ''
  return {
    async client(kind) {
      if (kind === 'node-redis') {
        const client = createCluster({ rootNodes: cluster.nodes.map((n) => ({ url: `redis://${n.host}:${n.port}` })) })
        client.on('error', () => {})
        await client.connect()
        closers.push(() => client.destroy())
        return client as unknown as RedisClientLike
      }
      const client = new Cluster(cluster.nodes.map((n) => ({ host: n.host, port: n.port })))
      client.on('error', () => {})
      closers.push(() => client.disconnect())
      return client
    },
    async killMaster() {
      const [port] = await cluster.masters() as [number]
      killedSlots = await slotsOf(port)
      cluster.server(port).kill()
      return port
    },
    async replaceKilled(killed) {
      const deadline = Date.now() + 20_000
      for (;;) {
        const promoted = (await cluster.shards().catch(() => [])).find((s) => s.master !== killed && JSON.stringify(s.slots) === killedSlots)
        if (promoted !== undefined) {
          await cluster.addReplica(promoted.master)
          return
        }
        if (Date.now() > deadline) throw new Error('the cluster promoted no replica within 20 s of the kill')
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    },
    async stop() {
      for (const close of closers.splice(0)) await close()
      await cluster.stop()
    },
  }
}

async function sentinelSetup(): Promise<RedisSetup> {
  const set = await startRedisSentinel()
  const closers: (() => unknown)[] = []
  return {
    async client(kind) {
      if (kind === 'node-redis') {
        const client = createSentinel({ name: set.name, sentinelRootNodes: [...set.sentinels] })
        client.on('error', () => {})
        await client.connect()
        closers.push(() => client.destroy())
        return client as unknown as RedisClientLike
      }
      const client = new Redis({ sentinels: [...set.sentinels], name: set.name })
      client.on('error', () => {})
      closers.push(() => client.disconnect())
      return client
    },
    killMaster: () => set.killMaster(),
    async replaceKilled() {},
    async stop() {
      for (const close of closers.splice(0)) await close()
      await set.stop()
    },
  }
}

/** Starts a setup of the given topology on loopback. */
export function startSetup(topology: Topology): Promise<RedisSetup> {
  return topology === 'cluster' ? clusterSetup() : sentinelSetup()
}
