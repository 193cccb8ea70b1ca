// A Redis master SIGKILLed under load (#17), through both clients, on a Redis Cluster (three masters with a
// replica each) and a Sentinel set (a master, two replicas, three sentinels), with and without waiting for replicas:
// bench/chaos/failover.ts logs users in eight at a time and reads each login back while one master dies and a
// replica takes over. Every failed answer must be a 503 with Retry-After, never a 500; requests must succeed
// again once the replica has taken over; waiting for every replica (`replicas: 1` on the cluster, `replicas: 2`
// behind Sentinel), no acknowledged login may be lost. Behind Sentinel, `replicas: 1` is not enough: the sentinels
// pick the replica to promote from what each last reported, and it can be the one that had not acknowledged.
// `npm run chaos` prints the same runs as a table (docs/scaling.md).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { runFailover, type FailoverPlan } from '../../bench/chaos/failover.js'
import { haveRedisCluster } from '../_helpers/redis-cluster.js'

const test = suite('Redis failover under load')

let available = false
test.before(() => {
  available = haveRedisCluster() // redis-server and redis-cli: what the sentinel set needs too
})

const PLANS: readonly FailoverPlan[] = [
  { topology: 'cluster', client: 'node-redis', replicas: 0 },
  { topology: 'cluster', client: 'node-redis', replicas: 1 },
  { topology: 'cluster', client: 'ioredis', replicas: 0 },
  { topology: 'cluster', client: 'ioredis', replicas: 1 },
  { topology: 'sentinel', client: 'node-redis', replicas: 2 },
  { topology: 'sentinel', client: 'ioredis', replicas: 2 },
]

for (const plan of PLANS) {
  test(`${plan.topology}, ${plan.client}, replicas ${plan.replicas}: 503 with Retry-After while the replica takes over, then requests succeed${plan.replicas > 0 ? ', and no acknowledged login is lost' : ''}`, async () => {
    if (!available) return
    const report = await runFailover(plan)
    const summary = `${report.sent} requests, ${report.failed} failed, failover ${report.failoverMs} ms, ${report.acknowledged} logins acknowledged, ${report.lost} lost`
    assert.equal(report.wrong, [], `answers other than 503 with Retry-After (${summary})`)
    assert.ok(report.recovered, `still failing when the run hit its bounds (${summary})`)
    assert.ok(report.acknowledged > 100, `too few logins to say anything (${summary})`)
    if (plan.replicas > 0) assert.is(report.lost, 0, `acknowledged logins lost (${summary})`)
  })
}

test.run()
