// A fleet on loopback: a Redis Cluster (three masters, three replicas), `size` processes of examples/blog with
// RedisStorage on it, and haproxy in front of them. Each process can be restarted in place (same port, so the
// balancer's config stays), the way a rolling deploy replaces them one at a time.
import { freePort } from '../free-port.js'
import { startRedisCluster, type RedisCluster } from '../sessions/redis-cluster.js'
import { startBlogProcess, type BlogProcess } from './blog-process.js'
import { startHaproxy, type Balancer } from './haproxy.js'

/** How the fleet is built. */
export interface FleetOptions {
  /** How many blog processes. @default 3 */
  readonly size?: number
  /** How long each process drains on SIGTERM, ms: above the balancer's check interval. @default 1000 */
  readonly drain?: number
  /** The balancer's health-check interval, ms. @default 200 */
  readonly checkInterval?: number
}

/** A running fleet. */
export interface Fleet {
  readonly cluster: RedisCluster
  readonly balancer: Balancer
  /** The processes' names as the balancer knows them (`app1`…), in order. */
  readonly names: readonly string[]
  /** The process now serving under `name`. */
  process(name: string): BlogProcess
  /** Stops `name`'s process (it drains, then exits) and starts a new one on its port; resolves once it listens. */
  restart(name: string): Promise<{ stoppedMs: number }>
  /** Stops the balancer, every process and the cluster. */
  stop(): Promise<void>
}

/** Starts the cluster, the processes and the balancer; on any failure, stops what it started and rejects. */
export async function startFleet(options: FleetOptions = {}): Promise<Fleet> {
  const { size = 3, drain = 1000, checkInterval = 200 } = options
  const cluster = await startRedisCluster()
  const processes = new Map<string, BlogProcess>()
  let balancer: Balancer | undefined
  const stop = async (): Promise<void> => {
    await balancer?.stop()
    await Promise.all([...processes.values()].map((p) => p.stop()))
    await cluster.stop()
  }
  const redisSeeds = cluster.nodes.map((n) => `${n.host}:${n.port}`)
  const start = (port: number): Promise<BlogProcess> => startBlogProcess({ port, redisSeeds, drain })
  try {
    for (let i = 1; i <= size; i++) processes.set(`app${i}`, await start(await freePort()))
    balancer = await startHaproxy([...processes].map(([name, p]) => ({ name, port: p.port })), { interval: checkInterval })
  } catch (error) {
    await stop()
    throw error
  }
  const running = (name: string): BlogProcess => {
    const found = processes.get(name)
    if (found === undefined) throw new Error(`no process named ${name} in the fleet`)
    return found
  }
  return {
    cluster,
    balancer,
    names: [...processes.keys()],
    process: running,
    async restart(name) {
      const old = running(name)
      const begun = Date.now()
      await old.stop()
      const stoppedMs = Date.now() - begun
      processes.set(name, await start(old.port))
      return { stoppedMs }
    },
    stop,
  }
}
