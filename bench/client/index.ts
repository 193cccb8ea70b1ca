// The client part of the benchmarks: routechain/client's overhead over plain undici.request on loopback. The target
// (node:http answering GET /ping) runs in its own process pinned to core 0; this process, pinned to core 1 for the
// part, sends a fixed count of requests per round over keep-alive connections, every case once per round.
import { execFileSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { cpuMicros, startServer, type Server } from '../http.js'
import { CAN_PIN } from '../load.js'
import { median } from '../stats.js'
import { checkClientCases, clientCases, type ClientCase, type OpenCase } from './cases.js'
import { PING_BODY } from './target.js'

/** How much to send. */
export interface ClientPlan {
  readonly rounds: number
  /** Requests per case per round. */
  readonly requests: number
  /** Requests per case before the first round (not timed). */
  readonly warmupRequests: number
  /** Requests in flight at once, so keep-alive connections per case. */
  readonly concurrency: number
}

/** One case over all rounds; ratios are paired per round to undici.request's. */
export interface ClientRow {
  readonly name: string
  /** Per round: requests a second. */
  readonly rps: number[]
  /** Per round: this process's CPU time (user + system, all threads) per request, in µs. */
  readonly cpuUs: number[]
  /** Per round: req/s divided by the baseline's in the same round. */
  readonly ratios: number[]
  readonly medianRps: number
  readonly minRps: number
  readonly maxRps: number
  readonly medianRatio: number
  /** Median client CPU µs per request. */
  readonly cpuUsPerRequest: number
  /** Median of per-round client CPU per request divided by the baseline's (lower is better). */
  readonly cpuRatio: number
  /** Median of per-round client CPU µs per request minus the baseline's: what the case adds to each request. */
  readonly addedUs: number
  /** Median share of the wall time this process was on the CPU (1 = its core was saturated). */
  readonly clientBusy: number
  /** Median share of the wall time the target was on the CPU. */
  readonly serverBusy: number
}

/** Everything the client part measured, and how. */
export interface ClientRun {
  readonly date: string
  readonly method: ClientPlan & { pinned: boolean; quick: boolean }
  /** One row per case, the baseline (undici.request) first. */
  readonly rows: ClientRow[]
}

const here = dirname(fileURLToPath(import.meta.url))
/** The most one timed run of one case may take before the part gives up. */
const RUN_LIMIT_MS = 60_000

/**
 * Sends `count` requests, `concurrency` at a time, each checked for the target's body; rejects on the first wrong
 * answer or when it takes longer than `limitMs`.
 */
export async function drive(open: OpenCase, count: number, concurrency: number, limitMs = RUN_LIMIT_MS): Promise<void> {
  let started = 0
  let failed = false
  const worker = async (): Promise<void> => {
    while (started < count && !failed) {
      started++
      let body: string
      try {
        body = await open.send()
      } catch (error) {
        failed = true
        throw error
      }
      if (body !== PING_BODY) {
        failed = true
        throw new Error(`expected ${JSON.stringify(PING_BODY)}, got ${JSON.stringify(body)}`)
      }
    }
  }
  let timer: NodeJS.Timeout | undefined
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      failed = true
      reject(new Error(`${count} requests took more than ${limitMs / 1000} s`))
    }, limitMs)
  })
  try {
    await Promise.race([Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker)), limit])
  } finally {
    clearTimeout(timer)
  }
}

/** One case's timed run in one round. */
export interface RoundResult { rps: number; cpuUs: number; clientBusy: number; serverBusy: number }

async function timedRun(open: OpenCase, plan: ClientPlan, serverPid: number | undefined): Promise<RoundResult> {
  const serverBefore = cpuMicros(serverPid)
  const cpuBefore = process.cpuUsage()
  const t0 = performance.now()
  await drive(open, plan.requests, plan.concurrency)
  const wallUs = (performance.now() - t0) * 1000
  const cpu = process.cpuUsage(cpuBefore)
  const serverUs = cpuMicros(serverPid) - serverBefore
  return {
    rps: plan.requests / (wallUs / 1e6),
    cpuUs: (cpu.user + cpu.system) / plan.requests,
    clientBusy: (cpu.user + cpu.system) / wallUs,
    serverBusy: serverUs / wallUs,
  }
}

