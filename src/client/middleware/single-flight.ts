/**
 * A function whose calls share one run while it is under way; see {@link singleFlight}.
 *
 * @example
 * if (refreshing.current !== undefined) await refreshing.current // join a refresh under way, start none
 */
export interface SingleFlight<T> {
  /** Joins the run under way, or starts one. */
  (): Promise<T>
  /** The run under way, if any. */
  readonly current: Promise<T> | undefined
}

/**
 * Wraps `fn` so that calls made while one run is under way share that run's promise instead of starting
 * another. The shared promise is forgotten as it settles (fulfilled or rejected), so the next call after that
 * starts a new run; a rejection reaches every caller that joined it. A synchronous throw becomes a rejection.
 *
 * @example
 * const refreshOnce = singleFlight(() => auth.refresh())
 * await Promise.all([refreshOnce(), refreshOnce()]) // auth.refresh() ran once
 */
export function singleFlight<T>(fn: () => T | PromiseLike<T>): SingleFlight<T> {
  let current: Promise<T> | undefined
  const run = (): Promise<T> => {
    if (current === undefined) {
      // cleared before any caller resumes: `finally` runs ahead of those awaiting the promise it returns
      current = (async () => fn())().finally(() => { current = undefined })
    }
    return current
  }
  return Object.defineProperty(run, 'current', { get: () => current, enumerable: true }) as SingleFlight<T>
}
