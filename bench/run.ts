// `npm run bench [-- --quick]`: HTTP on loopback, then in process; writes bench/results/latest.{md,json,svg}.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync } from 'node:fs'
import { cpus, release, totalmem, type } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { benchDispatch } from './dispatch.js'
import { benchHttp } from './http.js'
import { CAN_PIN, LOADER } from './load.js'
import { writeReport, type BenchRun } from './report.js'
import { benchRouting } from './routing.js'
import { checkTargets } from './targets.js'

const quick = process.argv.includes('--quick')
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const plan = quick
  ? { rounds: 3, seconds: 1, warmupSeconds: 0, connections: 64 }
  : { rounds: 5, seconds: 5, warmupSeconds: 3, connections: 64 }
const log = (line: string): void => console.log(`[bench] ${line}`)

function version(name: string): string {
  try {
    return (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version
  } catch {
    return 'not installed'
  }
}

// When autocannon loads from this process, keep it off the servers' core.
if (CAN_PIN && LOADER === 'autocannon') execFileSync('taskset', ['-pc', '1', String(process.pid)])

const started = Date.now()
log(`${quick ? 'quick' : 'full'} run: ${plan.rounds} rounds × ${plan.seconds} s, load from ${LOADER}${CAN_PIN ? ', pinned' : ''}`)
const http = await benchHttp(plan, log)
log('in process: dispatch')
const dispatch = await benchDispatch(quick)
log('in process: routing')
const routing = await benchRouting(quick)
const inProcess = [...dispatch, ...routing]

const cpu = cpus()
const run: BenchRun = {
  date: new Date().toISOString(),
  machine: { cpu: cpu[0]?.model.trim() ?? 'unknown', cores: cpu.length, memoryGiB: Math.round(totalmem() / 2 ** 30), os: `${type()} ${release()}`, node: process.version },
  versions: Object.fromEntries(['routechain', 'find-my-way', 'fastify', 'hono', '@hono/node-server', 'koa', '@koa/router', 'express', 'h3', 'koa-compose', 'mitata', 'autocannon']
    .map((name) => [name, name === 'routechain' ? (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version : version(name)])),
  method: { loader: LOADER, pinned: CAN_PIN, ...plan, quick },
  commands: [
    `npm run bench${quick ? ' -- --quick' : ''}`,
    `# per run: ${LOADER === 'wrk' ? `${CAN_PIN ? 'taskset -c 1 ' : ''}wrk -t1 -c${plan.connections} -d${plan.seconds}s --latency [-H 'authorization: Bearer t'] http://127.0.0.1:PORT/PATH` : 'autocannon (in process)'}`,
    `# servers: ${CAN_PIN ? 'taskset -c 0 ' : ''}node .build/bench/serve.js INDEX 0`,
  ],
  http,
  inProcess,
  targets: checkTargets(http, inProcess),
}
const dir = join(root, 'bench', 'results')
mkdirSync(dir, { recursive: true })
writeReport(dir, run)
for (const t of run.targets) log(`${t.met === undefined ? '–' : t.met ? '✓' : '✗'} ${t.target}: ${t.measured}`)
log(`wrote bench/results/latest.md, latest.json, latest.svg in ${((Date.now() - started) / 1000).toFixed(0)} s`)
