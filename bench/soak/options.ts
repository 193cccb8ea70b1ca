// The command line of `npm run load`: flags, their defaults, and the quick run's.
import { DISTINCT_COOKIES } from '../sessions/spec.js'
import { DEFAULT_LOADER, type Loader } from './loader.js'

/** What one run does. */
export interface SoakPlan {
  readonly quick: boolean
  /** Write bench/results/load.md and load.json. */
  readonly write: boolean
  readonly loader: Loader
  /** Phase 1: concurrent keep-alive connections, for `connectionSeconds`. */
  readonly connections: number
  readonly connectionSeconds: number
  readonly connectionThreads: number
  /**
   * Phase 1 opens every connection first and holds their first requests this long (wrk): Node accepts one
   * connection per event-loop turn, so connections that arrive at an already saturated server wait seconds.
   */
  readonly connectGateMs: number
  /** Phase 2: at least this many requests, over `soakConnections`, within `maxSeconds`. */
  readonly requests: number
  readonly maxSeconds: number
  readonly soakConnections: number
  /** Load before the first sample, so the JIT, the caches and the heap have settled. */
  readonly warmupSeconds: number
  /** Distinct session cookies sent in turn: more than the storage's cache of 1,000 verified values. */
  readonly distinctCookies: number
}

const FULL = { connections: 1000, connectionSeconds: 20, requests: 1_000_000, maxSeconds: 600, warmupSeconds: 5 }
const QUICK = { connections: 100, connectionSeconds: 3, requests: 50_000, maxSeconds: 60, warmupSeconds: 1 }
const NUMERIC = ['connections', 'seconds', 'requests', 'max-seconds'] as const
// the soak's (and the warm-up's) connections, as the HTTP benchmarks use
const SOAK_CONNECTIONS = 64

/** The usage line printed with a bad flag. */
export const USAGE = 'npm run load -- [--quick] [--write] [--requests N] [--connections N] [--seconds S] [--max-seconds S] [--loader wrk|autocannon]'

/** Reads the flags; explicit numbers win over the quick run's. Throws on an unknown flag or a bad value. */
export function parseOptions(argv: readonly string[]): SoakPlan {
  const flags = new Set<string>()
  const values = new Map<string, string>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}; usage: ${USAGE}`)
    const equals = arg.indexOf('=')
    const [name, inline] = equals === -1 ? [arg.slice(2), undefined] : [arg.slice(2, equals), arg.slice(equals + 1)]
    if (name === 'quick' || name === 'write') flags.add(name)
    else if ((NUMERIC as readonly string[]).includes(name) || name === 'loader') {
      const value = inline ?? argv[++i]
      if (value === undefined) throw new Error(`--${name} needs a value; usage: ${USAGE}`)
      values.set(name, value)
    } else throw new Error(`unknown flag ${arg}; usage: ${USAGE}`)
  }
  const quick = flags.has('quick')
  const base = quick ? QUICK : FULL
  const number = (name: (typeof NUMERIC)[number], fallback: number): number => {
    const raw = values.get(name)
    if (raw === undefined) return fallback
    const n = Number(raw.replace(/_/g, ''))
    if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`--${name} takes a whole number above 0, got ${raw}`)
    return n
  }
  const loader = values.get('loader') ?? DEFAULT_LOADER
  if (loader !== 'wrk' && loader !== 'autocannon') throw new Error(`--loader takes wrk or autocannon, got ${loader}`)
  const connections = number('connections', base.connections)
  const requests = number('requests', base.requests)
  if (requests < SOAK_CONNECTIONS) throw new Error(`--requests must be at least ${SOAK_CONNECTIONS}, one per soak connection`)
  return {
    quick,
    write: flags.has('write'),
    loader,
    connections,
    connectionSeconds: number('seconds', base.connectionSeconds),
    // wrk's two threads share the load generator's core: one connection each at least
    connectionThreads: Math.min(2, connections),
    connectGateMs: 2000,
    requests,
    maxSeconds: number('max-seconds', base.maxSeconds),
    soakConnections: SOAK_CONNECTIONS,
    warmupSeconds: base.warmupSeconds,
    distinctCookies: DISTINCT_COOKIES,
  }
}
