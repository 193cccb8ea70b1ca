// The benchmark report's arithmetic and target checks, on figures made up for the test (issue #3).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ratioChart } from '../../bench/chart.js'
import type { TimedCase } from '../../bench/dispatch.js'
import type { HttpRow } from '../../bench/http.js'
import { TIMED } from '../../bench/spec.js'
import { median } from '../../bench/stats.js'
import { checkTargets } from '../../bench/targets.js'

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