/** Builds the rows from per-case, per-round results; the first case is the baseline. */
export function summariseClient(names: readonly string[], runs: readonly (readonly RoundResult[])[]): ClientRow[] {
  const base = runs[0] ?? []
  return names.map((name, c) => {
    const mine = runs[c] ?? []
    const rps = mine.map((r) => r.rps)
    const cpuUs = mine.map((r) => r.cpuUs)
    const ratios = mine.map((r, i) => r.rps / (base[i]?.rps ?? Number.NaN))
    return {
      name, rps, cpuUs, ratios,
      medianRps: median(rps), minRps: Math.min(...rps), maxRps: Math.max(...rps), medianRatio: median(ratios),
      cpuUsPerRequest: median(cpuUs),
      cpuRatio: median(mine.map((r, i) => r.cpuUs / (base[i]?.cpuUs ?? Number.NaN))),
      addedUs: median(mine.map((r, i) => r.cpuUs - (base[i]?.cpuUs ?? Number.NaN))),
      clientBusy: median(mine.map((r) => r.clientBusy)),
      serverBusy: median(mine.map((r) => r.serverBusy)),
    }
  })
}

/** This process's CPU list (as taskset prints it), or undefined when it cannot be read. */
function affinity(): string | undefined {
  try {
    return /:\s*([\d,-]+)\s*$/.exec(execFileSync('taskset', ['-pc', String(process.pid)], { encoding: 'utf8' }))?.[1]
  } catch {
    return undefined
  }
}

/** Pins every thread of this process to the given CPU list. */
function pin(cpuList: string): void {
  execFileSync('taskset', ['-a', '-pc', cpuList, String(process.pid)], { stdio: 'ignore' })
}

/**
 * Runs the client part: quick is 3 rounds of 5,000 requests per case, the full run 10 rounds of 10,000 (~30 s).
 * Short rounds keep each round's cases close together in time, so a burst of load from elsewhere on the machine
 * falls on one round's pairs rather than on one case.
 */
export async function benchClient(quick: boolean, log: (line: string) => void): Promise<ClientRun> {
  const plan: ClientPlan = quick
    ? { rounds: 3, requests: 5_000, warmupRequests: 2_000, concurrency: 32 }
    : { rounds: 10, requests: 10_000, warmupRequests: 5_000, concurrency: 32 }
  const date = new Date().toISOString()
  const cases = clientCases()
  const before = CAN_PIN ? affinity() : undefined
  let server: Server | undefined
  const opened: OpenCase[] = []
  try {
    server = await startServer(0, join(here, 'serve.js'))
    if (before !== undefined) pin('1')
    const wrong = await checkClientCases(server.port, cases)
    if (wrong.length > 0) throw new Error(`client cases answer wrongly:\n  ${wrong.join('\n  ')}`)
    log(`client: answers checked for ${cases.length} cases; ${plan.rounds} rounds × ${plan.requests.toLocaleString('en-US')} requests, ${plan.concurrency} in flight`)
    for (const c of cases) opened.push(c.open(server.port))
    for (const open of opened) await drive(open, plan.warmupRequests, plan.concurrency)
    const runs = cases.map((): RoundResult[] => [])
    for (let round = 0; round < plan.rounds; round++) {
      // every case once per round; the order turns each round so none always follows the same one
      for (let k = 0; k < cases.length; k++) {
        const c = (round + k) % cases.length
        const result = await timedRun(opened[c] as OpenCase, plan, server.child.pid)
        runs[c]?.push(result)
        log(`client: round ${round + 1}/${plan.rounds} ${(cases[c] as ClientCase).name}: ${Math.round(result.rps)} req/s, ${result.cpuUs.toFixed(1)} µs CPU/req`)
      }
    }
    return {
      date,
      method: { ...plan, pinned: before !== undefined, quick },
      rows: summariseClient(cases.map((c) => c.name), runs),
    }
  } finally {
    // the target goes first, so nothing still in flight can hold a close up
    server?.child.kill('SIGKILL')
    await Promise.allSettled(opened.map((open) => open.close()))
    if (before !== undefined) pin(before)
  }
}
