import { configError, RoutechainError } from '../errors.js'
import { clusterSender, type ClusterView } from './redis-cluster-sender.js'

/**
 * A Redis client routechain can use. node-redis 5: `createClient()`, `createCluster()` or `createSentinel()`
 * from `redis` (all have `sendCommand`, each its own way); ioredis: `new Redis()` (with `sentinels` too) or
 * `new Cluster()` (both have `call`).
 */
export type RedisClientLike =
  | { sendCommand(args: string[]): Promise<unknown> }
  | { call(command: string, ...args: string[]): Promise<unknown> }
  | RedisClusterLike
  | RedisSentinelLike

/** node-redis's cluster client (`createCluster()`): it routes each command by its first key. */
export interface RedisClusterLike {
  sendCommand(firstKey: string | undefined, isReadonly: boolean | undefined, args: string[]): Promise<unknown>
  getSlotMaster(slot: number): unknown
}

/** node-redis's sentinel client (`createSentinel()`): it sends each command to the master the sentinels name. */
export interface RedisSentinelLike {
  sendCommand(isReadonly: boolean | undefined, args: string[]): Promise<unknown>
  getMasterNode(): unknown
}

/**
 * Sends one command and resolves to Redis's answer. `key` routes a command that names no key (`WAIT`) to the
 * node holding that key, on a cluster; elsewhere it changes nothing.
 */
export type RedisCommand = (args: string[], key?: string) => Promise<unknown>

/** How one kind of client sends a command; `key` routes a keyless one on a cluster. */
export type Send = (args: string[], key: string | undefined) => Promise<unknown>

interface IoredisLike {
  call(command: string, ...args: string[]): Promise<unknown>
  isCluster?: boolean
  pipeline(commands: string[][]): { exec(): Promise<[Error | null, unknown][] | null> }
}

/**
 * The answers of a cluster or a failover in progress that a moment later may not be there: a slot moving or
 * being served elsewhere, the cluster or a master briefly down, a replica not yet promoted, a closed connection.
 */
const TRANSIENT = /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN|READONLY|LOADING|MASTERDOWN)\b|Too many Cluster redirections|Connection is closed|The client is (closed|offline)|Disconnects client|Socket closed|Connection timeout|ECONNREFUSED|ECONNRESET/

function isTransient(error: unknown): boolean {
  return error instanceof Error && TRANSIENT.test(error.message)
}

/**
 * ioredis's Cluster sends a keyless command to a random node; in a pipeline with a keyed read it goes to that
 * key's master instead, on the same connection as the key's writes, which is what `WAIT` needs.
 */
function onKeysNode(client: IoredisLike, key: string, args: string[]): Promise<unknown> {
  // a pipeline takes commands by their method names, which are lower case
  return client.pipeline([['exists', key], [(args[0] as string).toLowerCase(), ...args.slice(1)]]).exec().then((answers) => {
    const [error, value] = answers?.[1] ?? [new Error('Connection is closed.'), undefined]
    if (error !== null) throw error
    return value
  })
}

function sender(client: RedisClientLike, who: string): Send {
  const given = client as unknown as Record<string, unknown>
  const notAClient = (): never => configError(`${who} takes a connected Redis client: createClient(), createCluster() or createSentinel() from "redis", or new Redis() or new Cluster() from "ioredis"`)
  if (client === null || typeof client !== 'object') notAClient()
  if (typeof given.call === 'function') {
    const c = client as IoredisLike
    if (c.isCluster === true) return (args, key) => (key === undefined ? c.call(args[0] as string, ...args.slice(1)) : onKeysNode(c, key, args))
    return (args) => c.call(args[0] as string, ...args.slice(1))
  }
  if (typeof given.sendCommand === 'function') {
    if (typeof given.getSlotMaster === 'function') return clusterSender(client as ClusterView)
    if (typeof given.getMasterNode === 'function') {
      const c = client as RedisSentinelLike
      // always the master, never a replica (replicaPoolSize): a replica may not hold the last write yet, and
      // compare-and-set must read what it will compare against
      return (args) => c.sendCommand(false, args)
    }
    const c = client as { sendCommand(args: string[]): Promise<unknown> }
    return (args) => c.sendCommand(args)
  }
  return notAClient()
}

/**
 * Adapts any supported client to one way of sending a command, bounded in time. An answer that a moment later
 * may differ (a slot moving, a failover: MOVED, ASK, TRYAGAIN, CLUSTERDOWN, READONLY…) is retried, backing off,
 * until `timeout` ms have passed; then the command rejects, so the request gets a 503 instead of hanging.
 * `who` names the caller in the start-up error for anything that is not a client.
 */
export function redisCommand(client: RedisClientLike, timeout: number, who: string): RedisCommand {
  const send = sender(client, who)
  if (!Number.isInteger(timeout) || timeout < 1) configError(`${who} commandTimeout must be a whole number of ms from 1 up, got ${String(timeout)}`)
  return (args, key) => new Promise((resolve, reject) => {
    const deadline = Date.now() + timeout
    let settled = false
    const fail = (error: unknown): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      reject(error)
    }
    const timer = setTimeout(() => fail(new RoutechainError('ERR_ROUTECHAIN_SESSION_TIMEOUT', `Redis did not answer ${args[0]} within ${timeout} ms`)), timeout)
    const attempt = (delay: number): void => {
      send(args, key).then(
        (value) => {
          if (settled) return
          settled = true
          clearTimeout(timer)
          resolve(value)
        },
        (error: unknown) => {
          if (!isTransient(error) || Date.now() + delay >= deadline) return fail(error)
          setTimeout(() => { if (!settled) attempt(Math.min(delay * 2, 200)) }, delay)
        },
      )
    }
    attempt(10)
  })
}
