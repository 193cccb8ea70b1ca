// The sessions benchmark over HTTP: every contender in its own process on core 0, load from core 1, rounds
// interleaved, once with one repeated cookie and once with a distinct cookie per request. A contender that keeps
// its sessions in Redis gets a private redis-server, started here and stopped afterwards (not pinned).
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Pool } from 'undici'
import { cpuMicros, rssMiB, startServer, summarise, type HttpRow, type Server } from '../http.js'
import { load, type LoadResult } from '../load.js'
import { checkSessionAnswers } from './check.js'
import { SESSION_CONTENDERS } from './contenders/index.js'
import { startRedisServer, type RedisServer } from './redis-server.js'
import { distinctMode, distinctUsers, REDIS_URL_ENV, REPEATED_MODE, REPEATED_USER, requestHeaders, type SessionContender } from './spec.js'

/** How long and how often to measure, and how many distinct cookies to cycle through. */
export interface SessionsPlan {
  readonly rounds: number
  readonly seconds: number
  /** Seconds of load per contender and mode before timing; 0 warms up with a short burst instead. */
  readonly warmupSeconds: number
  readonly connections: number
  /** How many distinct cookies the distinct mode cycles through: more than the storages' caches hold. */
  readonly distinctCookies: number
}

interface Mode {
  readonly name: string
  /** Per contender: one header set for every request, or a list taken in turn. */
  readonly headers: (c: number) => { headers: Record<string, string>; perRequest?: readonly Record<string, string>[] }
}

const here = dirname(fileURLToPath(import.meta.url))

/** Warms a server up with a bounded burst of requests, taking the header sets in turn. */
async function burst(port: number, headerSets: readonly Record<string, string>[], count: number): Promise<void> {
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 16 })
  try {
    let sent = 0
    const worker = async (): Promise<void> => {
      while (sent < count) {
        const headers = headerSets[sent++ % headerSets.length] as Record<string, string>
        const res = await pool.request({ path: '/me', method: 'GET', headers })
        await res.body.dump()
        if (res.statusCode !== 200) throw new Error(`warm-up got ${res.statusCode}`)
      }
    }
    await Promise.all(Array.from({ length: 16 }, worker))
  } finally {
    await pool.close()
  }
}

/** Runs the sessions HTTP benchmark for the given contenders (the first is the baseline); answers checked first. */
export async function benchSessionsHttp(plan: SessionsPlan, contenders: readonly SessionContender[], log: (line: string) => void): Promise<HttpRow[]> {
  const servers: Server[] = []
  let redis: RedisServer | undefined
  try {
    if (contenders.some((c) => c.needsRedis === true)) {
      redis = await startRedisServer()
      log(`sessions: redis-server on ${redis.url} (persistence off, not pinned)`)
    }
    const env = redis === undefined ? process.env : { ...process.env, [REDIS_URL_ENV]: redis.url }
    const entry = join(here, 'serve.js')
    const started = await Promise.allSettled(contenders.map((c) => startServer(SESSION_CONTENDERS.indexOf(c), entry, env)))
    for (const result of started) if (result.status === 'fulfilled') servers.push(result.value)
    const failed = started.find((result) => result.status === 'rejected')
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason
    const users = distinctUsers(plan.distinctCookies)
    const repeated: Record<string, string>[] = []
    const distinct: Record<string, string>[][] = []
    for (const [c, contender] of contenders.entries()) {
      const server = servers[c] as Server
      // server-side storages make these sessions in the running server (or its Redis) now; cookie storages mint here
      const mint = await contender.minter(server.port, [REPEATED_USER, ...users])
      repeated.push(requestHeaders(mint, REPEATED_USER))
      distinct.push(users.map((user) => requestHeaders(mint, user)))
      const wrong = await checkSessionAnswers(server.port, contender, mint, distinct[c])
      if (wrong.length > 0) throw new Error(`${contender.name} answers wrongly:\n  ${wrong.join('\n  ')}`)
    }
    log(`sessions: answers checked for ${servers.length} contenders; ${plan.distinctCookies.toLocaleString('en-US')} distinct sessions minted for each`)
    const modes: Mode[] = [
      { name: REPEATED_MODE, headers: (c) => ({ headers: repeated[c] as Record<string, string> }) },
      { name: distinctMode(plan.distinctCookies), headers: (c) => ({ headers: {}, perRequest: distinct[c] as Record<string, string>[] }) },
    ]
    const loadOf = (c: number, mode: Mode, seconds: number): Promise<LoadResult> => load({
      url: `http://127.0.0.1:${(servers[c] as Server).port}/me`, ...mode.headers(c), seconds, connections: plan.connections, cpu: 1,
    })
    for (const c of servers.keys()) {
      for (const mode of modes) {
        if (plan.warmupSeconds > 0) await loadOf(c, mode, plan.warmupSeconds)
        else {
          const { headers, perRequest } = mode.headers(c)
          await burst((servers[c] as Server).port, perRequest ?? [headers], 200)
        }
      }
    }
    const runs = servers.map(() => modes.map((): LoadResult[] => []))
    const cpuRuns = servers.map(() => modes.map((): number[] => []))
    for (let round = 0; round < plan.rounds; round++) {
      for (const [m, mode] of modes.entries()) {
        for (const [c, server] of servers.entries()) {
          const before = cpuMicros(server.child.pid)
          const result = await loadOf(c, mode, plan.seconds)
          runs[c]?.[m]?.push(result)
          cpuRuns[c]?.[m]?.push((cpuMicros(server.child.pid) - before) / result.requests)
          log(`sessions round ${round + 1}/${plan.rounds} ${mode.name}, ${contenders[c]?.name}: ${Math.round(result.rps)} req/s`)
        }
      }
    }
    const rows: HttpRow[] = []
    for (const [c, contender] of contenders.entries()) {
      for (const [m, mode] of modes.entries()) {
        rows.push(summarise(contender.name, mode.name, runs[c]?.[m] ?? [], runs[0]?.[m] ?? [], cpuRuns[c]?.[m] ?? [], cpuRuns[0]?.[m] ?? [], rssMiB(servers[c]?.child.pid)))
      }
    }
    return rows
  } finally {
    for (const server of servers) server.child.kill('SIGKILL')
    await redis?.stop()
  }
}
