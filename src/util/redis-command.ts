import { configError, RoutechainError } from '../errors.js'

/**
 * A Redis client routechain can use. node-redis 5: `createClient()` or `createCluster()` from `redis` (both
 * have `sendCommand`, each its own way); ioredis: `new Redis()` or `new Cluster()` (both have `call`).
 */
export type RedisClientLike =
  | { sendCommand(args: string[]): Promise<unknown> }
  | { call(command: string, ...args: string[]): Promise<unknown> }
  | RedisClusterLike

/** node-redis's cluster client (`createCluster()`): it routes each command by its first key. */
export interface RedisClusterLike {
  sendCommand(firstKey: string | undefined, isReadonly: boolean | undefined, args: string[]): Promise<unknown>
  getSlotMaster(slot: number): unknown
}

/** Sends one command and resolves to Redis's answer. */
export type RedisCommand = (args: string[]) => Promise<unknown>

/** The key a command acts on, for a cluster to route it: `EVAL script 1 key …` or `GET key`, `SET key …`. */
function firstKey(args: readonly string[]): string | undefined {
  const name = (args[0] as string).toUpperCase()
  if (name === 'EVAL' || name === 'EVALSHA') return Number(args[2]) > 0 ? args[3] : undefined
  return args[1]
}

const READ_ONLY = new Set(['GET', 'EXISTS', 'TTL', 'PTTL'])

/**
 * The answers of a cluster or a failover in progress that a moment later may not be there: a slot moving or
 * being served elsewhere, the cluster or a master briefly down, a replica not yet promoted, a closed connection.
 */
const TRANSIENT = /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN|READONLY|LOADING|MASTERDOWN)\b|Connection is closed|The client is closed|Socket closed|ECONNREFUSED|ECONNRESET/

function isTransient(error: unknown): boolean {
  return error instanceof Error && TRANSIENT.test(error.message)
}

function sender(client: RedisClientLike, who: string): RedisCommand {
  const given = client as unknown as Record<string, unknown>
  const notAClient = (): never => configError(`${who} takes a connected Redis client: createClient() or createCluster() from "redis", or new Redis() or new Cluster() from "ioredis"`)
  if (client === null || typeof client !== 'object') notAClient()
  if (typeof given.call === 'function') {
    const c = client as { call(command: string, ...args: string[]): Promise<unknown> }
    return (args) => c.call(args[0] as string, ...args.slice(1))
  }
  if (typeof given.sendCommand === 'function') {
    if (typeof given.getSlotMaster === 'function') {
      const c = client as RedisClusterLike
      return (args) => c.sendCommand(firstKey(args), READ_ONLY.has(args[0] as string), args)
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
  return (args) => new Promise((resolve, reject) => {
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
      send(args).then(
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
