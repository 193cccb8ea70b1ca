// `npm run chaos`: a master killed under load, for each topology (Redis Cluster, Sentinel), client (node-redis,
// ioredis) and durability setting (replicas 0 and 1; behind Sentinel 2 as well), one after the other on loopback; prints one table row per
// run. Options: --only cluster|sentinel, --client node-redis|ioredis, --concurrency N. Exits 1 when a run
// answered anything but 503 with Retry-After, did not recover, or lost an acknowledged login while waiting for
// every replica (1 on the cluster, 2 behind Sentinel).
import { parseArgs } from 'node:util'
import { runFailover, type FailoverReport } from './failover.js'
import type { ClientKind, Topology } from './topology.js'

const { values } = parseArgs({ options: { only: { type: 'string' }, client: { type: 'string' }, concurrency: { type: 'string', default: '8' } } })
const topologies = (values.only === undefined ? ['cluster', 'sentinel'] : [values.only]) as Topology[]
const clients = (values.client === undefined ? ['node-redis', 'ioredis'] : [values.client]) as ClientKind[]
const concurrency = Number(values.concurrency)

const row = (r: FailoverReport): string =>
  `| ${r.topology} | ${r.client} | ${r.replicas} | ${r.sent} | ${r.failed} (${r.wrong.length === 0 ? 'all 503 + Retry-After' : `${r.wrong.length} other`}) | ${(r.failoverMs / 1000).toFixed(2)} s${r.recovered ? '' : ' (not recovered)'} | ${r.acknowledged} | ${r.lost} |`

console.log(`Failover under load: ${concurrency} users logging in and reading back, one master SIGKILLed 1 s in (node ${process.version})\n`)
console.log('| topology | client | replicas | requests | errors | failover | logins acknowledged | lost |')
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |')
let bad = false
for (const topology of topologies) {
  for (const client of clients) {
    // a Sentinel set has two replicas: only waiting for both guarantees that the one promoted holds every write
    for (const replicas of topology === 'sentinel' ? [0, 1, 2] : [0, 1]) {
      const report = await runFailover({ topology, client, replicas, concurrency })
      console.log(row(report))
      if (report.wrong.length > 0) console.log(`  wrong answers: ${JSON.stringify(report.wrong)}`)
      bad ||= report.wrong.length > 0 || !report.recovered || (replicas === (topology === 'sentinel' ? 2 : 1) && report.lost > 0)
    }
  }
}
process.exitCode = bad ? 1 : 0
