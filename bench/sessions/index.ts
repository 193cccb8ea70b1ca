// The sessions part of the benchmarks: GET /me reading a session over HTTP (cookie storages, and the server-side
// storages with an id in the cookie), and each cookie storage's encode and decode in process.
import type { TimedCase } from '../dispatch.js'
import type { HttpRow } from '../http.js'
import { CAN_PIN, LOADER } from '../load.js'
import { QUICK_SESSION_CONTENDERS, SESSION_CONTENDERS } from './contenders/index.js'
import { benchSessionsHttp, type SessionsPlan } from './http.js'
import { benchSessionOps } from './per-op.js'
import { haveRedisServer, redisServerVersion } from './redis-server.js'
import { DISTINCT_COOKIES } from './spec.js'

/** Everything the sessions part measured, and how. */
export interface SessionsRun {
  readonly date: string
  readonly method: SessionsPlan & {
    loader: string
    pinned: boolean
    quick: boolean
    /** The redis-server RedisStorage's contender ran against (its version; on loopback, not pinned), when it ran. */
    redis?: string | undefined
    /** Contenders left out of this run, each with why. */
    skipped?: string[] | undefined
  }
  /** One row per contender and mode; `route` names the mode, ratios are to the same route without a session. */
  readonly http: HttpRow[]
  readonly perOp: TimedCase[]
}

/** Runs the sessions part: the full run times every contender in ≥ 3 rounds; the quick run a few once. */
export async function benchSessions(quick: boolean, log: (line: string) => void): Promise<SessionsRun> {
  const plan: SessionsPlan = quick
    ? { rounds: 1, seconds: 1, warmupSeconds: 0, connections: 64, distinctCookies: DISTINCT_COOKIES }
    : { rounds: 3, seconds: 5, warmupSeconds: 2, connections: 64, distinctCookies: DISTINCT_COOKIES }
  const date = new Date().toISOString()
  let contenders = quick ? QUICK_SESSION_CONTENDERS : SESSION_CONTENDERS
  const skipped: string[] = []
  let redis: string | undefined
  if (contenders.some((c) => c.needsRedis === true)) {
    if (haveRedisServer()) {
      redis = `redis-server ${redisServerVersion() ?? '(version unknown)'}`
    } else {
      for (const c of contenders.filter((c) => c.needsRedis === true)) skipped.push(`${c.name}: redis-server is not installed`)
      contenders = contenders.filter((c) => c.needsRedis !== true)
      log('sessions: SKIPPED the RedisStorage contender: redis-server is not installed (apt-get install redis-server)')
    }
  }
  const http = await benchSessionsHttp(plan, contenders, log)
  log('sessions: in process, encode and decode')
  const perOp = await benchSessionOps(quick)
  return {
    date,
    method: { ...plan, loader: LOADER, pinned: CAN_PIN, quick, ...(redis === undefined ? {} : { redis }), ...(skipped.length === 0 ? {} : { skipped }) },
    http,
    perOp,
  }
}
