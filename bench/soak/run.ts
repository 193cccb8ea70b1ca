// `npm run load`: a bounded load and soak run on loopback. Warm-up, then phase 1 ("connections": many keep-alive
// connections at once, for a fixed time), then phase 2 ("soak": a million requests through a three-step chain with
// encrypted cookie sessions), sampling the server's memory between phases. Exits 1 when a check fails.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync } from 'node:fs'
import { cpus, release, totalmem, type } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateKey } from '../../src/index.js'
import { cpuMicros, startServer, type Server } from '../http.js'
import { CAN_PIN } from '../load.js'
import { checkSoakAnswers } from './checks.js'
import { ensureOpenFiles, openFileLimit } from './fd-limit.js'
import { runLoad } from './loader.js'
import { requestMix, type MixRequest } from './mix.js'
import { parseOptions, type SoakPlan } from './options.js'
import type { SoakLoad } from './outcome.js'
import { renderTables, writeSoakReport, type PhaseResult, type SoakRun } from './report.js'
import { KEY_ENV } from './spec.js'
import { drained, sampleServer, watchRss, type MemorySample } from './status.js'
import { checkRun } from './verdict.js'
import { wrkArgs } from './wrk.js'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..', '..')
const LOAD_CPU = 1
const log = (line: string): void => console.log(`[load] ${line}`)

/** The CPU model as /proc/cpuinfo names it (os.cpus() as a fallback). */
function cpuModel(): string {
  try {
    const model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]
    if (model !== undefined) return model.trim()
  } catch { /* not Linux */ }
  return cpus()[0]?.model.trim() ?? 'unknown'
}

/** Runs one load phase against the server and reads what the server saw of it. */
async function phase(name: string, server: Server, load: SoakLoad, plan: SoakPlan, before: MemorySample): Promise<{ result: PhaseResult; after: MemorySample }> {
  const pid = server.child.pid
  const cpuBefore = cpuMicros(pid)
  const watch = watchRss(pid)
  const outcome = await runLoad(load, plan.loader)
  const cpu = cpuMicros(pid) - cpuBefore
  const peakRssMiB = watch.stop()
  const after = await drained(server.port, `after ${name}`)
  log(`${name}: ${outcome.requests.toLocaleString('en-US')} requests in ${outcome.seconds.toFixed(1)} s, ${Math.round(outcome.rps).toLocaleString('en-US')} req/s`)
  return {
    after,
    result: {
      name, threads: load.threads, connections: load.connections, outcome,
      accepted: after.accepted - before.accepted, peakOpen: after.peakOpen, openAfter: after.open,
      serverSocketErrors: after.socketErrors - before.socketErrors,
      serverCpuUsPerRequest: cpu / outcome.requests, peakRssMiB,
    },
  }
}

/** How each phase's load generator was run, for the report (paths and port as placeholders). */
function loadCommands(plan: SoakPlan, loads: readonly [string, SoakLoad][]): string[] {
  if (plan.loader === 'autocannon') return ['# load: autocannon in this process (bench/soak/autocannon.ts), the same mix and checks']
  const pin = CAN_PIN ? `taskset -c ${LOAD_CPU} ` : ''
  return [
    ...loads.map(([name, load]) => `# ${name}: ${pin}wrk ${wrkArgs({ ...load, port: 0 }, 'soak.lua', 'mix.tsv').join(' ').replace('127.0.0.1:0', '127.0.0.1:PORT')}`),
    `# server: NODE_OPTIONS=--expose-gc ${KEY_ENV}=$(npx routechain keygen) ${CAN_PIN ? 'taskset -c 0 ' : ''}node .build/bench/soak/serve.js 0 0`,
  ]
}

