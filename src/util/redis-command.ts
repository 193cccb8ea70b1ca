import { configError, RoutechainError } from '../errors.js'

/**
 * A Redis client routechain can use: node-redis (`createClient()` from `redis`, which has `sendCommand`) or
 * ioredis (`new Redis()`, which has `call`).
 */
export type RedisClientLike =
  | { sendCommand(args: string[]): Promise<unknown> }
  | { call(command: string, ...args: string[]): Promise<unknown> }

/** Sends one command and resolves to Redis's answer. */
export type RedisCommand = (args: string[]) => Promise<unknown>

/**
 * Adapts either client to one way of sending a command, bounded in time: past `timeout` ms the command
 * rejects, so a request waiting on a stuck Redis gets a 503 instead of hanging. `who` names the caller in
 * the start-up error for anything that is not a client.
 */
export function redisCommand(client: RedisClientLike, timeout: number, who: string): RedisCommand {
  let send: RedisCommand
  if (client !== null && typeof client === 'object' && 'call' in client && typeof client.call === 'function') {
    send = (args) => client.call(args[0] as string, ...args.slice(1))
  } else if (client !== null && typeof client === 'object' && 'sendCommand' in client && typeof client.sendCommand === 'function') {
    send = (args) => client.sendCommand(args)
  } else {
    configError(`${who} takes a connected Redis client: createClient() from "redis" or new Redis() from "ioredis"`)
  }
  if (!Number.isInteger(timeout) || timeout < 1) configError(`${who} commandTimeout must be a whole number of ms from 1 up, got ${String(timeout)}`)
  return (args) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new RoutechainError('ERR_ROUTECHAIN_SESSION_TIMEOUT', `Redis did not answer ${args[0]} within ${timeout} ms`)), timeout)
    send(args).then(
      (value) => { clearTimeout(timer); resolve(value) },
      (error: unknown) => { clearTimeout(timer); reject(error) },
    )
  })
}
