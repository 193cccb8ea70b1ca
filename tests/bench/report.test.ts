// The benchmark report's arithmetic and target checks, on figures made up for the test (issue #3).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ratioChart } from '../../bench/chart.js'
import { summariseClient } from '../../bench/client/index.js'
import { CASE_NAMES } from '../../bench/client/spec.js'
import type { TimedCase } from '../../bench/dispatch.js'
import type { HttpRow } from '../../bench/http.js'
import { renderMarkdown, type BenchRun } from '../../bench/report.js'
import { openGroup, sealGroup, SEALED_NAMES } from '../../bench/sealed.js'
import { distinctMode, NAMES, REPEATED_MODE } from '../../bench/sessions/spec.js'
import { TIMED } from '../../bench/spec.js'
import { median } from '../../bench/stats.js'
import { checkTargets, type TargetResult } from '../../bench/targets.js'

function row(contender: string, route: string, ratio: number): HttpRow {
  return {
    contender, route, runs: [], ratios: [ratio], medianRps: 1000 * ratio, minRps: 0, maxRps: 0,
    p50ms: 1, p99ms: 2, medianRatio: ratio, rssMiB: 50, cpuUsPerRequest: 20 / ratio, cpuRatio: 1 / ratio,
  }
}

function timed(group: string, name: string, medianNs: number, ratio: number): TimedCase {
  return { group, name, medianNs, p99Ns: medianNs, ratio, baseline: 'x' }
}

const [POST, ROOT] = TIMED.map((c) => c.name) as [string, string]

const report = suite('bench report')

report('median takes the middle value, or the mean of the two middle ones', () => {
  assert.is(median([3, 1, 2]), 2)
  assert.is(median([4, 1, 3, 2]), 2.5)
  assert.ok(Number.isNaN(median([])))
})

report('checkTargets reads each route by its exact name and flags misses', () => {
  const http = [row('routechain', POST, 0.97), row('fastify', POST, 0.92), row('routechain', ROOT, 0.9)]
  const inProcess = [
    timed('3 sync steps', 'routechain compose', 60, 1.5),
    timed('3 async steps', 'koa-compose', 400, 1),
    timed('3 async steps', 'routechain compose', 300, 0.75),
    timed('lookup among 18 routes (5 paths)', 'routechain lookup', 100, 1.02),
    timed('lookup among 10,000 routes', 'routechain lookup', 100, 1.3),
    timed('register 10,000 routes', 'routechain app.get() + build', 100, 1.1),
  ]
  const met = Object.fromEntries(checkTargets(http, inProcess).map((t) => [t.target, t.met]))
  assert.is(met['HTTP GET /post/:id (3 steps) ≥ 0.95 × raw node:http'], true)
  assert.is(met['HTTP GET /post/:id ahead of Fastify'], true)
  assert.is(met['HTTP GET / ≥ 0.95 × raw node:http'], false, 'GET / is read from its own row, not the /post/:id one')
  assert.is(met['3-step sync chain ≤ 2 × three direct calls'], true)
  assert.is(met['3-step async chain faster than koa-compose'], true)
  assert.is(met['Lookup among 18 routes within 10% of find-my-way'], true)
  assert.is(met['Lookup among 10,000 routes within 10% of find-my-way'], false)
  assert.is(met['Registering 10,000 routes ≤ 1.2 × find-my-way'], true)
})

/** A sessions row with one run per round at the given req/s, and its ratio to the route without a session. */
function sessionRow(contender: string, route: string, rps: number[], ratio: number): HttpRow {
  return { ...row(contender, route, ratio), runs: rps.map((r) => ({ rps: r, requests: r, p50ms: 1, p99ms: 2 })) }
}

report('checkTargets judges the sessions rows: repeated against no session, distinct paired round by round', () => {
  const DISTINCT = distinctMode(10_000)
  const sessions = [
    sessionRow(NAMES.noSession, REPEATED_MODE, [1000, 1000, 1000], 1),
    sessionRow(NAMES.encrypted, REPEATED_MODE, [960, 940, 970], 0.96),
    sessionRow(NAMES.encrypted, DISTINCT, [900, 800, 1000], 0.6),
    sessionRow(NAMES.nacl, DISTINCT, [900, 800, 1000], 0.6),
    sessionRow(NAMES.rawGcm, DISTINCT, [1000, 1000, 1000], 0.7),
    sessionRow(NAMES.fastify, DISTINCT, [800, 1000, 600], 0.5),
  ]
  const results = checkTargets([], [], sessions)
  const met = Object.fromEntries(results.map((t) => [t.target, t.met]))
  assert.is(met['Sessions: one repeated encrypted cookie ≥ 0.95 × the same route without a session'], true)
  assert.is(met['Sessions: a distinct encrypted cookie per request ≥ 0.90 × raw node:http decrypting AES-256-GCM by hand'], true, 'a median of 0.9 × raw')
  assert.is(met['Sessions: a distinct NaCl cookie per request ≥ @fastify/secure-session'], true, 'median of 1.125, 0.8, 1.67')
  const slower = checkTargets([], [], sessions.map((r) => (r.contender === NAMES.encrypted ? sessionRow(r.contender, r.route, r.runs.map((run) => run.rps * 0.9), 0.5) : r)))
  assert.is(Object.fromEntries(slower.map((t) => [t.target, t.met]))['Sessions: a distinct encrypted cookie per request ≥ 0.90 × raw node:http decrypting AES-256-GCM by hand'], false, '0.81 × raw')
  assert.ok(results.filter((t) => t.target.startsWith('Sessions')).every((t) => t.part === 'sessions'))
})

