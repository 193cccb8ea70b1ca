// The HTTP benchmark: every contender in its own process on core 0, load from core 1, rounds interleaved.
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Pool } from 'undici'
import { checkAnswers } from './check.js'
import { CONTENDERS } from './contenders/index.js'
import { CAN_PIN, load, type LoadResult } from './load.js'
import { TIMED } from './spec.js'
import { median } from './stats.js'

/** How long and how often to measure. */
export interface HttpPlan {
  readonly rounds: number
  readonly seconds: number
  /** Seconds of load per contender and route before timing; 0 warms up with a short burst instead. */
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
  /** The server's CPU time (user + system) per request, in µs: steadier than req/s on a noisy machine. */
  readonly cpuUsPerRequest: number
  /** Median per-round CPU time per request divided by raw node:http's (lower is better). */
  readonly cpuRatio: number
  /** The server's resident memory after all rounds, in MiB. */
  rssMiB: number
}

/** A contender's server process and the port it listens on. */
export interface Server {
  readonly child: ChildProcess
  readonly port: number
}

const here = dirname(fileURLToPath(import.meta.url))

/**
 * Starts `node <entry> <index> 0` (pinned to core 0 when it can be) and waits for its `ready <port>` line; `env`
 * replaces the child's environment (this process's by default).
 */
export function startServer(index: number, entry = join(here, 'serve.js'), env: NodeJS.ProcessEnv = process.env): Promise<Server> {
  const [command, args] = CAN_PIN
    ? ['taskset', ['-c', '0', process.execPath, entry, String(index), '0']]
    : [process.execPath, [entry, String(index), '0']]
  const child = spawn(command as string, args as string[], { stdio: ['ignore', 'pipe', 'inherit'], env })
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

/** Warms a server up with a bounded burst of requests (the quick run's warm-up). */
async function burst(port: number, route: (typeof TIMED)[number], count: number): Promise<void> {
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 16 })
  try {
    let sent = 0
    const worker = async (): Promise<void> => {
      while (sent < count) {
        sent++
        const res = await pool.request({ path: route.path, method: 'GET', headers: route.headers })
        await res.body.dump()
      }
    }
    await Promise.all(Array.from({ length: 16 }, worker))
  } finally {
    await pool.close()
  }
}

// /proc reports CPU time in clock ticks; Linux has used 100 a second on every common build for decades
const CLOCK_TICKS = 100

/** A process's CPU time so far (user + system), in µs. */
export function cpuMicros(pid: number | undefined): number {
  return cpuTicks(pid) * 1e6 / CLOCK_TICKS
}

/** A process's CPU time so far (user + system), in clock ticks. */
function cpuTicks(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return Number(fields[11]) + Number(fields[12])
  } catch {
    return Number.NaN
  }
}

/** A process's resident memory, in MiB. */
export function rssMiB(pid: number | undefined): number {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1])
    return Math.round((kb / 1024) * 10) / 10
  } catch {
    return Number.NaN
  }
}

/**
 * One contender's row from its per-round results and CPU µs per request, paired round by round with the
 * baseline's (`base`, `baseCpu`).
 */
export function summarise(contender: string, route: string, mine: LoadResult[], base: readonly LoadResult[], cpu: readonly number[], baseCpu: readonly number[], rss: number): HttpRow {
  const ratios = mine.map((run, i) => run.rps / (base[i]?.rps ?? Number.NaN))
  const rps = mine.map((run) => run.rps)
  return {
    contender, route, runs: mine, ratios,
    medianRps: median(rps), minRps: Math.min(...rps), maxRps: Math.max(...rps),
    p50ms: median(mine.map((run) => run.p50ms)), p99ms: median(mine.map((run) => run.p99ms)),
    medianRatio: median(ratios), rssMiB: rss,
    cpuUsPerRequest: median(cpu), cpuRatio: median(cpu.map((us, i) => us / (baseCpu[i] ?? Number.NaN))),
  }
}

/** What {@link pairedRounds} measures: contenders already serving, each measure's name, and how to load one. */
export interface PairedRounds {
  readonly plan: HttpPlan
  /** The servers, the baseline first; `names[i]` is the contender `servers[i]` serves. */
  readonly servers: readonly Server[]
  readonly names: readonly string[]
  /** Each measure's name in the report. */
  readonly measures: readonly string[]
  /** One timed load of measure `m` on server `c` for `seconds`. */
  load(c: number, m: number, seconds: number): Promise<LoadResult>
  /** Prefixes the progress lines, e.g. `middleware`. */
  readonly part: string
  readonly log: (line: string) => void
}

