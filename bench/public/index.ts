// The public method (#18): fastify/benchmarks' way, so figures can be read beside its table. One JSON `GET`
// answering {"hello":"world"}, autocannon with 100 connections and pipelining 10, each framework in its own
// process (core 0) and autocannon in another (core 1). Rounds interleave the contenders; each is warmed first.
import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import { promisify } from 'node:util'
import { CONTENDERS } from '../contenders/index.js'
import { startServer } from '../http.js'
import { CAN_PIN } from '../load.js'
import { median } from '../stats.js'

const run = promisify(execFile)
const AUTOCANNON = createRequire(import.meta.url).resolve('autocannon/autocannon.js')
/** The contenders of fastify/benchmarks' table that this repository also runs, raw node:http first. */
export const PUBLIC_CONTENDERS = ['node:http (raw)', 'routechain', 'fastify', 'hono', 'h3', 'koa', 'express'] as const

/** One contender's rounds. */
export interface PublicRow {
  readonly contender: string
  readonly rps: readonly number[]
  readonly medianRps: number
  /** Median of the per-round ratios to raw node:http's req/s. */
  readonly ratio: number
  readonly latencyMs: number
}

interface AutocannonJson { requests: { average: number }; latency: { average: number }; non2xx: number; errors: number }

async function autocannon(port: number, seconds: number): Promise<AutocannonJson> {
  const args = [AUTOCANNON, '-c', '100', '-p', '10', '-d', String(seconds), '-j', `http://127.0.0.1:${port}/hello`]
  const [command, argv] = CAN_PIN ? ['taskset', ['-c', '1', process.execPath, ...args]] : [process.execPath, args]
  const { stdout } = await run(command as string, argv as string[], { timeout: (seconds + 30) * 1000, maxBuffer: 16 * 2 ** 20 })
  const result = JSON.parse(stdout) as AutocannonJson
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`autocannon saw ${result.non2xx} non-2xx answers and ${result.errors} errors`)
  return result
}

/** Runs the rounds; every server process is stopped by its PID after its run. */
export async function benchPublic(quick: boolean, log: (line: string) => void): Promise<PublicRow[]> {
  const rounds = quick ? 1 : 3
  const seconds = quick ? 3 : 10
  const results = new Map<string, { rps: number; latency: number }[]>(PUBLIC_CONTENDERS.map((name) => [name, []]))
  for (let round = 0; round < rounds; round++) {
    for (const name of PUBLIC_CONTENDERS) {
      const index = CONTENDERS.findIndex((c) => c.name === name)
      if (index === -1) throw new Error(`no contender named ${name}`)
      const server = await startServer(index)
      try {
        await autocannon(server.port, 2) // warm-up, not kept
        const result = await autocannon(server.port, seconds)
        results.get(name)?.push({ rps: result.requests.average, latency: result.latency.average })
        log(`public: round ${round + 1} ${name}: ${Math.round(result.requests.average)} req/s`)
      } finally {
        server.child.kill('SIGTERM')
        await new Promise((resolve) => server.child.once('exit', resolve))
      }
    }
  }
  const raw = results.get(PUBLIC_CONTENDERS[0]) ?? []
  return PUBLIC_CONTENDERS.map((contender) => {
    const mine = results.get(contender) ?? []
    return {
      contender,
      rps: mine.map((r) => r.rps),
      medianRps: median(mine.map((r) => r.rps)),
      ratio: median(mine.map((r, i) => r.rps / (raw[i]?.rps ?? Number.NaN))),
      latencyMs: median(mine.map((r) => r.latency)),
    }
  })
}
