// The Redis setups a failover run kills a master of: a Redis Cluster (three masters, a replica each) or a
// Sentinel set (a master, two replicas, three sentinels), and a connected client of either kind for each.
import { Cluster, Redis } from 'ioredis'
import { createClient, createCluster, createSentinel } from 'redis'
import type { RedisClientLike } from '../../src/index.js'
import { startRedisCluster, type RedisCluster } from '../sessions/redis-cluster.js'
import { startRedisSentinel } from '../sessions/redis-sentinel.js'
import { startRedisServer, type RedisServer } from '../sessions/redis-server.js'

export type Topology = 'cluster' | 'sentinel'
export type ClientKind = 'node-redis' | 'ioredis'

/** A running setup. */
export interface RedisSetup {
  /** A connected client of `kind`; closed by stop(). */
  client(kind: ClientKind): Promise<RedisClientLike>
  /** SIGKILLs one master's redis-server; resolves to its port. */
  killMaster(): Promise<number>
  /**
   * Waits until a replica has been promoted in place of the killed master, then joins a fresh node as the new
   * master's replica, as an operator replaces a dead node: what writes that wait for every replica need again.
   * Resolves once it has synced. Behind Sentinel the fresh node then follows whichever master the sentinels
   * name, until stop(), as an operator's tooling would: sentinels learn of replicas only from a master, so one
   * joined to a master that a later failover demoted would otherwise stay behind it.
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
  const added: RedisServer[] = []
  let stopping = false
  let following: Promise<void> | undefined
  // points the replacement at the master the sentinels name, every 200 ms until stop()
  const follow = async (admin: ReturnType<typeof createClient>): Promise<void> => {
    try {
      while (!stopping) {
        const master = await set.master().catch(() => undefined)
        const info = String(await admin.sendCommand(['INFO', 'replication']).catch(() => ''))
        const linkedTo = Number(/master_port:(\d+)/.exec(info)?.[1])
        if (master !== undefined && linkedTo !== master) await admin.sendCommand(['REPLICAOF', '127.0.0.1', String(master)]).catch(() => {})
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
    } finally {
      admin.destroy()
    }
  }
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
    async replaceKilled(killed) {
      const deadline = Date.now() + 20_000
      let master = killed
      while (master === killed) {
        if (Date.now() > deadline) throw new Error('the sentinels promoted no replica within 20 s of the kill')
        await new Promise((resolve) => setTimeout(resolve, 100))
        master = await set.master().catch(() => killed)
      }
      const replica = await startRedisServer(['--repl-diskless-sync-delay', '0', '--replicaof', '127.0.0.1', String(master)])
      added.push(replica)
      const admin = createClient({ url: replica.url })
      admin.on('error', () => {})
      await admin.connect()
      try {
        while (!String(await admin.sendCommand(['INFO', 'replication'])).includes('master_link_status:up')) {
          if (Date.now() > deadline) throw new Error('the replacement replica did not sync within 20 s of the kill')
          await new Promise((resolve) => setTimeout(resolve, 50))
        }
      } catch (error) {
        admin.destroy()
        throw error
      }
      following = follow(admin)
    },
    async stop() {
      stopping = true
      await following
      for (const close of closers.splice(0)) await close()
      await set.stop()
      await Promise.all(added.splice(0).map((server) => server.stop()))
    },
  }
}

/** Starts a setup of the given topology on loopback. */
export function startSetup(topology: Topology): Promise<RedisSetup> {
  return topology === 'cluster' ? clusterSetup() : sentinelSetup()
}
