// Every benchmark contender serves the spec's routes with the exact answers, so a broken adapter fails here,
// not silently in the chart (issue #3).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { checkAnswers } from '../../bench/check.js'
import { CONTENDERS } from '../../bench/contenders/index.js'

const contenders = suite('bench contenders')

contenders('there are nine, raw node:http first as the baseline', () => {
  assert.is(CONTENDERS.length, 9)
  assert.is(CONTENDERS[0]?.name, 'node:http (raw)')
  assert.ok(CONTENDERS.some((c) => c.name === 'routechain'))
  assert.ok(CONTENDERS.some((c) => c.name === 'routechain (traced)'))
})

for (const contender of CONTENDERS) {
  contenders(`${contender.name} answers every checked case exactly`, async () => {
    const running = await contender.start(0)
    try {
      assert.equal(await checkAnswers(running.port), [])
    } finally {
      await running.close()
    }
  })
}

contenders.run()
