// The messages the fuzz target's process and the fuzzer exchange over the IPC channel of child_process.fork.
import type { TargetCounters } from './app.js'
import type { LogCounts } from './log-counter.js'

/** The target's process listens: the fuzzer may connect to `port` on 127.0.0.1. */
export interface ReadyMessage {
  readonly type: 'ready'
  readonly port: number
}

/** The fuzzer asks for the target's figures; `id` pairs the answer with the question. */
export interface StatsRequest {
  readonly type: 'stats'
  readonly id: number
}

/** The target's figures at the moment it was asked. */
export interface TargetStats {
  /** Resident set size of the target's process, in bytes. */
  readonly rss: number
  readonly heapUsed: number
  readonly log: LogCounts
  readonly counters: TargetCounters
}

/** The answer to a {@link StatsRequest}. */
export interface StatsMessage {
  readonly type: 'stats'
  readonly id: number
  readonly stats: TargetStats
}

/** Anything the target's process sends. */
export type FromTarget = ReadyMessage | StatsMessage

/** Anything the fuzzer sends. */
export type ToTarget = StatsRequest

/** The environment variable that carries the session key to the target (the same key across restarts). */
export const KEY_VARIABLE = 'FUZZ_SESSION_KEY'
