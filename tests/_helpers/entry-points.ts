// The three ways a request reaches an app, behind one interface, so one case table runs against all of them:
// over real HTTP (`node:http`, through undici), in-process with `app.request()`, and as a web-standard
// handler with `app.fetch()`. Each gives the same normalised answer: status, headers (lower-case names, the
// Set-Cookie lines kept apart as a list) and the body as text.
import { Client, request as undiciRequest, type Dispatcher } from 'undici'
import type { App } from '../../src/index.js'
import { within } from './async.js'
import { Jar } from './cookie-jar.js'

export type EntryPointName = 'node:http' | 'app.request' | 'app.fetch'

/** A request in one shape for every entry point. `path` holds the query string too, as sent. */
export interface NeutralRequest {
  method: string
  path: string
  headers?: Record<string, string>
  body?: string | Uint8Array
}

/** A response as every entry point gives it. */
export interface Answer {
  status: number
  /** Header values by lower-case name; a repeated header's values joined with ', '. Never holds set-cookie. */
  headers: Record<string, string>
  /** The Set-Cookie lines, in order, each as sent. */
  setCookie: string[]
  body: string
}

/** A way to talk to one app: send requests one after another, then close. */
export interface Channel {
  send(request: NeutralRequest): Promise<Answer>
  close(): Promise<void>
}

export interface EntryPoint {
  readonly name: EntryPointName
  /** Starts serving `app` (for node:http: listens on 127.0.0.1, port 0) and returns a way to call it. */
  open(app: App): Promise<Channel>
}

/** No request waits longer than this for its answer: a hang fails the test instead of stalling the run. */
export const ANSWER_TIMEOUT_MS = 5000

const ORIGIN = 'http://localhost'

/** Reads a web Response into an {@link Answer}, keeping each Set-Cookie line apart. */
export async function fromWebResponse(response: Response): Promise<Answer> {
  const headers: Record<string, string> = {}
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') headers[name] = value // Headers already joins repeated values with ', '
  }
  return { status: response.status, headers, setCookie: response.headers.getSetCookie(), body: await response.text() }
}

/** The RequestInit of a neutral request (no body on GET and HEAD, which a web Request refuses). */
function requestInit(req: NeutralRequest): RequestInit {
  const init: RequestInit = { method: req.method }
  if (req.headers !== undefined) init.headers = req.headers
  if (req.body !== undefined) init.body = req.body
  return init
}

const nodeHttp: EntryPoint = {
  name: 'node:http',
  async open(app) {
    const server = await app.listen({ port: 0, host: '127.0.0.1' })
    const origin = server.url
    const client = new Client(origin)
    return {
      async send(req) {
        const res = await undiciRequest(origin + req.path, {
          dispatcher: client,
          method: req.method as Dispatcher.HttpMethod,
          headers: req.headers ?? {},
          body: req.body ?? null,
          headersTimeout: ANSWER_TIMEOUT_MS,
          bodyTimeout: ANSWER_TIMEOUT_MS,
        })
        const headers: Record<string, string> = {}
        let setCookie: string[] = []
        for (const [name, value] of Object.entries(res.headers)) {
          if (value === undefined) continue
          if (name === 'set-cookie') setCookie = Array.isArray(value) ? value : [value]
          else headers[name] = Array.isArray(value) ? value.join(', ') : value
        }
        return { status: res.statusCode, headers, setCookie, body: await res.body.text() }
      },
      async close() {
        try {
          await client.close()
        } finally {
          await app.close({ timeout: 1000 })
        }
      },
    }
  },
}

const appRequest: EntryPoint = {
  name: 'app.request',
  async open(app) {
    return {
      async send(req) {
        const response = await within(app.request(req.path, requestInit(req)), ANSWER_TIMEOUT_MS, `app.request ${req.method} ${req.path}`)
        return within(fromWebResponse(response), ANSWER_TIMEOUT_MS, `reading the body of app.request ${req.method} ${req.path}`)
      },
      async close() {},
    }
  },
}

const appFetch: EntryPoint = {
  name: 'app.fetch',
  async open(app) {
    // detached on purpose: app.fetch is a bound function, handed to runtimes as `export default { fetch: app.fetch }`
    const handler = app.fetch
    // A Request carries no peer address and app.fetch assumes none (req.ip is '' without info): give it the one
    // the node:http entry point's client has, as a platform passes its own (Deno's info.remoteAddr).
    const info = { ip: '127.0.0.1' }
    return {
      async send(req) {
        const response = await within(handler(new Request(ORIGIN + req.path, requestInit(req)), info), ANSWER_TIMEOUT_MS, `app.fetch ${req.method} ${req.path}`)
        return within(fromWebResponse(response), ANSWER_TIMEOUT_MS, `reading the body of app.fetch ${req.method} ${req.path}`)
      },
      async close() {},
    }
  },
}

/** Every entry point, in the order the suites run. */
export const ENTRY_POINTS: readonly EntryPoint[] = [nodeHttp, appRequest, appFetch]

/**
 * Serves `app` through `entry` and sends `requests` in order, as a browser would: each Set-Cookie is kept and
 * sent back on the next request (unless that request gives its own Cookie header). Always closes the channel.
 */
export async function exchange(entry: EntryPoint, app: App, requests: readonly NeutralRequest[]): Promise<Answer[]> {
  const channel = await entry.open(app)
  const jar = new Jar()
  const answers: Answer[] = []
  try {
    for (const req of requests) {
      const cookie = jar.header()
      const headers = cookie === undefined || hasHeader(req, 'cookie') ? req.headers : { ...req.headers, cookie }
      const answer = await channel.send(headers === undefined ? req : { ...req, headers })
      jar.take(answer.setCookie)
      answers.push(answer)
    }
  } finally {
    await channel.close()
  }
  return answers
}

function hasHeader(req: NeutralRequest, name: string): boolean {
  return Object.keys(req.headers ?? {}).some((key) => key.toLowerCase() === name)
}
