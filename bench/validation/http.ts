// The validation benchmark (#14): POST /users with a 10-field JSON body, validated, through routechain + zod and
// + valibot, Fastify with the same rules as JSON Schema (ajv) and Hono with @hono/zod-validator, against raw
// node:http checking the rules by hand. Every contender in its own process on core 0, load from core 1, rounds
// interleaved with the order turning; each answer checked before anything is timed.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { request } from 'undici'
import { pairedRounds, startServer, type HttpPlan, type HttpRow, type Server } from '../http.js'
import { load } from '../load.js'
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
    return await pairedRounds({
      plan, servers, names: VALIDATION_CONTENDERS.map((c) => c.name), measures: [VALIDATION_ROUTE], part: 'validation', log,
      load: (c, _m, seconds) => load({
        url: `http://127.0.0.1:${(servers[c] as Server).port}/users`, headers: HEADERS, body: { text: BODY_TEXT },
        seconds, connections: plan.connections, cpu: 1,
      }),
    })
  } finally {
    for (const server of servers) server.child.kill('SIGKILL')
  }
}
