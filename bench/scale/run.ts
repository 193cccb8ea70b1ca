// `npm run scale`: a real fleet on loopback. A Redis Cluster of three masters and three replicas, three
// processes of examples/blog keeping sessions in it (RedisStorage on node-redis's cluster client), haproxy in
// front (round robin, health checks on GET /ready). It shows a login made on one process read by the others,
// then restarts every process in turn under logged-in traffic (each drains: /ready answers 503, the balancer
// takes it out, in-flight requests finish) and counts failed requests: there must be none.
// Options: --size N (processes, default 3), --users N (browsing during the restart, default 16).
import { parseArgs } from 'node:util'
import { startFleet } from './fleet.js'
import { haveHaproxy, HAPROXY } from './haproxy.js'
import { loginAcrossProcesses, rollingRestart } from './rolling.js'
import { BalancerClient } from './traffic.js'

const { values } = parseArgs({ options: { size: { type: 'string', default: '3' }, users: { type: 'string', default: '16' } } })
const size = Number(values.size)
const users = Number(values.users)
if (!haveHaproxy()) {
  console.error(`npm run scale needs haproxy at ${HAPROXY}: apt-get install haproxy`)
  process.exit(1)
}

console.log(`starting a Redis Cluster (3 masters, 3 replicas), ${size} blog processes and haproxy, all on 127.0.0.1…`)
const fleet = await startFleet({ size })
const client = new BalancerClient(fleet.balancer.url, users + 4)
let failed = 0
try {
  const shards = await fleet.cluster.shards()
  console.log(`\nRedis Cluster   ${shards.map((s) => `master :${s.master} (replica :${s.replicas.join(', :')})`).join('; ')}`)
  for (const name of fleet.names) console.log(`${name.padEnd(15)} http://127.0.0.1:${fleet.process(name).port}  pid ${fleet.process(name).pid}`)
  console.log(`haproxy         ${fleet.balancer.url}  round robin, GET /ready every 200 ms  pid ${fleet.balancer.pid}`)
  console.log(`\nopen ${fleet.balancer.url} and log in as alice / wonderland; the X-Served-By header names the process.`)

  const shared = await loginAcrossProcesses(client, 'alice', 'wonderland', size * 2)
  console.log(`\nPOST /login as alice answered by ${shared.loggedInBy}`)
  for (const read of shared.readBy) console.log(`GET /            answered by ${read.servedBy}: ${read.loggedIn ? 'logged in as alice' : 'NOT logged in'}`)
  if (shared.readBy.some((r) => !r.loggedIn)) failed++

  const sessions = []
  for (let i = 0; i < users; i++) {
    const user = i % 2 === 0 ? 'alice' : 'bob'
    const login = await client.logIn(user, user === 'alice' ? 'wonderland' : 'builder')
    if (login.cookie === undefined) throw new Error(`logging ${user} in answered ${login.status}`)
    sessions.push({ user, cookie: login.cookie })
  }
  console.log(`\nrolling restart: ${users} logged-in users loading / meanwhile; each process drains 1000 ms on SIGTERM`)
  const rolling = await rollingRestart(fleet, client, sessions)
  for (const r of rolling.restarts) {
    console.log(`  ${r.name}: SIGTERM → drained and exited in ${(r.stoppedMs / 1000).toFixed(2)} s → restarted → back in rotation ${(r.backInMs / 1000).toFixed(2)} s after listening`)
  }
  const { traffic } = rolling
  console.log(`\n${traffic.sent} requests in ${(rolling.ms / 1000).toFixed(1)} s, ${traffic.failed} failed; answered per process: ${JSON.stringify(traffic.perProcess)}`)
  for (const failure of traffic.failures) console.log(`  failed: ${failure}`)
  failed += traffic.failed
} finally {
  await client.close()
  await fleet.stop()
}
console.log(failed === 0 ? '\nzero failed requests' : `\n${failed} failed`)
process.exitCode = failed === 0 ? 0 : 1
