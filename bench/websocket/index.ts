// The WebSocket benchmark (#15): echo round trips per second through routechain's 3-step chain against a raw
// `ws` server, and handshakes per second, both servers in their own process on core 0, the load from a client
// process on core 1, rounds interleaved with the order turning, paired per round with raw ws.
import { execFile } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { pairedRounds, startServer, type HttpPlan, type HttpRow, type Server } from '../http.js'
import { CAN_PIN, type LoadResult } from '../load.js'
import { WS_CONTENDERS } from './contenders.js'

const here = dirname(fileURLToPath(import.meta.url))
const run = promisify(execFile)

/** The two measures, as the report's route names. */
export const WS_ECHO = 'WebSocket echo round trips (64 B, 32 sockets)'
export const WS_HANDSHAKE = 'WebSocket handshakes (open and close, 8 at a time)'

const MODES = [
  { name: WS_ECHO, mode: 'echo', connections: 32 },
  { name: WS_HANDSHAKE, mode: 'handshake', connections: 8 },
] as const

async function measure(port: number, mode: string, connections: number, seconds: number): Promise<LoadResult> {
  const client = join(here, 'client.js')
  const url = `ws://127.0.0.1:${port}/echo?token=t`
  const [command, args] = CAN_PIN
    ? ['taskset', ['-c', '1', process.execPath, client, mode, url, String(seconds), String(connections)]]
    : [process.execPath, [client, mode, url, String(seconds), String(connections)]]
  const { stdout } = await run(command as string, args as string[], { timeout: (seconds + 30) * 1000 })
  const { count, seconds: took } = JSON.parse(stdout) as { count: number; seconds: number }
  if (!(count > 0)) throw new Error(`the ${mode} client completed nothing against port ${port}`)
  return { rps: count / took, requests: count, p50ms: Number.NaN, p99ms: Number.NaN }
}

/** Runs the WebSocket benchmark; rows are paired per round with raw ws (the first contender). */
export async function benchWebSockets(plan: HttpPlan, log: (line: string) => void): Promise<HttpRow[]> {
  const servers: Server[] = []
  try {
    const entry = join(here, 'serve.js')
    for (const index of WS_CONTENDERS.keys()) servers.push(await startServer(index, entry))
    return await pairedRounds({
      plan, servers, names: WS_CONTENDERS.map((c) => c.name), measures: MODES.map((m) => m.name), part: 'websocket', log,
      load: (c, m, seconds) => {
        const mode = MODES[m] as (typeof MODES)[number]
        return measure((servers[c] as Server).port, mode.mode, mode.connections, seconds)
      },
    })
  } finally {
    for (const server of servers) server.child.kill('SIGKILL')
  }
}
