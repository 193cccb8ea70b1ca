// The WebSocket benchmark's contenders (#15) echo what they get through the same token check, so the
// comparison is like for like; and the report judges the echo target from the paired rows.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { WebSocket } from 'ws'
import { checkTargets } from '../../bench/targets.js'
import { WS_CONTENDERS } from '../../bench/websocket/contenders.js'
import { within } from '../_helpers/async.js'

const test = suite('bench: websocket contenders')

function outcome(url: string): Promise<string> {
  return within(new Promise((resolve) => {
    const socket = new WebSocket(url)
    socket.on('open', () => socket.send('ping'))
    socket.on('message', (data) => { resolve(`echo ${data.toString()}`); socket.close() })
    socket.on('unexpected-response', (_req, res) => resolve(`refused ${res.statusCode}`))
    socket.on('error', () => {})
  }), 5000, url)
}

for (const contender of WS_CONTENDERS) {
  test(`${contender.name} echoes for a known token and refuses an unknown one`, async () => {
    const running = await contender.start(0)
    try {
      assert.is(await outcome(`ws://127.0.0.1:${running.port}/echo?token=t`), 'echo ping')
      assert.is(await outcome(`ws://127.0.0.1:${running.port}/echo?token=nope`), 'refused 401')
    } finally {
      await running.close()
    }
  })
}

test('the echo target reads the routechain row', () => {
  const row = (contender: string, ratio: number) => ({
    contender, route: 'WebSocket echo round trips (64 B, 32 sockets)', runs: [], ratios: [ratio], medianRps: 1, minRps: 1, maxRps: 1,
    p50ms: 0, p99ms: 0, medianRatio: ratio, cpuUsPerRequest: 1, cpuRatio: 1, rssMiB: 1,
  })
  const met = (ratio: number) => checkTargets([], [], [], [], [], [row('ws (raw)', 1), row('routechain (3-step chain)', ratio)])
    .find((t) => t.target.startsWith('WebSocket echo'))?.met
  assert.is(met(0.97), true)
  assert.is(met(0.9), false)
})

test.run()
