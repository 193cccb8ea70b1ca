// Every session contender reads its session from the cookie and answers exactly, so a broken adapter fails
// here, not silently in the sessions tables.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { checkSessionAnswers } from '../../bench/sessions/check.js'
import { SESSION_CONTENDERS } from '../../bench/sessions/contenders/index.js'
import { distinctUsers, NAMES, requestHeaders, tamper } from '../../bench/sessions/spec.js'

const sessions = suite('bench session contenders')

sessions('there are six, the route without a session first as the baseline', () => {
  assert.is(SESSION_CONTENDERS.length, 6)
  assert.is(SESSION_CONTENDERS[0]?.name, NAMES.noSession)
  assert.equal(new Set(SESSION_CONTENDERS.map((c) => c.name)), new Set(Object.values(NAMES)))
})

sessions('tamper() changes one character of the value, never the name', () => {
  const cookie = 'session=abcdef%3Bghij'
  const changed = tamper(cookie)
  assert.is(changed.length, cookie.length)
  assert.ok(changed.startsWith('session='))
  assert.is.not(changed, cookie)
})

for (const contender of SESSION_CONTENDERS) {
  sessions(`${contender.name} answers from its session exactly`, async () => {
    const mint = await contender.minter()
    const distinct = distinctUsers(5).map((user) => requestHeaders(mint, user))
    const running = await contender.start(0)
    try {
      assert.equal(await checkSessionAnswers(running.port, contender, mint, distinct), [])
    } finally {
      await running.close()
    }
  })
}

sessions.run()
