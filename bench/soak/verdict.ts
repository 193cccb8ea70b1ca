// The pass/fail checks of a soak run and the memory bound they apply.
import { errorCount, type LoadOutcome } from './outcome.js'
import type { MemorySample } from './status.js'
import { WRITE_EVERY } from './spec.js'

/** One check: what was measured against what it must be. */
export interface Check {
  readonly name: string
  readonly measured: string
  readonly bound: string
  readonly ok: boolean
}

/** A load phase as the checks see it. */
export interface PhaseFigures {
  readonly outcome: LoadOutcome
  readonly connections: number
  /** Load connections the server accepted during the phase. */
  readonly accepted: number
  /** The most load connections the server held at once during the phase. */
  readonly peakOpen: number
  /** Load connections still open a moment after the phase ended. */
  readonly openAfter: number
  /** Load connections whose socket saw an error on the server during the phase (and as it ended). */
  readonly serverSocketErrors: number
}

/**
 * The RSS bound: RSS after the final forced collection at most 1.5 × RSS after warm-up (also after a forced
 * collection) + 30 MiB. Neither V8 nor malloc hands freed memory back to the system at once, so RSS after a
 * collection keeps high-water marks that are paid once, not per request: the connections phase's sockets, HTTP
 * parsers and buffers (measured: ~+20 MiB at 1,000 connections, hence the 30 MiB), and the heap V8 sized itself
 * to under load (heap total ~40-50 MiB after GC in a ~100 MiB process: the 1.5 ×, as V8's sizing varies run to
 * run). What the bound leaves no room for is growth with the number of requests: over a full run's ~1,250,000
 * requests, about 60 bytes kept per request would fail it (the report gives each run's own figure). RSS is the coarse check; the heap bound below is the fine one.
 */
export const RSS_FACTOR = 1.5
/** The fixed part of the RSS bound, in MiB (see {@link RSS_FACTOR}). */
export const RSS_SLACK_MIB = 30
/**
 * The heap bound: live heap (heap used after two forced full collections) at the end at most 16 MiB above live
 * heap after warm-up. Live data does not keep high-water marks, and the app's only growing state, the storage's
 * cache of verified cookies, is full (1,000 values, ~1 MiB) by the end of the warm-up; measured growth is under
 * 1 MiB. 16 MiB over 1,000,000 requests fails a leak of ~17 bytes a request.
 */
export const HEAP_SLACK_MIB = 16

const MiB = 2 ** 20
const mib = (bytes: number): string => `${(bytes / MiB).toFixed(1)} MiB`
const n0 = (n: number): string => Math.round(n).toLocaleString('en-US')

/**
 * The server's socket errors in a phase: a closed-loop load generator has a request in flight on nearly every
 * connection when it quits, so nearly every connection resets (ECONNRESET) as it goes. Each connection is counted
 * once, so more errors than connections means connections broke and were made again during the phase.
 */
function serverSocketCheck(name: string, p: PhaseFigures): Check {
  return {
    name: `${name}: server socket errors (resets as the load generator quits)`, measured: n0(p.serverSocketErrors),
    bound: `≤ ${n0(p.connections)} (one per connection)`, ok: p.serverSocketErrors <= p.connections,
  }
}

function errorsCheck(name: string, o: LoadOutcome): Check {
  const e = o.errors
  const total = errorCount(e)
  return {
    name: `${name}: errors`, bound: '0', ok: total === 0,
    measured: total === 0 ? '0' : `${total} (socket ${e.socket}: ${e.socketDetail}; timeout ${e.timeout}; non-2xx ${e.non2xx}; wrong answer ${e.wrongAnswer})`,
  }
}

/** Every check of a run; the run passes when all are ok. */
export function checkRun(warmup: PhaseFigures, connections: PhaseFigures, soak: PhaseFigures, requested: number, warm: MemorySample, end: MemorySample): Check[] {
  const expectedSaves = soak.outcome.requests / WRITE_EVERY
  const rssBound = RSS_FACTOR * warm.rssBytes + RSS_SLACK_MIB * MiB
  const heapBound = warm.heapUsedBytes + HEAP_SLACK_MIB * MiB
  return [
    errorsCheck('warm-up', warmup.outcome),
    errorsCheck('connections', connections.outcome),
    { name: 'connections: held at once by the server', measured: n0(connections.peakOpen), bound: `≥ ${n0(connections.connections)}`, ok: connections.peakOpen >= connections.connections },
    { name: 'connections: accepted (none dropped and made again)', measured: n0(connections.accepted), bound: `= ${n0(connections.connections)}`, ok: connections.accepted === connections.connections },
    { name: 'connections: still open after the phase', measured: n0(connections.openAfter), bound: '0', ok: connections.openAfter === 0 },
    serverSocketCheck('connections', connections),
    errorsCheck('soak', soak.outcome),
    { name: 'soak: requests answered', measured: `${n0(soak.outcome.requests)}${soak.outcome.reachedTarget ? '' : ` (stopped at the ${n0(soak.outcome.seconds)} s bound)`}`, bound: `≥ ${n0(requested)}`, ok: soak.outcome.reachedTarget && soak.outcome.requests >= requested },
    {
      name: `soak: sessions saved (1 request in ${WRITE_EVERY})`, measured: n0(soak.outcome.saves), bound: `${n0(expectedSaves)} ± 1 %`,
      ok: Math.abs(soak.outcome.saves - expectedSaves) <= Math.max(expectedSaves * 0.01, soak.connections),
    },
    { name: 'soak: still open after the phase', measured: n0(soak.openAfter), bound: '0', ok: soak.openAfter === 0 },
    serverSocketCheck('soak', soak),
    {
      name: 'memory: RSS after the final GC', measured: `${mib(end.rssBytes)} (${(end.rssBytes / warm.rssBytes).toFixed(2)} × warm-up)`,
      bound: `≤ ${RSS_FACTOR} × ${mib(warm.rssBytes)} + ${RSS_SLACK_MIB} MiB = ${mib(rssBound)}`, ok: end.rssBytes <= rssBound,
    },
    {
      name: 'memory: heap used after the final GC', measured: `${mib(end.heapUsedBytes)} (${end.heapUsedBytes >= warm.heapUsedBytes ? '+' : ''}${mib(end.heapUsedBytes - warm.heapUsedBytes)})`,
      bound: `≤ ${mib(warm.heapUsedBytes)} + ${HEAP_SLACK_MIB} MiB = ${mib(heapBound)}`, ok: end.heapUsedBytes <= heapBound,
    },
  ]
}
