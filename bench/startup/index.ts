// Cold start (#18): from spawning a process to its first answered request, for an app of 1,000 and of 10,000
// parameterised routes, routechain against Fastify and Hono, with raw node:http (no router) as node's own floor.
// Each round starts every contender once, in turn; the figure is the median of the rounds. Every process is
// killed by its PID once it has answered.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { request } from 'undici'
import { killWithParent, stopChild } from '../child.js'
import { median } from '../stats.js'

const CHILD = fileURLToPath(new URL('./child.js', import.meta.url))
export const STARTUP_FRAMEWORKS = ['raw', 'routechain', 'fastify', 'hono'] as const
export const STARTUP_ROUTES = [1000, 10_000] as const

/** One contender at one app size. */
export interface StartupRow {
  readonly framework: string
  readonly routes: number
  /** Spawn to first answer, ms, one per round. */
  readonly runs: readonly number[]
  readonly medianMs: number
}

/** Spawns one cold start and resolves to the ms from spawn to its first answer (the last route, read fully). */
async function coldStart(framework: string, routes: number): Promise<number> {
  const started = process.hrtime.bigint()
  const child = spawn(process.execPath, [CHILD, framework, String(routes)], { stdio: ['ignore', 'pipe', 'inherit'] })
  killWithParent(child)
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = ''
      const timer = setTimeout(() => reject(new Error(`${framework} with ${routes} routes did not listen within 30 s`)), 30_000)
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk
        const line = /^(\d+)\n/.exec(out)
        if (line !== null) {
          clearTimeout(timer)
          resolve(Number(line[1]))
        }
      })
      child.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`${framework} exited (${String(code)}) before listening`))
      })
    })
    const path = framework === 'raw' ? '/r0/1' : `/r${routes - 1}/1`
    const response = await request(`http://127.0.0.1:${port}${path}`)
    const body = await response.body.text()
    if (response.statusCode !== 200 || !body.endsWith('1')) throw new Error(`${framework}: GET ${path} answered ${response.statusCode} ${body}`)
    return Number(process.hrtime.bigint() - started) / 1e6
  } finally {
    await stopChild(child, 2000)
  }
}

/** Runs the cold starts: `rounds` of every contender at each size, interleaved. */
export async function benchStartup(quick: boolean, log: (line: string) => void): Promise<StartupRow[]> {
  const rounds = quick ? 2 : 7
  const rows: StartupRow[] = []
  for (const routes of STARTUP_ROUTES) {
    const runs = new Map<string, number[]>(STARTUP_FRAMEWORKS.map((f) => [f, []]))
    await coldStart('routechain', routes) // the first start of a process warms the disk cache, not the code
    for (let round = 0; round < rounds; round++) {
      for (const framework of STARTUP_FRAMEWORKS) runs.get(framework)?.push(await coldStart(framework, routes))
    }
    for (const [framework, times] of runs) {
      rows.push({ framework, routes, runs: times, medianMs: median(times) })
      log(`startup: ${framework} with ${routes} routes: ${median(times).toFixed(0)} ms`)
    }
  }
  return rows
}
