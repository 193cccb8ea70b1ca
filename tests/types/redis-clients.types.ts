// Redis client type tests: compiled by `npm test` (tsc), never run. Every client routechain's Redis stores
// take is accepted as it comes from its library, with no cast; anything else is a type error.
import { Cluster, Redis } from 'ioredis'
import { createClient, createCluster, createSentinel } from 'redis'
import { RedisRateStore, RedisRevocations, RedisStorage } from '../../src/index.js'

export function clients(): void {
  const nodeRedis = createClient({ url: 'redis://127.0.0.1:6379' })
  const nodeRedisCluster = createCluster({ rootNodes: [{ url: 'redis://127.0.0.1:7000' }] })
  const nodeRedisSentinel = createSentinel({ name: 'mymaster', sentinelRootNodes: [{ host: '127.0.0.1', port: 26379 }] })
  const ioredis = new Redis('redis://127.0.0.1:6379')
  const ioredisCluster = new Cluster([{ host: '127.0.0.1', port: 7000 }])
  const ioredisSentinel = new Redis({ sentinels: [{ host: '127.0.0.1', port: 26379 }], name: 'mymaster' })

  for (const client of [nodeRedis, nodeRedisCluster, nodeRedisSentinel, ioredis, ioredisCluster, ioredisSentinel]) {
    new RedisStorage(client, { replicas: 1, replicaTimeout: 500 })
    new RedisRateStore(client)
    new RedisRevocations(client)
  }

  // @ts-expect-error not a Redis client
  new RedisStorage({ get: async () => null })
  // @ts-expect-error replicas is a number of replicas
  new RedisStorage(ioredis, { replicas: true })
}