async function main(): Promise<boolean> {
  const args = process.argv.slice(2)
  const plan = parseOptions(args)
  ensureOpenFiles(Math.max(plan.connections, plan.soakConnections))
  // autocannon loads from this process: keep it off the server's core
  if (CAN_PIN && plan.loader === 'autocannon') execFileSync('taskset', ['-pc', String(LOAD_CPU), String(process.pid)])
  if (plan.loader === 'autocannon' && plan.connections > 256) {
    log(`warning: autocannon cannot open the connections before loading (wrk's start gate), so most of ${plan.connections} connections arrive at a server already saturated by the first ones, which accepts one per event-loop turn: expect timeouts; install wrk`)
  }
  log(`${plan.quick ? 'quick' : 'full'} run: ${plan.connections.toLocaleString('en-US')} connections for ${plan.connectionSeconds} s, then ${plan.requests.toLocaleString('en-US')} requests; load from ${plan.loader}${CAN_PIN ? ', pinned' : ''}; ulimit -n ${openFileLimit()}`)

  const key = generateKey()
  const mix: readonly MixRequest[] = requestMix(key, plan.distinctCookies)
  const env = { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --expose-gc`.trim(), [KEY_ENV]: key }
  const server = await startServer(0, join(here, 'serve.js'), env)
  try {
    const port = server.port
    const wrong = await checkSoakAnswers(port, key)
    if (wrong.length > 0) throw new Error(`the soak app answers wrongly:\n  ${wrong.join('\n  ')}`)
    log('answers checked')
    const loads: [string, SoakLoad][] = [
      ['warm-up', { port, mix, connections: plan.soakConnections, threads: 1, seconds: plan.warmupSeconds, cpu: LOAD_CPU }],
      ['connections', { port, mix, connections: plan.connections, threads: plan.connectionThreads, seconds: plan.connectionSeconds, startGateMs: plan.connectGateMs, cpu: LOAD_CPU }],
      ['soak', { port, mix, connections: plan.soakConnections, threads: 1, stopAfter: plan.requests, seconds: plan.maxSeconds, cpu: LOAD_CPU }],
    ]
    const samples: MemorySample[] = [await sampleServer(port, 'started, idle')]
    const phases: PhaseResult[] = []
    let before = samples[0] as MemorySample
    for (const [name, load] of loads) {
      const { result, after } = await phase(name, server, load, plan, before)
      phases.push(result)
      samples.push(after)
      if (name === 'warm-up') samples.push(await sampleServer(port, 'after warm-up, GC', true))
      before = samples[samples.length - 1] as MemorySample
    }
    samples.push(await sampleServer(port, 'end, after GC', true))

    const warm = samples.find((s) => s.at === 'after warm-up, GC') as MemorySample
    const end = samples[samples.length - 1] as MemorySample
    const [warmup, connections, soak] = phases as [PhaseResult, PhaseResult, PhaseResult]
    const checks = checkRun(warmup, connections, soak, plan.requests, warm, end)
    const cpu = cpus()
    const run: SoakRun = {
      date: new Date().toISOString(),
      machine: { cpu: cpuModel(), cores: cpu.length, memoryGiB: Math.round(totalmem() / 2 ** 30), os: `${type()} ${release()}`, node: process.version },
      command: `npm run load${args.length === 0 ? '' : ` -- ${args.join(' ')}`}`,
      method: { loader: plan.loader, pinned: CAN_PIN, openFiles: openFileLimit(), plan, loadCommands: loadCommands(plan, loads) },
      phases, samples, checks,
      passed: checks.every((c) => c.ok),
    }
    console.log(['', ...renderTables(run), ''].join('\n'))
    if (plan.write) {
      const dir = join(root, 'bench', 'results')
      // a quick run is a smoke test: it never replaces the full report
      const name = plan.quick ? 'load-quick' : 'load'
      mkdirSync(dir, { recursive: true })
      writeSoakReport(dir, run, name)
      log(`wrote bench/results/${name}.md and ${name}.json`)
    }
    log(run.passed ? 'passed' : `FAILED: ${checks.filter((c) => !c.ok).map((c) => c.name).join('; ')}`)
    return run.passed
  } finally {
    server.child.kill('SIGKILL')
  }
}

try {
  process.exitCode = (await main()) ? 0 : 1
} catch (error) {
  console.error('[load] could not run:', error)
  process.exitCode = 1
}
