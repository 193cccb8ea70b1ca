// The middleware benchmark (#16): every contender sends helmet's headers and reads the upload exactly, so a
// broken adapter fails here and not silently in the report; and the report judges its targets from paired rounds.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { HttpRow } from '../../bench/http.js'
import { MIDDLEWARE_CONTENDERS } from '../../bench/middleware/contenders.js'
import { wrongMiddlewareAnswers } from '../../bench/middleware/index.js'
import { SECURE_ROUTE, UPLOAD_ROUTE } from '../../bench/middleware/spec.js'
import { renderMarkdown, type BenchRun } from '../../bench/report.js'
import { checkTargets } from '../../bench/targets.js'

const test = suite('bench: middleware')

test('five contenders, raw node:http first as the baseline', () => {
  assert.equal(MIDDLEWARE_CONTENDERS.map((c) => c.name), [
    'node:http (raw)', 'routechain', 'express + helmet, multer', 'fastify + @fastify/helmet, @fastify/multipart', 'hono + secureHeaders, parseBody',
  ])
})

for (const contender of MIDDLEWARE_CONTENDERS) {
  test(`${contender.name} sends helmet's headers and reads the upload exactly`, async () => {
    const running = await contender.start(0)
    try {
      assert.equal(await wrongMiddlewareAnswers(running.port), [])
    } finally {
      await running.close()
    }
  })
}

function row(contender: string, route: string, rps: number[], medianRatio = 1): HttpRow {
  return {
    contender, route, runs: rps.map((r) => ({ rps: r, requests: r, p50ms: 1, p99ms: 2 })), ratios: rps.map(() => 1),
    medianRps: rps[0] ?? 0, minRps: 0, maxRps: 0, p50ms: 1, p99ms: 2, medianRatio, cpuUsPerRequest: 1, cpuRatio: 1, rssMiB: 1,
  }
}

test('the targets: ahead of express + helmet from paired rounds, uploads within 0.9 × raw busboy', () => {
  const rows = [
    row('routechain', SECURE_ROUTE, [900, 800, 1000]),
    row('express + helmet, multer', SECURE_ROUTE, [1000, 500, 700]),
    row('routechain', UPLOAD_ROUTE, [100], 0.85),
  ]
  const met = Object.fromEntries(checkTargets([], [], [], [], [], [], rows).map((t) => [t.target, t.met]))
  assert.is(met['Middleware: routechain + fromConnect(helmet()) ahead of express + helmet'], true, 'median of 0.9, 1.6, 1.43')
  assert.is(met['Middleware: multipart uploads through req.multipart() ≥ 0.90 × raw @fastify/busboy'], false)
  const unmeasured = checkTargets([], [])
  assert.ok(unmeasured.filter((t) => t.target.startsWith('Middleware')).every((t) => t.met === undefined && t.part === 'middleware'))
})

test('the report shows the middleware tables, or says they were not measured', () => {
  const base: BenchRun = {
    date: 'd', machine: { cpu: 'c', cores: 2, memoryGiB: 1, os: 'o', node: 'v20' }, versions: {},
    method: { loader: 'wrk', pinned: true, rounds: 1, seconds: 1, connections: 64, quick: true }, commands: [], http: [], inProcess: [], targets: [],
  }
  assert.match(renderMarkdown(base), '## Connect middleware and uploads\n\nNot measured in this run.')
  const shown = renderMarkdown({ ...base, middleware: { date: 'd2', rows: [row('routechain', UPLOAD_ROUTE, [800])] } })
  assert.match(shown, `### ${UPLOAD_ROUTE}`)
})

test.run()
