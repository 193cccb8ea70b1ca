// The fuzz target's logger: counts what routechain logs instead of printing it, keeping the first few
// unexpected error lines so a report can show them.
import type { Logger } from '../../src/index.js'

/** The thrown error of the route that fails on purpose; its log lines and 500s are expected. */
export class DeliberateError extends Error {
  constructor() {
    super('deliberate failure of the fuzz target')
    this.name = 'DeliberateError'
  }
}

/** What a {@link CountingLogger} has seen so far. */
export interface LogCounts {
  /** Every `error()` call. */
  errors: number
  /** `error()` calls about a {@link DeliberateError}. */
  deliberateErrors: number
  warnings: number
  debugLines: number
  /** The first few `error()` lines that were not about a DeliberateError, as text. */
  errorSamples: string[]
}

const MAX_SAMPLES = 10
const MAX_SAMPLE_LENGTH = 600

function describe(arg: unknown): string {
  if (arg instanceof Error) {
    const cause = arg.cause instanceof Error ? ` (cause: ${arg.cause.name}: ${arg.cause.message})` : ''
    return `${arg.name}: ${arg.message}${cause}`
  }
  return String(arg)
}

/** A logger that counts lines by level; errors about anything but a DeliberateError are sampled. */
export class CountingLogger implements Logger {
  readonly counts: LogCounts = { errors: 0, deliberateErrors: 0, warnings: 0, debugLines: 0, errorSamples: [] }

  /** Counts an error line, and keeps its text when it is not about the deliberate failure. */
  error(...args: unknown[]): void {
    this.counts.errors++
    if (args.some((arg) => arg instanceof DeliberateError)) {
      this.counts.deliberateErrors++
      return
    }
    if (this.counts.errorSamples.length < MAX_SAMPLES) {
      this.counts.errorSamples.push(args.map(describe).join(' ').slice(0, MAX_SAMPLE_LENGTH))
    }
  }

  /** Counts a warning. */
  warn(): void {
    this.counts.warnings++
  }

  /** Ignored: routechain writes route tables and traces here, and the target turns neither on. */
  info(): void {}

  /** Counts a debug line (a session cookie that did not load logs one). */
  debug(): void {
    this.counts.debugLines++
  }
}
