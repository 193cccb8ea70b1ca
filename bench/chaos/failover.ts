// One failover under load: an app with RedisStorage logs users in, `concurrency` at a time, reading each login
// back; a second in, one master's redis-server is SIGKILLed and its replica takes over (a fresh replica then
// joins the new master on a cluster). The run goes on until two seconds pass without an error, then reads back
// every login that was acknowledged. It reports what was sent, what failed and how, how long failures went on
// after the kill, and how many acknowledged logins were lost. Bounded: 40 s and 200,000 requests.
import { createApp, RedisStorage, type App } from '../../src/index.js'
import { startSetup, type ClientKind, type Topology } from './topology.js'

/** What one run tries. */
export interface FailoverPlan {
  readonly topology: Topology
  readonly client: ClientKind
  /** RedisStorage's `replicas`: how many replicas each write waits for. */
  readonly replicas: number
  /** Users logging in at once. @default 8 */
  readonly concurrency?: number
}

/** A failed answer, as the client saw it. */
export interface Failure {
  readonly status: number
  readonly retryAfter: string | null
  readonly body: string
}

/** What one run measured. */
export interface FailoverReport extends FailoverPlan {
  /** Requests sent, logins and reads. */
  readonly sent: number
  /** Answers other than 200: every one should be a 503 with Retry-After. */
  readonly failed: number
  /** Failed answers that were not a 503 with Retry-After (the first ten). */
  readonly wrong: readonly Failure[]
  /** From the kill to the last failed answer, ms; 0 when nothing failed. */
  readonly failoverMs: number
  /** Logins answered 200. */
  readonly acknowledged: number
  /** Acknowledged logins that did not read back afterwards. */
  readonly lost: number
  /** Whether the run ended with two error-free seconds (false: it hit its bounds still failing). */
  readonly recovered: boolean
}

const WARM_MS = 1000
const CALM_MS = 2000
const LIMIT_MS = 40_000
const MAX_REQUESTS = 200_000

function sessionApp(storage: RedisStorage): App {
  const app = createApp({ logger: { error() {}, warn() {}, info() {}, debug() {} }, session: { storage } })
  app.get('/login/:user', async (req) => {
    (await req.session()).set('user', req.params.user)
    return 'in'
  })
  app.get('/me', async (req) => String((await req.session()).get('user') ?? ''))
  return app
}

/** The `name=value` of a response's session cookie, to send back. */
function cookieOf(response: Response): string | undefined {
  return response.headers.getSetCookie().find((line) => line.startsWith('session='))?.split(';')[0]
}

/** Runs one failover; every process it starts is stopped before it resolves or rejects. */
export async function runFailover(plan: FailoverPlan): Promise<FailoverReport> {
  const { concurrency = 8 } = plan
  const setup = await startSetup(plan.topology)
  try {
    const storage = new RedisStorage(await setup.client(plan.client), { replicas: plan.replicas, replicaTimeout: 300 })
    const app = sessionApp(storage)
    const logins: { user: string; cookie: string }[] = []
    const wrong: Failure[] = []
    let sent = 0
    let failed = 0
    let lastFailure = 0
    let killedAt = 0
    let stop = false
    const started = Date.now()

    const send = async (path: string, cookie?: string): Promise<Response | undefined> => {
      sent++
      const response = await app.request(path, cookie === undefined ? {} : { headers: { cookie } })
      if (response.status === 200) return response
      failed++
      lastFailure = Date.now()
      const failure = { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.text() }
      if ((failure.status !== 503 || failure.retryAfter === null) && wrong.length < 10) wrong.push(failure)
      return undefined
    }
    const user = async (id: number): Promise<void> => {
      for (let n = 0; !stop && sent < MAX_REQUESTS; n++) {
        const name = `u${id}-${n}`
        const login = await send(`/login/${name}`)
        const cookie = login === undefined ? undefined : cookieOf(login)
        if (cookie === undefined) continue
        logins.push({ user: name, cookie })
        await send('/me', cookie)
      }
    }

    const users = Array.from({ length: concurrency }, (_, id) => user(id))
    await new Promise((resolve) => setTimeout(resolve, WARM_MS))
    killedAt = Date.now()
    const killed = await setup.killMaster()
    if (plan.replicas > 0) await setup.replaceKilled(killed)
    while (Date.now() - started < LIMIT_MS && sent < MAX_REQUESTS && Date.now() - Math.max(lastFailure, killedAt) < CALM_MS) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const recovered = Date.now() - Math.max(lastFailure, killedAt) >= CALM_MS
    stop = true
    await Promise.all(users)

    let lost = 0
    let next = 0
    // a read-back refused with a 503 is asked again (ten times at most, 200 ms apart): lost means the session
    // did not come back, not that Redis was busy when asked
    const readBack = async (cookie: string): Promise<Response> => {
      for (let attempt = 1; ; attempt++) {
        const response = await app.request('/me', { headers: { cookie } })
        if (response.status !== 503 || attempt === 10) return response
        await response.text()
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
    }
    const check = async (): Promise<void> => {
      for (let login = logins[next++]; login !== undefined; login = logins[next++]) {
        const response = await readBack(login.cookie)
        if (response.status !== 200 || (await response.text()) !== login.user) lost++
      }
    }
    await Promise.all(Array.from({ length: concurrency }, check))
    return {
      ...plan, concurrency, sent, failed, wrong, failoverMs: lastFailure > killedAt ? lastFailure - killedAt : 0,
      acknowledged: logins.length, lost, recovered,
    }
  } finally {
    await setup.stop()
  }
}
