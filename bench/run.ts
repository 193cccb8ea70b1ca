// `npm run bench [-- --quick] [-- --only http|in-process|client|sessions|validation|websocket|middleware|startup|idle|public] [-- --report NAME]`:
// HTTP on loopback, then in process (dispatch, routing, sealed boxes), then the HTTP client against undici.request, then
// sessions, validated request bodies, WebSockets, connect middleware with uploads, cold starts, idle connections' memory, and the public method (fastify/benchmarks' way); writes
// bench/results/latest.{md,json,svg}. With --only, the parts not run are carried over from the previous latest.json
// (the report says so).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { cpus, release, totalmem, type } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { benchClient } from './client/index.js'
import { benchDispatch } from './dispatch.js'
import { benchHttp } from './http.js'
import { benchMiddleware } from './middleware/index.js'
import { CAN_PIN, LOADER } from './load.js'
import { writeReport, type BenchRun } from './report.js'
import { benchRouting } from './routing.js'
import { benchSealed } from './sealed.js'
import { benchSessions } from './sessions/index.js'
import { benchStartup } from './startup/index.js'
import { benchIdle } from './idle/index.js'
import { benchPublic } from './public/index.js'
import { checkTargets } from './targets.js'
import { benchValidation } from './validation/http.js'
import { benchWebSockets } from './websocket/index.js'

const PARTS = ['http', 'in-process', 'client', 'sessions', 'validation', 'websocket', 'middleware', 'startup', 'idle', 'public'] as const
type Part = (typeof PARTS)[number]

function onlyPart(argv: readonly string[]): Part | undefined {
  const at = argv.findIndex((arg) => arg === '--only' || arg.startsWith('--only='))
  if (at === -1) return undefined
  const arg = argv[at] as string
  const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[at + 1]
  if (!PARTS.includes(value as Part)) throw new Error(`--only takes one of ${PARTS.join(', ')}; got ${String(value)}`)
  return value as Part
}

/** `--report NAME`: write bench/results/NAME.* (a run on another Node, say) and carry nothing over into it. */
function reportName(argv: readonly string[]): string | undefined {
  const at = argv.findIndex((arg) => arg === '--report' || arg.startsWith('--report='))
  if (at === -1) return undefined
  const arg = argv[at] as string
  const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[at + 1]
  if (value === undefined || !/^[a-z0-9-]+$/.test(value) || value === 'latest' || value === 'quick') {
    throw new Error(`--report takes a name of lower-case letters, digits and '-' other than latest and quick; got ${String(value)}`)
  }
  return value
}

const quick = process.argv.includes('--quick')
const only = onlyPart(process.argv)
const named = reportName(process.argv)
const report = named ?? (quick ? 'quick' : 'latest')
// a quick run leaves the sessions part out (it alone takes ~15 s) unless asked for with --only sessions
const runs = (part: Part): boolean => (only === undefined ? !(quick && part === 'sessions') : only === part)
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const dir = join(root, 'bench', 'results')
const plan = quick
  ? { rounds: 3, seconds: 1, warmupSeconds: 0, connections: 64 }
  : { rounds: 10, seconds: 3, warmupSeconds: 3, connections: 64 }
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

// --only: what the previous full report measured stays, marked as carried over
const previous = only !== undefined && named === undefined && existsSync(join(dir, 'latest.json'))
  ? JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8')) as BenchRun
  : undefined
const carried: Record<string, string> = { ...previous?.carried }
const carry = (part: string, date: string | undefined): void => { if (date !== undefined && carried[part] === undefined) carried[part] = date }

