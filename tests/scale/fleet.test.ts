// The fleet of `npm run scale` (#17), smaller: a Redis Cluster of three masters and three replicas, two
// processes of examples/blog with RedisStorage on node-redis's cluster client, and Debian's haproxy in front
// (round robin, health checks on GET /ready). A login made through one process is read by the other; then each
// process is restarted in turn (SIGTERM: it drains while /ready answers 503, the balancer takes it out, its
// in-flight requests finish) under logged-in traffic, and not one request may fail.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startFleet, type Fleet } from '../../bench/scale/fleet.js'
import { haveHaproxy } from '../../bench/scale/haproxy.js'
import { loginAcrossProcesses, rollingRestart } from '../../bench/scale/rolling.js'
import { BalancerClient } from '../../bench/scale/traffic.js'
import { haveRedisCluster } from '../_helpers/redis-cluster.js'
import { needs } from '../_helpers/services.js'

const test = suite('a fleet behind haproxy')

let fleet: Fleet | undefined
let client: BalancerClient | undefined

test.before(async () => {
  if (!haveRedisCluster() || !needs('haproxy', haveHaproxy(), 'apt-get install haproxy')) return
  fleet = await startFleet({ size: 2 })
  client = new BalancerClient(fleet.balancer.url, 12)
})

test.after(async () => {
  await client?.close()
  await fleet?.stop()
})

test('a login made through one process is read by the other', async () => {
  if (fleet === undefined || client === undefined) return
  const shared = await loginAcrossProcesses(client, 'alice', 'wonderland', 4)
  assert.ok(fleet.names.includes(shared.loggedInBy), `the login was answered by ${shared.loggedInBy}`)
  assert.equal(new Set(shared.readBy.map((r) => r.servedBy)), new Set(fleet.names), `round robin spread the reads: ${JSON.stringify(shared.readBy)}`)
  assert.ok(shared.readBy.every((r) => r.loggedIn), `a process did not see the login: ${JSON.stringify(shared.readBy)}`)
})

test('a rolling restart under logged-in traffic fails no request', async () => {
  if (fleet === undefined || client === undefined) return
  const sessions = []
  for (const [user, password] of [['alice', 'wonderland'], ['bob', 'builder'], ['alice', 'wonderland'], ['bob', 'builder']] as const) {
    const login = await client.logIn(user, password)
    assert.is(login.status, 303)
    sessions.push({ user, cookie: login.cookie as string })
  }
  const pidsBefore = fleet.names.map((name) => fleet?.process(name).pid)
  const rolling = await rollingRestart(fleet, client, [...sessions, ...sessions])
  const { traffic } = rolling
  assert.equal(traffic.failures, [], `${traffic.failed} of ${traffic.sent} requests failed`)
  assert.is(traffic.failed, 0)
  assert.equal(rolling.restarts.map((r) => r.name), fleet.names)
  assert.ok(fleet.names.every((name, i) => fleet?.process(name).pid !== pidsBefore[i]), 'every process was replaced')
  assert.ok(fleet.names.every((name) => (traffic.perProcess[name] ?? 0) > 0), JSON.stringify(traffic.perProcess))
  assert.ok(traffic.sent > 100, `only ${traffic.sent} requests were sent`)
})

test.run()
