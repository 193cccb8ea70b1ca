// The validation benchmark (#14): every contender validates by the same rules (the valid body answered
// exactly, each invalid one refused with 400), so a broken adapter fails here and not silently in the report;
// and the report judges its targets from paired rounds.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { renderMarkdown, type BenchRun } from '../../bench/report.js'
import { checkTargets } from '../../bench/targets.js'
import { VALIDATION_CONTENDERS } from '../../bench/validation/contenders/index.js'
import { checkValidationAnswers } from '../../bench/validation/http.js'
import { VALIDATION_ROUTE } from '../../bench/validation/spec.js'
import type { HttpRow } from '../../bench/http.js'

const test = suite('bench: validation')

test('five contenders, raw node:http checking by hand first as the baseline', () => {
  assert.equal(VALIDATION_CONTENDERS.map((c) => c.name), [
    'node:http (raw, checks by hand)', 'routechain + zod', 'routechain + valibot', 'fastify + JSON Schema (ajv)', 'hono + @hono/zod-validator',
  ])
})

for (const contender of VALIDATION_CONTENDERS) {
  test(`${contender.name} answers the valid body exactly and refuses each invalid one`, async () => {
    const running = await contender.start(0)
    try {
      assert.equal(await checkValidationAnswers(running.port), [])
    } finally {
      await running.close()
    }
  })
}

function row(contender: string, rps: number[]): HttpRow {
  return {
    contender, route: VALIDATION_ROUTE, runs: rps.map((r) => ({ rps: r, requests: r, p50ms: 1, p99ms: 2 })), ratios: rps.map(() => 1),
    medianRps: rps[0] ?? 0, minRps: 0, maxRps: 0, p50ms: 1, p99ms: 2, medianRatio: 1, cpuUsPerRequest: 1, cpuRatio: 1, rssMiB: 1,
  }
}

test('the targets pair rounds: ahead of hono, and valibot within 0.9 × fastify', () => {
  const rows = [
    row('node:http (raw, checks by hand)', [1000, 1000, 1000]),
    row('routechain + zod', [800, 700, 900]),
    row('routechain + valibot', [850, 880, 800]),
    row('fastify + JSON Schema (ajv)', [1000, 900, 1000]),
    row('hono + @hono/zod-validator', [600, 800, 500]),
  ]
  const results = checkTargets([], [], [], [], rows)
  const met = Object.fromEntries(results.map((t) => [t.target, t.met]))
  assert.is(met['Validation: routechain + zod ahead of hono + @hono/zod-validator'], true, 'median of 1.33, 0.875, 1.8')
  assert.is(met['Validation: routechain + valibot ≥ 0.90 × fastify + JSON Schema (ajv)'], false, 'median of 0.85, 0.98, 0.8')
  assert.ok(results.filter((t) => t.target.startsWith('Validation')).every((t) => t.part === 'validation'))
  const unmeasured = checkTargets([], [])
  assert.ok(unmeasured.filter((t) => t.target.startsWith('Validation')).every((t) => t.met === undefined && t.measured === 'not measured'))
})

test('the report shows the validation table, or says it was not measured', () => {
  const base: BenchRun = {
    date: 'd', machine: { cpu: 'c', cores: 2, memoryGiB: 1, os: 'o', node: 'v20' }, versions: {},
    method: { loader: 'wrk', pinned: true, rounds: 1, seconds: 1, connections: 64, quick: true }, commands: [], http: [], inProcess: [], targets: [],
  }
  assert.match(renderMarkdown(base), '## Validated request bodies\n\nNot measured in this run.')
  const shown = renderMarkdown({ ...base, validation: { date: 'd2', rows: [row('routechain + zod', [800])] } })
  assert.match(shown, `### ${VALIDATION_ROUTE}`)
  assert.match(shown, '| **routechain + zod** | 800 |')
})

test.run()