report('the report shows the sessions tables, or says they were not measured', () => {
  const base: BenchRun = {
    date: 'd', machine: { cpu: 'c', cores: 2, memoryGiB: 1, os: 'o', node: 'v20' }, versions: {},
    method: { loader: 'wrk', pinned: true, rounds: 1, seconds: 1, connections: 64, quick: true }, commands: [], http: [], inProcess: [], targets: [],
  }
  assert.match(renderMarkdown(base), '## Sessions\n\nNot measured in this run.')
  const withSessions = renderMarkdown({
    ...base,
    carried: { HTTP: 'earlier' },
    sessions: {
      date: 'd2', http: [sessionRow(NAMES.noSession, REPEATED_MODE, [1000], 1), sessionRow(NAMES.encrypted, REPEATED_MODE, [930], 0.93)],
      perOp: [timed('decode a session cookie (load)', 'EncryptedCookieStorage, cache hit', 900, 0.1)],
      method: { rounds: 1, seconds: 1, warmupSeconds: 0, connections: 64, distinctCookies: 10_000, loader: 'wrk', pinned: true, quick: true },
    },
  })
  assert.match(withSessions, `### ${REPEATED_MODE}`)
  assert.match(withSessions, `| **${NAMES.encrypted}** |`)
  assert.match(withSessions, 'ratio to no session (median)')
  assert.match(withSessions, 'EncryptedCookieStorage, cache hit')
  assert.match(withSessions, 'HTTP figures are carried over from the run of earlier')
})

report('the sessions section notes the server-side storages only when it has their rows, or left one out', () => {
  const base: BenchRun = {
    date: 'd', machine: { cpu: 'c', cores: 2, memoryGiB: 1, os: 'o', node: 'v20' }, versions: {},
    method: { loader: 'wrk', pinned: true, rounds: 1, seconds: 1, connections: 64, quick: false }, commands: [], http: [], inProcess: [], targets: [],
  }
  const method = { rounds: 3, seconds: 5, warmupSeconds: 2, connections: 64, distinctCookies: 10_000, loader: 'wrk', pinned: true, quick: false }
  const cookieOnly = renderMarkdown({
    ...base, sessions: { date: 'd2', method, perOp: [], http: [sessionRow(NAMES.noSession, REPEATED_MODE, [1000], 1)] },
  })
  assert.not.match(cookieOnly, 'Server-side storages')
  const withServerSide = renderMarkdown({
    ...base,
    sessions: {
      date: 'd2', method: { ...method, redis: 'redis-server 7.0.15' }, perOp: [],
      http: [sessionRow(NAMES.noSession, REPEATED_MODE, [1000], 1), sessionRow(NAMES.memory, REPEATED_MODE, [500], 0.5), sessionRow(NAMES.redis, REPEATED_MODE, [400], 0.4)],
    },
  })
  assert.match(withServerSide, `Server-side storages (${NAMES.memory}, ${NAMES.redis})`)
  assert.match(withServerSide, 'redis-server 7.0.15 runs on loopback, persistence off, not pinned')
  assert.match(withServerSide, `| **${NAMES.redis}** | 400 |`)
  const skipped = renderMarkdown({
    ...base,
    sessions: { date: 'd2', method: { ...method, skipped: [`${NAMES.redis}: redis-server is not installed`] }, perOp: [], http: [sessionRow(NAMES.memory, REPEATED_MODE, [500], 0.5)] },
  })
  assert.match(skipped, `Left out of this run: ${NAMES.redis}: redis-server is not installed.`)
  assert.not.match(skipped, 'runs on loopback')
})

