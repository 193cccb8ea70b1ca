// The validation benchmark (#14): POST /users with a 10-field JSON body, validated, through routechain + zod and
// + valibot, Fastify with the same rules as JSON Schema (ajv) and Hono with @hono/zod-validator, against raw
// node:http checking the rules by hand. Every contender in its own process on core 0, load from core 1, rounds
// interleaved with the order turning; each answer checked before anything is timed.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { request } from 'undici'
import { cpuMicros, rssMiB, startServer, summarise, type HttpPlan, type HttpRow, type Server } from '../http.js'
import { load, type LoadResult } from '../load.js'
import { VALIDATION_CONTENDERS } from './contenders/index.js'
import { ANSWER, BODY, INVALID, VALIDATION_ROUTE } from './spec.js'

const here = dirname(fileURLToPath(import.meta.url))
const BODY_TEXT = JSON.stringify(BODY)
const HEADERS = { 'content-type': 'application/json' }

/** What a contender answers wrongly: the valid body must get 200 and the spec's answer, each invalid one 400. */
export async function checkValidationAnswers(port: number): Promise<string[]> {
  const wrong: string[] = []
  const send = async (body: string): Promise<{ status: number; text: string }> => {
    const res = await request(`http://127.0.0.1:${port}/users`, { method: 'POST', headers: HEADERS, body })
    return { status: res.statusCode, text: await res.body.text() }
  }
  const ok = await send(BODY_TEXT)
  if (ok.status !== 200 || ok.text !== ANSWER) wrong.push(`the valid body: ${ok.status} ${ok.text}`)
  for (const invalid of INVALID) {
    const res = await send(JSON.stringify(invalid.body))
    if (res.status !== 400) wrong.push(`${invalid.what}: ${res.status}, not 400`)
  }
  return wrong
}

/** Runs the validation benchmark; rows are paired per round with the first contender (raw node:http). */
export async function benchValidation(plan: HttpPlan, log: (line: string) => void): Promise<HttpRow[]> {
  const servers: Server[] = []
  try {
    const entry = join(here, 'serve.js')
    for (const index of VALIDATION_CONTENDERS.keys()) servers.push(await startServer(index, entry))
    for (const [c, contender] of VALIDATION_CONTENDERS.entries()) {
      const wrong = await checkValidationAnswers((servers[c] as Server).port)
      if (wrong.length > 0) throw new Error(`${contender.name} answers wrongly:\n  ${wrong.join('\n  ')}`)
    }
    log(`validation: answers checked for ${servers.length} contenders (the valid body, ${INVALID.length} invalid ones)`)
    const loadOf = (c: number, seconds: number): Promise<LoadResult> => load({
      url: `http://127.0.0.1:${(servers[c] as Server).port}/users`, headers: HEADERS, body: { text: BODY_TEXT },
      seconds, connections: plan.connections, cpu: 1,
    })
    for (const c of servers.keys()) await loadOf(c, Math.max(1, plan.warmupSeconds))
    const runs = servers.map((): LoadResult[] => [])
    const cpuRuns = servers.map((): number[] => [])
    for (let round = 0; round < plan.rounds; round++) {
      const order = [...servers.keys()].map((_, i) => (i + round) % servers.length)
      for (const c of order) {
        const server = servers[c] as Server
        const before = cpuMicros(server.child.pid)
        const result = await loadOf(c, plan.seconds)
        runs[c]?.push(result)
        cpuRuns[c]?.push((cpuMicros(server.child.pid) - before) / result.requests)
        log(`validation round ${round + 1}/${plan.rounds} ${VALIDATION_CONTENDERS[c]?.name}: ${Math.round(result.rps)} req/s`)
      }
    }
    // rounds ran in turning order; results are stored per contender in round order, so pairing by index holds
    return VALIDATION_CONTENDERS.map((contender, c) =>
      summarise(contender.name, VALIDATION_ROUTE, runs[c] ?? [], runs[0] ?? [], cpuRuns[c] ?? [], cpuRuns[0] ?? [], rssMiB(servers[c]?.child.pid)))
  } finally {
    for (const server of servers) server.child.kill('SIGKILL')
  }
}
