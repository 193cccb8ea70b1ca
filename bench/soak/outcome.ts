// What a load run is asked to do and what it reports, whichever load generator runs it.
import type { MixRequest } from './mix.js'

/** One bounded load run against the soak server on loopback. */
export interface SoakLoad {
  readonly port: number
  /** The requests, sent in turn (wrapping round). */
  readonly mix: readonly MixRequest[]
  readonly connections: number
  /** Load generator threads (wrk); autocannon runs in this process's one. */
  readonly threads: number
  /** Stop once this many responses came back; unset: run for `seconds`. */
  readonly stopAfter?: number | undefined
  /** How long the run lasts, or with `stopAfter` the most it may last. */
  readonly seconds: number
  /**
   * Open every connection first and hold each one's first request this long (wrk only). Node accepts one connection
   * per event-loop turn, so connections that arrive while the server is already saturated wait seconds to be accepted.
   */
  readonly startGateMs?: number | undefined
  /** The CPU the load generator is pinned to, when `taskset` exists. */
  readonly cpu: number | undefined
}

/** Everything that went wrong in a run, from the client's side; all must be 0. */
export interface LoadErrors {
  /** Connections that failed, broke or were closed under the client (wrk: connect + read + write). */
  readonly socket: number
  /** How the socket errors split, as the load generator reports them. */
  readonly socketDetail: string
  /** Requests without an answer in time. */
  readonly timeout: number
  /** Answers with a status other than 2xx. */
  readonly non2xx: number
  /** 200 answers with the wrong body, or a Set-Cookie where the session did not change (or none where it did). */
  readonly wrongAnswer: number
}

/** What one run measured. */
export interface LoadOutcome {
  readonly loader: 'wrk' | 'autocannon'
  /** Responses received. */
  readonly requests: number
  readonly seconds: number
  readonly rps: number
  readonly p50ms: number
  readonly p99ms: number
  readonly errors: LoadErrors
  /** Answers to session-changing requests that came back with the new cookie. */
  readonly saves: number
  /** False when `stopAfter` was set and the time bound came first. */
  readonly reachedTarget: boolean
}

/** The sum of every error count. */
export function errorCount(errors: LoadErrors): number {
  return errors.socket + errors.timeout + errors.non2xx + errors.wrongAnswer
}
