// Where the blog keeps its sessions, from the environment: a Redis Cluster (REDIS_CLUSTER, seed nodes as
// host:port,host:port), one Redis (REDIS_URL), or else an encrypted cookie (SESSION_KEY). With Redis, several
// blog processes behind one load balancer share their users' logins; REDIS_REPLICAS=1 makes each login wait
// until a replica holds it (RedisStorage's `replicas`).
import { createClient, createCluster } from 'redis'
import { RedisStorage, type RedisClientLike } from '../../src/index.js'

/** A Redis-backed session storage, when the environment names a Redis; `undefined` for the cookie default. */
export async function redisFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<RedisStorage | undefined> {
  const seeds = env.REDIS_CLUSTER?.trim()
  const url = env.REDIS_URL?.trim()
  if (!seeds && !url) return undefined
  const replicas = Number(env.REDIS_REPLICAS ?? 0)
  let client: RedisClientLike
  if (seeds) {
    const cluster = createCluster({ rootNodes: seeds.split(',').map((seed) => ({ url: `redis://${seed.trim()}` })) })
    cluster.on('error', (error: Error) => console.error(`redis cluster: ${error.message}`))
    await cluster.connect()
    client = cluster as unknown as RedisClientLike
  } else {
    const single = createClient({ url: url as string })
    single.on('error', (error: Error) => console.error(`redis: ${error.message}`))
    await single.connect()
    client = single as unknown as RedisClientLike
  }
  return new RedisStorage(client, { replicas })
}
