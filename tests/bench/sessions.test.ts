// Every session contender reads its session from the cookie and answers exactly, so a broken adapter fails
// here, not silently in the sessions tables.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { checkSessionAnswers } from '../../bench/sessions/check.js'
import { SESSION_CONTENDERS } from '../../bench/sessions/contenders/index.js'
import { startRedisServer, type RedisServer } from '../../bench/sessions/redis-server.js'
import { DISTINCT_COOKIES, distinctUsers, NAMES, REPEATED_USER, requestHeaders, tamper } from '../../bench/sessions/spec.js'
import { hasCommand, needs } from '../_helpers/services.js'

const sessions = suite('bench session contenders')

sessions('there are eight, the route without a session first as the baseline', () => {
  assert.is(SESSION_CONTENDERS.length, 8)
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
    if (contender.needsRedis === true && !needs('redis-server', hasCommand('redis-server'), 'apt-get install redis-server')) return
    // server-side storages get as many sessions as the bench makes: MemoryStorage must keep them all (its
    // default bound, 10,000, would evict the first ones); cookie storages need only a few
    const serverSide = contender.name === NAMES.memory || contender.name === NAMES.redis
    const users = distinctUsers(serverSide ? DISTINCT_COOKIES : 5)
    let redis: RedisServer | undefined
    try {
      if (contender.needsRedis === true) redis = await startRedisServer()
      const running = await contender.start(0, { redisUrl: redis?.url })
      try {
        const mint = await contender.minter(running.port, [REPEATED_USER, ...users])
        const distinct = users.map((user) => requestHeaders(mint, user))
        assert.equal(await checkSessionAnswers(running.port, contender, mint, distinct), [])
      } finally {
        await running.close()
      }
    } finally {
      await redis?.stop()
    }
  })
}

sessions.run()
