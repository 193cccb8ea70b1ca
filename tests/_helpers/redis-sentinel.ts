// The private Redis Sentinel setup of bench/sessions/redis-sentinel.ts for the tests that need one, with the
// check that it can run here (under CI a missing redis-server or redis-cli fails the test).
import { hasCommand, needs } from './services.js'

export { startRedisSentinel, type RedisSentinel } from '../../bench/sessions/redis-sentinel.js'

/** Whether a sentinel setup can be started here: redis-server and redis-cli. Missing under CI, this throws. */
export function haveRedisSentinel(): boolean {
  return needs('redis-server and redis-cli', hasCommand('redis-server') && hasCommand('redis-cli'), 'apt-get install redis-server')
}
