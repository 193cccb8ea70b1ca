// The sessions part of the benchmarks: GET /me reading a session cookie over HTTP, and each storage's
// encode and decode in process.
import type { TimedCase } from '../dispatch.js'
import type { HttpRow } from '../http.js'
import { CAN_PIN, LOADER } from '../load.js'
import { QUICK_SESSION_CONTENDERS, SESSION_CONTENDERS } from './contenders/index.js'
import { benchSessionsHttp, type SessionsPlan } from './http.js'
import { benchSessionOps } from './per-op.js'

/** Everything the sessions part measured, and how. */
export interface SessionsRun {
  readonly date: string
  readonly method: SessionsPlan & { loader: string; pinned: boolean; quick: boolean }
  /** One row per contender and mode; `route` names the mode, ratios are to the same route without a session. */
  readonly http: HttpRow[]
  readonly perOp: TimedCase[]
}

/** Runs the sessions part: the full run times every contender in ≥ 3 rounds; the quick run four contenders once. */
export async function benchSessions(quick: boolean, log: (line: string) => void): Promise<SessionsRun> {
  const plan: SessionsPlan = quick
    ? { rounds: 1, seconds: 1, warmupSeconds: 0, connections: 64, distinctCookies: 10_000 }
    : { rounds: 3, seconds: 5, warmupSeconds: 2, connections: 64, distinctCookies: 10_000 }
  const date = new Date().toISOString()
  const http = await benchSessionsHttp(plan, quick ? QUICK_SESSION_CONTENDERS : SESSION_CONTENDERS, log)
  log('sessions: in process, encode and decode')
  const perOp = await benchSessionOps(quick)
  return { date, method: { ...plan, loader: LOADER, pinned: CAN_PIN, quick }, http, perOp }
}