const started = Date.now()
log(`${quick ? 'quick' : 'full'} run${only === undefined ? '' : ` of ${only} only`}: load from ${LOADER}${CAN_PIN ? ', pinned' : ''}`)
let http = previous?.http ?? []
let method: BenchRun['method'] = previous?.method ?? { loader: LOADER, pinned: CAN_PIN, ...plan, quick }
if (runs('http')) {
  log(`HTTP: ${plan.rounds} rounds × ${plan.seconds} s`)
  http = await benchHttp(plan, log)
  method = { loader: LOADER, pinned: CAN_PIN, ...plan, quick }
  delete carried.HTTP
} else carry('HTTP', previous?.date)
let inProcess = previous?.inProcess ?? []
if (runs('in-process')) {
  log('in process: dispatch')
  const dispatch = await benchDispatch(quick)
  log('in process: routing')
  const routing = await benchRouting(quick)
  log('in process: sealed boxes')
  const sealed = await benchSealed(quick)
  inProcess = [...dispatch, ...routing, ...sealed]
  delete carried['in process']
} else carry('in process', previous?.date)
let client = previous?.client
if (runs('client')) {
  const clientStarted = Date.now()
  client = await benchClient(quick, log)
  log(`client took ${((Date.now() - clientStarted) / 1000).toFixed(1)} s`)
  delete carried.client
} else if (client !== undefined) carry('client', client.date)
let sessions = previous?.sessions
if (runs('sessions')) {
  const sessionsStarted = Date.now()
  sessions = await benchSessions(quick, log)
  log(`sessions took ${((Date.now() - sessionsStarted) / 1000).toFixed(1)} s`)
  delete carried.sessions
} else if (sessions !== undefined) carry('sessions', sessions.date)

type RowsPartName = 'validation' | 'websocket' | 'middleware' | 'startup' | 'idle' | 'public'

/** A part measured as rows: run now (timed and logged), or carried over from the previous report. */
async function rowsPart<Row>(part: RowsPartName, measure: () => Promise<Row[]>, what = ''): Promise<{ date: string; rows: Row[] } | undefined> {
  const earlier = previous?.[part] as { date: string; rows: Row[] } | undefined
  if (!runs(part)) {
    if (earlier !== undefined) carry(part, earlier.date)
    return earlier
  }
  const partStarted = Date.now()
  if (what !== '') log(`${part}: ${what}`)
  const measured = { date: new Date().toISOString(), rows: await measure() }
  log(`${part} took ${((Date.now() - partStarted) / 1000).toFixed(1)} s`)
  delete carried[part]
  return measured
}

const rounds = `${plan.rounds} rounds × ${plan.seconds} s`
const validation = await rowsPart('validation', () => benchValidation(plan, log), rounds)
const websocket = await rowsPart('websocket', () => benchWebSockets(plan, log), rounds)
const middleware = await rowsPart('middleware', () => benchMiddleware(plan, log), rounds)
const startup = await rowsPart('startup', () => benchStartup(quick, log))
const idle = await rowsPart('idle', () => benchIdle(quick, log))
const publicMethod = await rowsPart('public', () => benchPublic(quick, log))

