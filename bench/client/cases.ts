// The client part's cases: plain undici.request on an Agent of its own (the baseline), Agent.request() (the floor the
// client's transport calls), then routechain/client with no middlewares, with three pass-through middlewares, and
// with two of its own middlewares.
import { Agent, request } from 'undici'
import { createClient, logRequests, retry, type ClientMiddleware } from '../../src/client/index.js'
import { CASE_NAMES } from './spec.js'
import { PING_BODY, PING_PATH } from './target.js'

/** One case opened against the target: `send()` makes one GET /ping, reads the body and returns it. */
export interface OpenCase {
  send(): Promise<string>
  close(): Promise<void>
}

/** One way of sending the request; each opens a connection pool of its own. */
export interface ClientCase {
  readonly name: string
  open(port: number): OpenCase
}

/** The URL of the target, on loopback only. */
export function targetOrigin(port: number): string {
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`no target port: ${port}`)
  return `http://127.0.0.1:${port}`
}

function wrongStatus(name: string, status: number): Error {
  return new Error(`${name}: GET ${PING_PATH} answered ${status}`)
}

const undiciCase: ClientCase = {
  name: CASE_NAMES.undici,
  open(port) {
    const agent = new Agent()
    const url = targetOrigin(port) + PING_PATH
    return {
      async send() {
        const { statusCode, body } = await request(url, { dispatcher: agent })
        const text = await body.text()
        if (statusCode !== 200) throw wrongStatus(CASE_NAMES.undici, statusCode)
        return text
      },
      close: () => agent.close(),
    }
  },
}

// what the client's transport itself calls: the Agent's request() with the URL already split, no options spread
const floorCase: ClientCase = {
  name: CASE_NAMES.floor,
  open(port) {
    const agent = new Agent()
    const origin = targetOrigin(port)
    return {
      async send() {
        const { statusCode, body } = await agent.request({ origin, path: PING_PATH, method: 'GET' })
        const text = await body.text()
        if (statusCode !== 200) throw wrongStatus(CASE_NAMES.floor, statusCode)
        return text
      },
      close: () => agent.close(),
    }
  },
}

function clientCase(name: string, middlewares: () => readonly ClientMiddleware[]): ClientCase {
  return {
    name,
    open(port) {
      const client = createClient({ baseUrl: targetOrigin(port), middlewares: middlewares() })
      return {
        async send() {
          const res = await client.get(PING_PATH)
          const text = await res.text()
          if (res.status !== 200) throw wrongStatus(name, res.status)
          return text
        },
        close: () => client.close(),
      }
    },
  }
}

// three distinct closures, as three middlewares written separately would be
const passThroughs = (): ClientMiddleware[] => Array.from({ length: 3 }, (): ClientMiddleware => (_req, next) => next())

/** The cases, baseline first. */
export function clientCases(): ClientCase[] {
  return [
    undiciCase,
    floorCase,
    clientCase(CASE_NAMES.bare, () => []),
    clientCase(CASE_NAMES.passThrough, passThroughs),
    clientCase(CASE_NAMES.real, () => [logRequests(() => {}), retry()]),
  ]
}

/** Opens every case against a running target, sends one request with each, and returns what came back wrong. */
export async function checkClientCases(port: number, cases: readonly ClientCase[]): Promise<string[]> {
  const wrong: string[] = []
  for (const c of cases) {
    let open: OpenCase | undefined
    try {
      open = c.open(port)
      const body = await open.send()
      if (body !== PING_BODY) wrong.push(`${c.name}: expected ${JSON.stringify(PING_BODY)}, got ${JSON.stringify(body)}`)
    } catch (error) {
      wrong.push(`${c.name}: ${error instanceof Error ? error.message : String(error)}`)
    } finally {
      await open?.close()
    }
  }
  return wrong
}
