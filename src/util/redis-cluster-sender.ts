// node-redis's cluster client through a master failover. It learns a new slot owner only from a MOVED answer
// (redis/node-redis#2806): when a master dies and its replica takes over, it would go on sending that slot range
// to the dead address until each command's timeout. Here a command for a slot whose master is unreachable fails
// at once, retryable (the caller backs off and tries again within its timeout), and starts a check that makes
// node-redis reload its slot table from a node that already knows the new owner.
import type { RedisClusterLike, Send } from './redis-command.js'

/** The key a command acts on, for a cluster to route it: `EVAL script 1 key …` or `GET key`, `SET key …`. */
function firstKey(args: readonly string[]): string | undefined {
  const name = (args[0] as string).toUpperCase()
  if (name === 'EVAL' || name === 'EVALSHA') return Number(args[2]) > 0 ? args[3] : undefined
  return args[1]
}

/** The commands a cluster client may send to a replica. */
const READ_ONLY = new Set(['GET', 'EXISTS', 'TTL', 'PTTL'])

/** node-redis's words for a connection to a node gone (no answer of Redis): the node may have died. */
const UNREACHABLE = /The client is (closed|offline)|Disconnects client|Socket closed|Connection timeout|ECONNREFUSED|ECONNRESET/

/** Redis Cluster's hash slot of a key: CRC16 (XMODEM) of the key, or of its `{hash tag}`, mod 16384. */
function keySlot(key: string): number {
  const open = key.indexOf('{')
  if (open !== -1) {
    const close = key.indexOf('}', open + 1)
    if (close > open + 1) key = key.slice(open + 1, close)
  }
  let crc = 0
  for (const byte of Buffer.from(key)) {
    crc ^= byte << 8
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff
  }
  return crc % 16384
}

/** The public parts of node-redis's `createCluster()` client the failover check reads: `slots`, `masters`, `nodeClient`. */
interface ClusterNode {
  readonly address: string
  readonly client?: { readonly isReady: boolean } | undefined
}
export interface ClusterView extends RedisClusterLike {
  readonly slots: readonly ({ readonly master: ClusterNode } | undefined)[]
  readonly masters: readonly ClusterNode[]
  nodeClient(node: ClusterNode): Promise<{ sendCommand(args: string[]): Promise<unknown> }>
}

/**
 * node-redis's cluster client learns a new slot owner only from a MOVED answer (redis/node-redis#2806): when a
 * master dies and its replica takes over, it keeps sending that slot range to the dead address. So when a slot's
 * master is unreachable, ask another live master, directly, about one key of the slot. While it answers MOVED to
 * the dead address the cluster has not failed over yet; once it names another node, send one command through the
 * cluster client routed to that live master: its MOVED makes node-redis reload the slot table from that very
 * node (which already knows the new owner, so the reload never waits on the dead one) and drop the dead node's
 * client. node-redis then follows MOVED up to `maxCommandRedirections` (16) times, reloading each time, and gives
 * up: a few ms, once per failover. One check at a time per client, at most one every 100 ms.
 */
function failoverCheck(cluster: ClusterView): (slot: number, key: string) => void {
  let running = false
  let last = 0
  const check = async (slot: number, key: string): Promise<void> => {
    const stale = cluster.slots[slot]?.master
    if (stale === undefined) return
    for (const other of cluster.masters) {
      if (other === stale || other.client?.isReady !== true) continue
      const owner = await (await cluster.nodeClient(other)).sendCommand(['EXISTS', key]).then(
        () => other.address,
        (error: unknown) => error instanceof Error ? /^MOVED \d+ (\S+)/.exec(error.message)?.[1] : undefined,
      )
      if (owner === undefined) continue
      if (owner === stale.address) return
      let route: string | undefined
      for (let i = 0; route === undefined && i < 1_000_000; i++) {
        if (cluster.slots[keySlot(`rc${i}`)]?.master === other) route = `rc${i}`
      }
      if (route !== undefined) await cluster.sendCommand(route, false, ['EXISTS', key]).catch(() => {})
      return
    }
  }
  return (slot, key) => {
    if (running || Date.now() - last < 100) return
    running = true
    check(slot, key).catch(() => {}).finally(() => { running = false; last = Date.now() })
  }
}

/**
 * Sends through node-redis's cluster client, routed by each command's key (or the `key` given for a keyless one),
 * with a failover check when the master of the command's slot is unreachable.
 */
export function clusterSender(c: ClusterView): Send {
  const recheck = failoverCheck(c)
  return async (args, given) => {
    const key = given ?? firstKey(args)
    if (key === undefined) return c.sendCommand(key, false, args)
    const slot = keySlot(key)
    // its master down (reconnecting): do not queue the command on it; find out whether the slot moved
    if (c.slots[slot]?.master.client?.isReady === false) {
      recheck(slot, key)
      throw new Error(`CLUSTERDOWN the master of slot ${slot} is unreachable`)
    }
    try {
      return await c.sendCommand(key, READ_ONLY.has(args[0] as string), args)
    } catch (error) {
      if (error instanceof Error && UNREACHABLE.test(error.message)) recheck(slot, key)
      throw error
    }
  }
}
