// The client part of the benchmarks (issue #7): its target starts the way the bench starts it, every case sends
// GET /ping and reads the exact body, and the driver sends a fixed count and stops on a wrong answer or in time.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { checkClientCases, clientCases, type OpenCase } from '../../bench/client/cases.js'
import { drive, summariseClient } from '../../bench/client/index.js'
import { CASE_NAMES } from '../../bench/client/spec.js'
import { PING_BODY, startPingTarget } from '../../bench/client/target.js'
import { startServer } from '../../bench/http.js'

/** The message a promise rejects with ('' when it resolves). */
async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
    return ''
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
}

const here = dirname(fileURLToPath(import.meta.url))
const client = suite('bench client part')

client('undici.request is the first case (the baseline), then the floor and the client cases', () => {
  assert.equal(clientCases().map((c) => c.name), [CASE_NAMES.undici, CASE_NAMES.floor, CASE_NAMES.bare, CASE_NAMES.passThrough, CASE_NAMES.real])
})

client('every case sends GET /ping once and reads the exact body, against the target started as the bench starts it', async () => {
  const cases = clientCases()
  const server = await startServer(0, join(here, '..', '..', 'bench', 'client', 'serve.js'))
  try {
    assert.equal(await checkClientCases(server.port, cases), [])
  } finally {
    server.child.kill('SIGKILL')
  }
})

client('every case keeps answering over a few requests in flight at once', async () => {
  const target = await startPingTarget(0)
  try {
    for (const c of clientCases()) {
      const open = c.open(target.port)
      try {
        await drive(open, 20, 4, 5_000)
      } finally {
        await open.close()
      }
    }
  } finally {
    await target.close()
  }
})

client('drive() sends exactly the count, and rejects on a wrong answer or past its time limit', async () => {
  let sent = 0
  const counting: OpenCase = { send: async () => { sent++; return PING_BODY }, close: async () => {} }
  await drive(counting, 37, 8)
  assert.is(sent, 37)
  const wrong: OpenCase = { send: async () => 'nope', close: async () => {} }
  assert.match(await failure(drive(wrong, 10, 2)), 'expected "pong", got "nope"')
  const hung: OpenCase = { send: () => new Promise<string>(() => {}), close: async () => {} }
  assert.match(await failure(drive(hung, 10, 2, 50)), 'took more than 0.05 s')
})

client('summariseClient pairs each round with the baseline\'s same round', () => {
  const round = (rps: number, cpuUs: number) => ({ rps, cpuUs, clientBusy: 1, serverBusy: 0.5 })
  const [base, other] = summariseClient(['base', 'other'], [
    [round(100, 10), round(200, 5), round(50, 20)],
    [round(90, 11), round(220, 4), round(40, 25)],
  ])
  assert.equal(base?.ratios, [1, 1, 1])
  assert.equal(other?.ratios.map((r) => Number(r.toFixed(2))), [0.9, 1.1, 0.8])
  assert.is(Number(other?.medianRatio.toFixed(2)), 0.9)
  assert.is(other?.addedUs, 1)
  assert.is(other?.medianRps, 90)
})

client.run()