/**
 * Warms every contender up on every measure, then runs `plan.rounds` rounds, the contenders' order turning each
 * round, recording each run's result and the server's CPU per request; returns a row per contender and measure,
 * paired round by round with the first server's (the baseline's).
 */
export async function pairedRounds(options: PairedRounds): Promise<HttpRow[]> {
  const { plan, servers, names, measures, load: loadOf, part, log } = options
  for (const c of servers.keys()) for (const m of measures.keys()) await loadOf(c, m, Math.max(1, plan.warmupSeconds))
  const runs = servers.map(() => measures.map((): LoadResult[] => []))
  const cpu = servers.map(() => measures.map((): number[] => []))
  for (let round = 0; round < plan.rounds; round++) {
    for (const [m, measure] of measures.entries()) {
      for (const i of servers.keys()) {
        const c = (i + round) % servers.length
        const server = servers[c] as Server
        const before = cpuMicros(server.child.pid)
        const result = await loadOf(c, m, plan.seconds)
        runs[c]?.[m]?.push(result)
        cpu[c]?.[m]?.push((cpuMicros(server.child.pid) - before) / result.requests)
        log(`${part} round ${round + 1}/${plan.rounds} ${measure}, ${names[c]}: ${Math.round(result.rps)}/s`)
      }
    }
  }
  // results are stored per contender in round order, so pairing by index pairs the same round
  return names.flatMap((name, c) => measures.map((measure, m) =>
    summarise(name, measure, runs[c]?.[m] ?? [], runs[0]?.[m] ?? [], cpu[c]?.[m] ?? [], cpu[0]?.[m] ?? [], rssMiB(servers[c]?.child.pid))))
}

/** Runs the HTTP benchmark. Every contender's answers are checked before anything is timed. */
export async function benchHttp(plan: HttpPlan, log: (line: string) => void): Promise<HttpRow[]> {
  const servers: Server[] = []
  try {
    const started = await Promise.allSettled(CONTENDERS.map((_, i) => startServer(i)))
    for (const result of started) if (result.status === 'fulfilled') servers.push(result.value)
    const failed = started.find((result) => result.status === 'rejected')
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason
    for (const [i, server] of servers.entries()) {
      const wrong = await checkAnswers(server.port)
      if (wrong.length > 0) throw new Error(`${CONTENDERS[i]?.name} answers wrongly:\n  ${wrong.join('\n  ')}`)
    }
    log(`answers checked for ${servers.length} contenders`)
    const loadOf = (server: Server, route: (typeof TIMED)[number], seconds: number) => load({
      url: `http://127.0.0.1:${server.port}${route.path}`, headers: route.headers, seconds, connections: plan.connections, cpu: 1,
    })
    const cpuRuns = servers.map(() => TIMED.map((): number[] => []))
    for (const server of servers) {
      for (const route of TIMED) {
        if (plan.warmupSeconds > 0) await loadOf(server, route, plan.warmupSeconds)
        else await burst(server.port, route, 300)
      }
    }
    const runs = servers.map(() => TIMED.map((): LoadResult[] => []))
    for (let round = 0; round < plan.rounds; round++) {
      for (const [r, route] of TIMED.entries()) {
        // the order turns each round, so no contender always runs at the same distance from the baseline
        for (const c of servers.map((_, i) => (i + round) % servers.length)) {
          const server = servers[c] as Server
          const before = cpuTicks(server.child.pid)
          const result = await loadOf(server, route, plan.seconds)
          runs[c]?.[r]?.push(result)
          cpuRuns[c]?.[r]?.push(((cpuTicks(server.child.pid) - before) * 1e6 / CLOCK_TICKS) / result.requests)
          log(`round ${round + 1}/${plan.rounds} ${route.name} ${CONTENDERS[c]?.name}: ${Math.round(result.rps)} req/s`)
        }
      }
    }
    const rows: HttpRow[] = []
    for (const [c, contender] of CONTENDERS.entries()) {
      for (const [r, route] of TIMED.entries()) {
        rows.push(summarise(contender.name, route.name, runs[c]?.[r] ?? [], runs[0]?.[r] ?? [], cpuRuns[c]?.[r] ?? [], cpuRuns[0]?.[r] ?? [], rssMiB(servers[c]?.child.pid)))
      }
    }
    return rows
  } finally {
    for (const server of servers) server.child.kill('SIGKILL')
  }
}