report('checkTargets judges the client rows against undici.request, and the report shows them or says they were not measured', () => {
  const round = (rps: number, cpuUs: number) => ({ rps, cpuUs, clientBusy: 1, serverBusy: 0.5 })
  const rows = summariseClient([CASE_NAMES.undici, CASE_NAMES.bare, CASE_NAMES.passThrough], [
    [round(1000, 40), round(1000, 40), round(1000, 40)],
    [round(950, 42), round(900, 43), round(1000, 40)],
    [round(800, 48), round(840, 47), round(900, 45)],
  ])
  const results = checkTargets([], [], [], rows).filter((t) => t.target.startsWith('Client'))
  assert.is(results.length, 4)
  assert.ok(results.every((t) => t.part === 'client'))
  const [bare, passThrough, real, chain] = results as [TargetResult, TargetResult, TargetResult, TargetResult]
  assert.is(bare.met, true)
  assert.match(bare.measured, '0.95 ×')
  assert.match(bare.measured, '+2.0 µs')
  assert.is(passThrough.met, false, 'a median of 0.84 is under the 0.85 floor')
  assert.is(real.met, undefined, 'the real-middlewares case was not in these rows')
  assert.is(real.measured, 'not measured')
  assert.match(chain.target, "3 pass-through middlewares ≥ 0.95 × the bare client's req/s")
  assert.is(chain.met, false, 'per round 800/950, 840/900 and 900/1000: a median of 0.90')
  assert.match(chain.measured, '0.90 ×')
  assert.match(chain.measured, '+5.0 µs')
  const base: BenchRun = {
    date: 'd', machine: { cpu: 'c', cores: 2, memoryGiB: 1, os: 'o', node: 'v20' }, versions: {},
    method: { loader: 'wrk', pinned: true, rounds: 1, seconds: 1, connections: 64, quick: true }, commands: [], http: [], inProcess: [], targets: [],
  }
  assert.match(renderMarkdown(base), '## HTTP client\n\nNot measured in this run.')
  const shown = renderMarkdown({
    ...base,
    client: { date: 'd3', method: { rounds: 3, requests: 100, warmupRequests: 10, concurrency: 4, pinned: true, quick: true }, rows },
  })
  assert.match(shown, `| **${CASE_NAMES.bare}** | 950 | 900–1,000 | **0.95** |`)
  assert.match(shown, '3 rounds, every case')
})

report('checkTargets holds a 1 KiB seal and open to 2 × libsodium, read from the 1 KiB groups only', () => {
  const target = (verb: 'Seal' | 'Open', inProcess: TimedCase[]): TargetResult | undefined =>
    checkTargets([], inProcess).find((t) => t.target.startsWith(`${verb} a 1 KiB sealed value`))
  const nativeOpen = timed(openGroup('1 KiB'), SEALED_NAMES.libsodium.open, 40_000, 1)
  const nativeSeal = timed(sealGroup('1 KiB'), SEALED_NAMES.libsodium.seal, 50_000, 1)
  const open = target('Open', [nativeOpen, timed(openGroup('32-byte'), SEALED_NAMES.routechain.open, 5e6, 100), timed(openGroup('1 KiB'), SEALED_NAMES.routechain.open, 70_000, 1.75)])
  assert.is(open?.met, true)
  assert.is(open?.part, 'in process')
  assert.match(open?.measured ?? '', '1.75 × (70.0 µs against 40.0 µs)')
  assert.is(target('Open', [nativeOpen, timed(openGroup('1 KiB'), SEALED_NAMES.routechain.open, 100_000, 2.5)])?.met, false)
  assert.is(target('Seal', [nativeSeal, timed(sealGroup('1 KiB'), SEALED_NAMES.routechain.seal, 90_000, 1.8)])?.met, true)
  assert.is(target('Seal', [nativeSeal, timed(sealGroup('1 KiB'), SEALED_NAMES.routechain.seal, 150_000, 3)])?.met, false)
  const absent = target('Open', [nativeOpen])
  assert.is(absent?.met, undefined)
  assert.is(absent?.measured, 'not measured')
})

report('the in-process section explains the sealed-box rows only when the run has them', () => {
  const base: BenchRun = {
    date: 'd', machine: { cpu: 'c', cores: 2, memoryGiB: 1, os: 'o', node: 'v20' }, versions: {},
    method: { loader: 'wrk', pinned: true, rounds: 1, seconds: 1, connections: 64, quick: true }, commands: [], http: [], inProcess: [], targets: [],
  }
  assert.not.match(renderMarkdown(base), 'Sealed boxes')
  const shown = renderMarkdown({ ...base, inProcess: [timed(openGroup('1 KiB'), SEALED_NAMES.routechain.open, 800_000, 20)] })
  assert.match(shown, 'Sealed boxes')
  assert.match(shown, `| ${openGroup('1 KiB')} | ${SEALED_NAMES.routechain.open} | 800.00 µs |`)
})

report('checkTargets says "not measured" rather than passing what it did not see', () => {
  const results = checkTargets([], [])
  assert.ok(results.every((t) => t.met === undefined))
})

report('the chart draws one bar per contender and route, with the raw and target lines', () => {
  const svg = ratioChart([row('node:http (raw)', POST, 1), row('node:http (raw)', ROOT, 1), row('routechain', POST, 0.97), row('routechain', ROOT, 0.99)], 'test run')
  assert.ok(svg.startsWith('<svg'))
  assert.is((svg.match(/<rect x="190"/g) ?? []).length, 4)
  assert.match(svg, '0.97')
  assert.match(svg, '1.00 raw')
  assert.match(svg, '0.95 target')
})

report.run()
