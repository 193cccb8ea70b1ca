// Writes bench/results/latest.{md,json,svg} from one run.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ratioChart } from './chart.js'
import type { TimedCase } from './dispatch.js'
import type { HttpRow } from './http.js'
import type { TargetResult } from './targets.js'

/** Everything one run measured, and how. */
export interface BenchRun {
  readonly date: string
  readonly machine: { cpu: string; cores: number; memoryGiB: number; os: string; node: string }
  readonly versions: Record<string, string>
  readonly method: { loader: string; pinned: boolean; rounds: number; seconds: number; connections: number; quick: boolean }
  readonly commands: string[]
  readonly http: HttpRow[]
  readonly inProcess: TimedCase[]
  readonly targets: TargetResult[]
}

const n0 = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a')
const n2 = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : 'n/a')

function ns(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)} ms`
  if (value >= 1e3) return `${(value / 1e3).toFixed(2)} µs`
  return `${value.toFixed(1)} ns`
}

function httpTables(rows: readonly HttpRow[]): string[] {
  const out: string[] = []
  for (const route of [...new Set(rows.map((r) => r.route))]) {
    out.push(`### ${route}`, '', '| contender | median req/s | min–max req/s | p50 ms | p99 ms | ratio to raw (median) | ratio min–max | server CPU µs/req | CPU vs raw | server RSS MiB |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
    for (const r of rows.filter((row) => row.route === route).sort((a, b) => b.medianRatio - a.medianRatio)) {
      const name = r.contender === 'routechain' ? '**routechain**' : r.contender
      out.push(`| ${name} | ${n0(r.medianRps)} | ${n0(r.minRps)}–${n0(r.maxRps)} | ${n2(r.p50ms)} | ${n2(r.p99ms)} | **${n2(r.medianRatio)}** | ${n2(Math.min(...r.ratios))}–${n2(Math.max(...r.ratios))} | ${n2(r.cpuUsPerRequest)} | ${n2(r.cpuRatio)} × | ${r.rssMiB} |`)
    }
    out.push('')
  }
  return out
}

function inProcessTables(cases: readonly TimedCase[]): string[] {
  const out: string[] = ['| case | implementation | median | p99 | ratio to baseline |', '| --- | --- | ---: | ---: | ---: |']
  for (const c of cases) out.push(`| ${c.group} | ${c.name} | ${ns(c.medianNs)} | ${ns(c.p99Ns)} | ${n2(c.ratio)} × ${c.baseline} |`)
  return out
}

/** Renders the Markdown report. */
export function renderMarkdown(run: BenchRun): string {
  const m = run.machine
  const lines = [
    '# routechain benchmarks', '',
    `Measured ${run.date}${run.method.quick ? ' (quick run: short and indicative only)' : ''}.`, '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB; ${m.os}; Node ${m.node}.`, '',
    `Method: every contender serves the same routes from its own process${run.method.pinned ? ' pinned to core 0' : ''};`,
    `load from \`${run.method.loader}\`${run.method.pinned ? ' pinned to core 1' : ''}, ${run.method.connections} keep-alive connections, ${run.method.seconds} s a run;`,
    `${run.method.rounds} rounds, interleaved (every contender once per round, in turn). Each answer (status and body) is checked before`,
    'anything is timed. Ratios are paired: each round\'s req/s divided by raw node:http\'s in the same round; the median of those is shown.',
    'Server CPU time per request (user + system, from /proc) is steadier than req/s on a shared machine: lower is better.', '',
    '![ratios to raw node:http](latest.svg)', '',
    '## Targets', '', '| target | measured | met |', '| --- | --- | :---: |',
    ...run.targets.map((t) => `| ${t.target} | ${t.measured} | ${t.met === undefined ? '–' : t.met ? 'yes' : '**no**'} |`), '',
    '## HTTP on loopback', '', ...httpTables(run.http),
    '## In process', '', 'Median and p99 time per call (mitata), in interleaved rounds; the ratio is the median of per-round ratios to',
    'the group\'s first case. Dispatch runs a found route\'s chain on a fresh request object; the floor calls the same',
    'three step functions directly.', '', ...inProcessTables(run.inProcess), '',
    '## Versions', '', ...Object.entries(run.versions).map(([name, version]) => `- ${name} ${version}`), '',
    '## Commands', '', '```sh', ...run.commands, '```', '',
  ]
  return lines.join('\n')
}

/** Writes latest.md, latest.json and latest.svg into `dir`. */
export function writeReport(dir: string, run: BenchRun): void {
  writeFileSync(join(dir, 'latest.json'), JSON.stringify(run, null, 2) + '\n')
  writeFileSync(join(dir, 'latest.md'), renderMarkdown(run))
  const subtitle = `${run.machine.cpu}, Node ${run.machine.node}, ${run.method.loader}, median of ${run.method.rounds} interleaved rounds`
  writeFileSync(join(dir, 'latest.svg'), ratioChart(run.http, subtitle))
}
