// The two things `npm run scale` shows on a fleet, as functions its test runs too: a login made on one process
// read by the others, and a rolling restart of every process under logged-in traffic.
import type { Fleet } from './fleet.js'
import { showsLoggedIn, startTraffic, type BalancerClient, type TrafficReport } from './traffic.js'

/** Who answered the login and who then showed the user logged in. */
export interface SharedLogin {
  readonly user: string
  readonly cookie: string
  readonly loggedInBy: string
  /** Each later `GET /`: the process that answered, and whether it showed the user logged in. */
  readonly readBy: readonly { servedBy: string; loggedIn: boolean }[]
}

/** Logs `user` in through the balancer and loads `/` `reads` times with the session (round robin spreads them). */
export async function loginAcrossProcesses(client: BalancerClient, user: string, password: string, reads: number): Promise<SharedLogin> {
  const login = await client.logIn(user, password)
  if (login.status !== 303 || login.cookie === undefined) throw new Error(`logging ${user} in answered ${login.status}: ${login.body.slice(0, 200)}`)
  const readBy: { servedBy: string; loggedIn: boolean }[] = []
  for (let i = 0; i < reads; i++) {
    const page = await client.send('GET', '/', login.cookie)
    readBy.push({ servedBy: page.servedBy, loggedIn: page.status === 200 && showsLoggedIn(page.body, user) })
  }
  return { user, cookie: login.cookie, loggedInBy: login.servedBy, readBy }
}

/** One process's turn in a rolling restart. */
export interface Restarted {
  readonly name: string
  /** From SIGTERM to the old process's exit: its drain and in-flight requests. */
  readonly stoppedMs: number
  /** From the new process listening to its first answer through the balancer (the health checks' rise). */
  readonly backInMs: number
}

/** What a rolling restart under traffic saw. */
export interface RollingReport {
  readonly restarts: readonly Restarted[]
  readonly traffic: TrafficReport
  readonly ms: number
}

/**
 * Restarts every process of the fleet in turn while `sessions` browse through the balancer; each turn waits until
 * the new process answers through the balancer again (≤ 15 s) before the next begins.
 */
export async function rollingRestart(fleet: Fleet, client: BalancerClient, sessions: readonly { user: string; cookie: string }[]): Promise<RollingReport> {
  const begun = Date.now()
  const traffic = startTraffic(client, sessions)
  const restarts: Restarted[] = []
  try {
    await new Promise((resolve) => setTimeout(resolve, 1000)) // traffic on every process first
    for (const name of fleet.names) {
      const { stoppedMs } = await fleet.restart(name)
      const listening = Date.now()
      const before = traffic.servedBy(name)
      const deadline = listening + 15_000
      while (traffic.servedBy(name) === before) {
        if (Date.now() > deadline) throw new Error(`${name} was not back in the balancer's rotation within 15 s of restarting`)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      restarts.push({ name, stoppedMs, backInMs: Date.now() - listening })
    }
    await new Promise((resolve) => setTimeout(resolve, 500))
  } catch (error) {
    await traffic.stop()
    throw error
  }
  return { restarts, traffic: await traffic.stop(), ms: Date.now() - begun }
}