const cpu = cpus()
const run: BenchRun = {
  date: new Date().toISOString(),
  machine: { cpu: cpu[0]?.model.trim() ?? 'unknown', cores: cpu.length, memoryGiB: Math.round(totalmem() / 2 ** 30), os: `${type()} ${release()}`, node: process.version },
  versions: Object.fromEntries(['routechain', 'find-my-way', 'fastify', 'hono', '@hono/node-server', 'koa', '@koa/router', 'express', 'h3', 'koa-compose',
    '@fastify/secure-session', 'sodium-native', 'helmet', 'multer', '@fastify/helmet', '@fastify/multipart', '@fastify/busboy', 'tweetnacl', 'tweetsodium', 'blakejs', 'redis', 'mitata', 'autocannon', 'undici']
    .map((name) => [name, name === 'routechain' ? (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version : version(name)])),
  method,
  commands: [
    `npm run bench${quick ? ' -- --quick' : ''}${only === undefined ? '' : ` -- --only ${only}`}${named === undefined ? '' : ` -- --report ${named}`}`,
    `# per run: ${LOADER === 'wrk' ? `${CAN_PIN ? 'taskset -c 1 ' : ''}wrk -t1 -c${plan.connections} -d${plan.seconds}s --latency [-H 'authorization: Bearer t'] http://127.0.0.1:PORT/PATH` : 'autocannon (in process)'}`,
    `# servers: ${CAN_PIN ? 'taskset -c 0 ' : ''}node .build/bench/serve.js INDEX 0`,
    `# client: this process${CAN_PIN ? ' (taskset -a -pc 1 PID)' : ''} against ${CAN_PIN ? 'taskset -c 0 ' : ''}node .build/bench/client/serve.js 0 0 (GET /ping)`,
    `# sessions, one repeated cookie: ${CAN_PIN ? 'taskset -c 1 ' : ''}wrk -t1 -c64 -dSECONDS --latency -H 'cookie: session=VALUE' -H 'x-user: alice' http://127.0.0.1:PORT/me`,
    `# sessions, a distinct cookie per request: ${CAN_PIN ? 'taskset -c 1 ' : ''}wrk -t1 -c64 -dSECONDS --latency -s $TMPDIR/routechain-bench-*/requests.lua http://127.0.0.1:PORT/me`,
    `# sessions servers: ${CAN_PIN ? 'taskset -c 0 ' : ''}node .build/bench/sessions/serve.js INDEX 0 (RedisStorage's with ROUTECHAIN_BENCH_REDIS_URL=redis://127.0.0.1:PORT)`,
    `# sessions, RedisStorage's redis-server (not pinned): redis-server --port PORT --bind 127.0.0.1 --save '' --appendonly no`,
    `# validation: ${CAN_PIN ? 'taskset -c 1 ' : ''}wrk -t1 -c${plan.connections} -d${plan.seconds}s --latency -H 'content-type: application/json' -s body.lua http://127.0.0.1:PORT/users (body.lua sets wrk.method = "POST" and wrk.body to the 10-field body)`,
    `# websocket: ${CAN_PIN ? 'taskset -c 1 ' : ''}node .build/bench/websocket/client.js echo|handshake ws://127.0.0.1:PORT/echo?token=t SECONDS 32|8`,
    `# validation servers: ${CAN_PIN ? 'taskset -c 0 ' : ''}node .build/bench/validation/serve.js INDEX 0`,
    `# middleware: ${CAN_PIN ? 'taskset -c 1 ' : ''}wrk -t1 -c${plan.connections} -d${plan.seconds}s --latency http://127.0.0.1:PORT/secure, and -c16 with -s upload.lua (POST, the 64 KiB multipart body) http://127.0.0.1:PORT/upload`,
    `# middleware servers: ${CAN_PIN ? 'taskset -c 0 ' : ''}node .build/bench/middleware/serve.js INDEX 0`,
    '# startup: node .build/bench/startup/child.js raw|routechain|fastify|hono 1000|10000, timed from spawn to the first answer',
    `# public: ${CAN_PIN ? 'taskset -c 1 ' : ''}autocannon -c 100 -p 10 -d 10 -j http://127.0.0.1:PORT/hello (after 2 s of warm-up), against ${CAN_PIN ? 'taskset -c 0 ' : ''}node .build/bench/serve.js INDEX 0`,
    '# idle: node --expose-gc .build/bench/idle/child.js raw|routechain, 10,000 connections from this process each after one GET /, RSS after gc()',
  ],
  http,
  inProcess,
  // a carried-over part keeps the verdicts its own run gave (the code that judged it may have changed since)
  targets: checkTargets(http, inProcess, sessions?.http, client?.rows, validation?.rows, websocket?.rows, middleware?.rows, idle?.rows, publicMethod?.rows).map((t) =>
    (t.part !== undefined && carried[t.part] !== undefined ? previous?.targets.find((p) => p.target === t.target) ?? t : t)),
  sessions,
  client,
  validation,
  websocket,
  middleware,
  startup,
  idle,
  public: publicMethod,
  ...(Object.keys(carried).length === 0 ? {} : { carried }),
}
mkdirSync(dir, { recursive: true })
// a quick run is indicative only: it never replaces the full report
writeReport(dir, run, report)
for (const t of run.targets) log(`${t.met === undefined ? '–' : t.met ? '✓' : '✗'} ${t.target}: ${t.measured}`)
log(`wrote bench/results/${report}.md, .json, .svg in ${((Date.now() - started) / 1000).toFixed(0)} s`)
