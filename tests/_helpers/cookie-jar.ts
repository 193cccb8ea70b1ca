// A browser's cookie jar for tests that talk to several servers on 127.0.0.1 (routechain and Python's aiohttp,
// or several app processes): one jar for all of them, as a browser keeps cookies (not apart by port). Each
// value is sent back exactly as it was set: the raw text between `NAME=` and the first `;`, quotes and
// backslash escapes included.
import { request } from 'undici'

/** What the test apps answer: the session after the request, as that server sees it. */
export interface SessionView {
  new: boolean
  created: number
  data: Record<string, unknown>
  /** Python's answers: the session's id as aiohttp_session holds it (null for a new one or a cookie session). */
  identity?: string | null
  /** The scale-out workers' answers: the process that answered. */
  pid?: number
}

export interface Answer {
  status: number
  /** The JSON answer; what does not parse is kept as `data.unparsed` of a new session. */
  body: SessionView
  raw: string
  /** The Set-Cookie headers of the response, as sent. */
  setCookie: string[]
}

/** Keeps cookies as a browser does: the raw value between `NAME=` and the first `;`, quotes and all. */
export class Jar {
  readonly #cookies = new Map<string, string>()

  get(name: string): string | undefined {
    return this.#cookies.get(name)
  }

  header(): string | undefined {
    if (this.#cookies.size === 0) return undefined
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  /** Keeps what Set-Cookie headers say: a Max-Age of 0 or less, or an Expires in the past, forgets the cookie. */
  take(setCookie: readonly string[]): void {
    for (const line of setCookie) {
      const semicolon = line.indexOf(';')
      const pair = semicolon === -1 ? line : line.slice(0, semicolon)
      const eq = pair.indexOf('=')
      if (eq === -1) continue
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      const attributes = semicolon === -1 ? '' : line.slice(semicolon)
      const maxAge = /;\s*max-age=(-?\d+)/i.exec(attributes)
      const expires = /;\s*expires=([^;]+)/i.exec(attributes)
      const gone = maxAge !== null
        ? Number(maxAge[1]) <= 0
        : expires !== null && Date.parse((expires[1] as string).replace(/-/g, ' ')) <= Date.now()
      if (gone) this.#cookies.delete(name)
      else this.#cookies.set(name, value)
    }
  }

  /**
   * GETs `url` with the jar's cookies (or exactly `cookie`, to replay an old one), keeps what the response sets
   * and reads its JSON. The status is not checked here; headers and body must come within 10 s.
   */
  async call(url: string, cookie = this.header()): Promise<Answer> {
    const res = await request(url, { headers: cookie === undefined ? {} : { cookie }, headersTimeout: 10_000, bodyTimeout: 10_000 })
    const raw = await res.body.text()
    const header = res.headers['set-cookie']
    const setCookie = header === undefined ? [] : Array.isArray(header) ? header : [header]
    this.take(setCookie)
    let body: SessionView
    try {
      body = JSON.parse(raw) as SessionView
    } catch {
      body = { new: true, created: 0, data: { unparsed: raw } }
    }
    return { status: res.statusCode, body, raw, setCookie }
  }
}
