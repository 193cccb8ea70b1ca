// Logged-in users browsing through the balancer while something happens to the fleet: each user logs in once,
// then loads the home page over and over with its session. A request fails when it gets no answer, an answer
// other than 200, or a page that does not show its user logged in (a session lost between processes). Counts
// which process served what, from the balancer's X-Served-By header. Bounded in requests and time.
import { Pool } from 'undici'

/** One answer of the balancer. */
export interface Served {
  readonly status: number
  readonly servedBy: string
  readonly location: string | undefined
  readonly cookie: string | undefined
  readonly body: string
}

/** What a run of traffic saw. */
export interface TrafficReport {
  readonly sent: number
  /** The failed requests, the first twenty described. */
  readonly failed: number
  readonly failures: readonly string[]
  /** Requests answered per process name. */
  readonly perProcess: Readonly<Record<string, number>>
}

/** A running traffic loop. */
export interface Traffic {
  /** Requests answered so far per process name: to see a restarted process back in rotation. */
  servedBy(name: string): number
  /** Stops the users and resolves to what they saw. */
  stop(): Promise<TrafficReport>
}

/** A client of the balancer. */
export class BalancerClient {
  readonly #pool: Pool

  constructor(url: string, connections: number) {
    this.#pool = new Pool(url, { connections, pipelining: 1 })
  }

  /** Sends one request; resolves to the answer (bodies are short pages). */
  async send(method: 'GET' | 'POST', path: string, cookie?: string, form?: string): Promise<Served> {
    const headers: Record<string, string> = {}
    if (cookie !== undefined) headers.cookie = cookie
    if (form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded'
    const response = await this.#pool.request({ method, path, headers, body: form ?? null, headersTimeout: 10_000, bodyTimeout: 10_000 })
    const setCookie = response.headers['set-cookie']
    const line = Array.isArray(setCookie) ? setCookie[0] : setCookie
    return {
      status: response.statusCode,
      servedBy: String(response.headers['x-served-by'] ?? '?'),
      location: response.headers.location as string | undefined,
      cookie: line?.split(';')[0],
      body: await response.body.text(),
    }
  }

  /** Logs `user` in through the balancer; resolves to the answer, whose `cookie` is the session. */
  logIn(user: string, password: string): Promise<Served> {
    return this.send('POST', '/login', undefined, new URLSearchParams({ username: user, password }).toString())
  }

  close(): Promise<void> {
    return this.#pool.close()
  }
}

/** Whether a blog page shows `user` logged in. */
export function showsLoggedIn(body: string, user: string): boolean {
  return body.includes(`Logged in as <strong>${user}</strong>`)
}

/**
 * Starts `sessions.length` users, each loading `/` with its session cookie until stop(), at most `maxRequests`
 * in all and for at most `maxMs`.
 */
export function startTraffic(client: BalancerClient, sessions: readonly { user: string; cookie: string }[], maxRequests = 200_000, maxMs = 120_000): Traffic {
  const perProcess: Record<string, number> = {}
  const failures: string[] = []
  let sent = 0
  let failed = 0
  let stopped = false
  const until = Date.now() + maxMs
  const fail = (what: string): void => {
    failed++
    if (failures.length < 20) failures.push(what)
  }
  const browse = async ({ user, cookie }: { user: string; cookie: string }): Promise<void> => {
    while (!stopped && sent < maxRequests && Date.now() < until) {
      sent++
      try {
        const page = await client.send('GET', '/', cookie)
        perProcess[page.servedBy] = (perProcess[page.servedBy] ?? 0) + 1
        if (page.status !== 200) fail(`GET / for ${user}: ${page.status} from ${page.servedBy}`)
        else if (!showsLoggedIn(page.body, user)) fail(`GET / for ${user} from ${page.servedBy}: not logged in`)
      } catch (error) {
        fail(`GET / for ${user}: ${(error as Error).message}`)
      }
    }
  }
  const users = sessions.map(browse)
  return {
    servedBy: (name) => perProcess[name] ?? 0,
    async stop() {
      stopped = true
      await Promise.all(users)
      return { sent, failed, failures, perProcess }
    },
  }
}
