// The private Redis Cluster of bench/sessions/redis-cluster.ts for the tests that need one, with the check that
// it can run here (under CI a missing redis-server or redis-cli fails the test) and a node-redis client for it.
import type { RedisCluster } from '../../bench/sessions/redis-cluster.js'
import { hasCommand, needs } from './services.js'

export { startRedisCluster, type RedisCluster, type Shard } from '../../bench/sessions/redis-cluster.js'

/** Whether a cluster can be started here: redis-server and redis-cli. Missing under CI, this throws. */
export function haveRedisCluster(): boolean {
  return needs('redis-server and redis-cli', hasCommand('redis-server') && hasCommand('redis-cli'), 'apt-get install redis-server')
}

/** A connected node-redis cluster client on `cluster`; close it with `.destroy()`. */
export async function nodeRedisCluster(cluster: RedisCluster): Promise<ReturnType<typeof import('redis').createCluster>> {
  const { createCluster } = await import('redis')
  const client = createCluster({ rootNodes: cluster.nodes.map((n) => ({ url: `redis://${n.host}:${n.port}` })) })
  client.on('error', () => {})
  await client.connect()
  return client
}
