// The HTTP benchmark: every contender in its own process on core 0, load from core 1, rounds interleaved.
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { checkAnswers } from './check.js'
import { CONTENDERS } from './contenders/index.js'
import { CAN_PIN, load, type LoadResult } from './load.js'
import { TIMED } from './spec.js'
import { median } from './stats.js'

/** How long and how often to measure. */
export interface HttpPlan {
  readonly rounds: number
  readonly seconds: number
  readonly warmupSeconds: number
  readonly connections: number
}

/** One contender on one route: every round's result and its ratio to raw node:http in the same round. */
export interface HttpRow {
  readonly contender: string
  readonly route: string
  readonly runs: LoadResult[]
  readonly ratios: number[]
  readonly medianRps: number
  readonly minRps: number
  readonly maxRps: number
  readonly p50ms: number
  readonly p99ms: number
  readonly medianRatio: number
  /** The server's resident memory after all rounds, in MiB. */
  rssMiB: number
}

interface Server {
  readonly child: ChildProcess
  readonly port: number
}

const here = dirname(fileURLToPath(import.meta.url))

function startServer(index: number): Promise<Server> {
  const entry = join(here, 'serve.js')
  const [command, args] = CAN_PIN
    ? ['taskset', ['-c', '0', process.execPath, entry, String(index), '0']]
    : [process.execPath, [entry, String(index), '0']]
  const child = spawn(command as string, args as string[], { stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`contender ${index} did not start in 15 s`)), 15_000)
    child.stdout?.on('data', (chunk: Buffer) => {
      const port = /ready (\d+)/.exec(chunk.toString())?.[1]
      if (port !== undefined) {
        clearTimeout(timer)
        resolve({ child, port: Number(port) })
      }
    })
    child.once('exit', (code) => reject(new Error(`contender ${index} exited with ${code}`)))
  })
}

function rssMiB(pid: number | undefined): number {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1])
    return Math.round((kb / 1024) * 10) / 10
  } catch {
    return Number.NaN
  }
}

/** Runs the HTTP benchmark. Every contender's answers are checked before anything is timed. */
export async function benchHttp(plan: HttpPlan, log: (line: string) => void): Promise<HttpRow[]> {
  const servers: Server[] = []
  try {
    for (let i = 0; i < CONTENDERS.length; i++) servers.push(await startServer(i))
    for (const [i, server] of servers.entries()) {
      const wrong = await checkAnswers(server.port)
      if (wrong.length > 0) throw new Error(`${CONTENDERS[i]?.name} answers wrongly:\n  ${wrong.join('\n  ')}`)
    }
    log(`answers checked for ${servers.length} contenders`)
    const loadOf = (server: Server, route: (typeof TIMED)[number], seconds: number) => load({
      url: `http://127.0.0.1:${server.port}${route.path}`, headers: route.headers, seconds, connections: plan.connections, cpu: 1,
    })
    for (const server of servers) for (const route of TIMED) await loadOf(server, route, plan.warmupSeconds)
    const runs = servers.map(() => TIMED.map((): LoadResult[] => []))
    for (let round = 0; round < plan.rounds; round++) {
      for (const [r, route] of TIMED.entries()) {
        for (const [c, server] of servers.entries()) {
          const result = await loadOf(server, route, plan.seconds)
          runs[c]?.[r]?.push(result)
          log(`round ${round + 1}/${plan.rounds} ${route.name} ${CONTENDERS[c]?.name}: ${Math.round(result.rps)} req/s`)
        }
      }
    }
    const rows: HttpRow[] = []
    for (const [c, contender] of CONTENDERS.entries()) {
      for (const [r, route] of TIMED.entries()) {
        const mine = runs[c]?.[r] ?? []
        const base = runs[0]?.[r] ?? []
        const ratios = mine.map((run, i) => run.rps / (base[i]?.rps ?? Number.NaN))
        const rps = mine.map((run) => run.rps)
        rows.push({
          contender: contender.name, route: route.name, runs: mine, ratios,
          medianRps: median(rps), minRps: Math.min(...rps), maxRps: Math.max(...rps),
          p50ms: median(mine.map((run) => run.p50ms)), p99ms: median(mine.map((run) => run.p99ms)),
          medianRatio: median(ratios), rssMiB: rssMiB(servers[c]?.child.pid),
        })
      }
    }
    return rows
  } finally {
    for (const server of servers) server.child.kill('SIGKILL')
  }
}
