// Renders a soak run as tables (printed, and in bench/results/load.md) and writes load.json.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { errorCount } from './outcome.js'
import type { SoakPlan } from './options.js'
import { WRITE_EVERY } from './spec.js'
import type { MemorySample } from './status.js'
import { HEAP_SLACK_MIB, RSS_FACTOR, RSS_SLACK_MIB, type Check, type PhaseFigures } from './verdict.js'

/** One load phase's figures, with the server's side of it. */
export interface PhaseResult extends PhaseFigures {
  readonly name: string
  readonly threads: number
  /** Server CPU time (user + system) per request, in µs. */
  readonly serverCpuUsPerRequest: number
  /** The highest server RSS read from /proc during the phase, in MiB. */
  readonly peakRssMiB: number
}

/** Everything one run measured, how, and the verdict. */
export interface SoakRun {
  readonly date: string
  readonly machine: { cpu: string; cores: number; memoryGiB: number; os: string; node: string }
  readonly command: string
  readonly method: { loader: string; pinned: boolean; openFiles: number; plan: SoakPlan; loadCommands: string[] }
  readonly phases: PhaseResult[]
  readonly samples: MemorySample[]
  readonly checks: Check[]
  readonly passed: boolean
}

const n0 = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a')
const n2 = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : 'n/a')
const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1)

/** A Markdown table; `right` marks the columns aligned right (figures). */
function table(head: readonly string[], rows: readonly (readonly string[])[], right: readonly boolean[]): string[] {
  return [`| ${head.join(' | ')} |`, `| ${head.map((_, i) => (right[i] === true ? '---:' : '---')).join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)]
}

/** The three tables: load phases, memory samples, checks. */
export function renderTables(run: SoakRun): string[] {
  const phases = table(
    ['phase', 'connections', 'requests', 'seconds', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'sessions saved', 'server CPU µs/req', 'peak RSS MiB'],
    run.phases.map((p) => [p.name, n0(p.connections), n0(p.outcome.requests), n2(p.outcome.seconds), n0(p.outcome.rps), n2(p.outcome.p50ms), n2(p.outcome.p99ms),
      n0(errorCount(p.outcome.errors)), n0(p.outcome.saves), n2(p.serverCpuUsPerRequest), p.peakRssMiB.toFixed(1)]),
    [false, true, true, true, true, true, true, true, true, true, true],
  )
  const memory = table(
    ['server sampled', 'RSS MiB', 'heap used MiB', 'heap total MiB', 'external MiB', 'load connections open', 'socket errors so far'],
    run.samples.map((s) => [s.at, mib(s.rssBytes), mib(s.heapUsedBytes), mib(s.heapTotalBytes), mib(s.externalBytes), n0(s.open), n0(s.socketErrors)]),
    [false, true, true, true, true, true, true],
  )
  const checks = table(['check', 'measured', 'bound', 'ok'], run.checks.map((c) => [c.name, c.measured, c.bound, c.ok ? 'yes' : '**NO**']), [false, false, false, false])
  return [...phases, '', ...memory, '', ...checks]
}

/** What the memory bounds left unused in this run, as bytes a request a leak would have needed to fail them. */
function headroom(run: SoakRun): string[] {
  const warm = run.samples.find((x) => x.at === 'after warm-up, GC')
  const end = run.samples[run.samples.length - 1]
  if (warm === undefined || end === undefined) return []
  const requests = run.phases.slice(1).reduce((sum, p) => sum + p.outcome.requests, 0)
  const rssLeft = RSS_FACTOR * warm.rssBytes + RSS_SLACK_MIB * 2 ** 20 - end.rssBytes
  const heapLeft = warm.heapUsedBytes + HEAP_SLACK_MIB * 2 ** 20 - end.heapUsedBytes
  const perRequest = (bytes: number): string => (bytes <= 0 ? 'none (already over)' : `${n0(bytes / requests)} bytes`)
  return [
    `In this run, ${n0(requests)} requests came after the warm-up sample; a leak would have failed the RSS bound from`,
    `${perRequest(rssLeft)} a request and the heap bound from ${perRequest(heapLeft)} a request.`, '',
  ]
}

/** The Markdown report. */
export function renderMarkdown(run: SoakRun): string {
  const m = run.machine
  const { plan, loader, pinned } = run.method
  return [
    '# routechain load and soak', '',
    `Measured ${run.date}${plan.quick ? ' (quick run: a smoke test, not the full load)' : ''}: **${run.passed ? 'passed' : 'FAILED'}**.`, '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB; ${m.os}; Node ${m.node}.`, '',
    'The app: `createApp({ session: { storage: new EncryptedCookieStorage(key) } })` with a fresh `generateKey()`;',
    'GET /account and POST /account/visit each run authenticate (loads the session) → authorise → handler (reads the',
    'session; the POST counts a visit in it, so it is saved and the cookie set again). Every request carries an',
    `encrypted cookie of its own, ${n0(plan.distinctCookies)} distinct ones in turn (more than the storage's cache of 1,000, so every request decrypts);`,
    `one in ${WRITE_EVERY} is the POST. The load generator checks every answer: status, body, and a Set-Cookie exactly when the session changed.`, '',
    `Method: the server runs in its own process${pinned ? ' pinned to core 0' : ''}, with \`--expose-gc\`; \`${loader}\` loads it on loopback${pinned ? ' from core 1' : ''}.`,
    `After a ${plan.warmupSeconds} s warm-up over ${plan.soakConnections} connections, phase 1 ("connections") holds ${n0(plan.connections)} keep-alive connections`,
    `for ${plan.connectionSeconds} s: ${loader === 'wrk' ? `they all connect first, and their first requests wait ${plan.connectGateMs / 1000} s, since Node accepts one connection per event-loop turn and a saturated server would keep late arrivals waiting for seconds` : 'autocannon cannot hold the first requests back, so connections arriving at a saturated server wait to be accepted'}.`,
    `Phase 2 ("soak") sends at least ${n0(plan.requests)} requests over ${plan.soakConnections} connections (bounded at ${plan.maxSeconds} s).`,
    'The server counts load connections from their first request and reports them with its memory through a status',
    'route, sampled between phases; "GC" samples follow two forced full collections. Peak RSS during a phase is read',
    'from /proc. Server socket errors are connections reset as the load generator quits with requests in flight.', '',
    ...renderTables(run), '',
    `Memory bounds: RSS after the final GC ≤ ${RSS_FACTOR} × RSS after warm-up (after GC) + ${RSS_SLACK_MIB} MiB; heap used after the final GC`,
    `≤ heap used after warm-up (after GC) + ${HEAP_SLACK_MIB} MiB. Neither V8 nor malloc returns freed memory to the system at once, so RSS`,
    'after a collection keeps high-water marks paid once, not per request: the connections phase\'s sockets, parsers',
    'and buffers, and the heap size V8 settled on under load; the factor and the slack allow for those. Live heap keeps',
    'no high-water mark, so its bound is tight: it is the fine leak check.', '',
    ...headroom(run),
    '## Commands', '', '```sh', run.command, ...run.method.loadCommands, '```', '',
  ].join('\n')
}

/** Writes `<name>.md` and `<name>.json` into `dir` (`load` for full runs). */
export function writeSoakReport(dir: string, run: SoakRun, name = 'load'): void {
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(run, null, 2) + '\n')
  writeFileSync(join(dir, `${name}.md`), renderMarkdown(run))
}
