import { configError } from '../errors.js'

/** Where routechain writes its logs: `console` by default; pino, winston and the like fit as they are. */
export interface Logger {
  /** Errors: a step threw, a chain answered nothing, a stream broke. */
  error(...args: unknown[]): void
  /** Warnings: something works but is likely a mistake. */
  warn(...args: unknown[]): void
  /** Information: route tables, traces. */
  info(...args: unknown[]): void
  /** Detail for debugging. */
  debug(...args: unknown[]): void
}

const LEVELS = ['error', 'warn', 'info', 'debug'] as const

/**
 * The logger an app has unless given one: `console` without its debug lines (a tampered cookie, an expired
 * session), which only a logger given on purpose, `logger: console` included, receives.
 */
export const defaultLogger: Logger = {
  error: (...args) => console.error(...args),
  warn: (...args) => console.warn(...args),
  info: (...args) => console.info(...args),
  debug: () => {},
}

/**
 * Checks a logger at start-up and wraps it so that a logger which throws can never take a request, or the
 * process, down with it.
 */
export function guardLogger(logger: Logger): Logger {
  if (logger === null || typeof logger !== 'object') configError('the logger option takes an object with error, warn, info and debug methods (console, pino, winston…)')
  for (const level of LEVELS) {
    if (typeof logger[level] !== 'function') configError(`the logger has no ${level}() method: give an object with error, warn, info and debug methods`)
  }
  const guarded = {} as Logger
  for (const level of LEVELS) {
    guarded[level] = (...args: unknown[]) => {
      try {
        logger[level](...args)
      } catch {
        // nowhere left to report it: the logger itself is what failed
      }
    }
  }
  return guarded
}
