/** Settles after the current turn of the event loop, so a step is really asynchronous (no timer, no duration). */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** A promise and the function that resolves it, for a test to settle when it chooses (Node 20 has no Promise.withResolvers). */
export function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void
  const promise = new Promise<void>((r) => { resolve = r })
  return { promise, resolve }
}

/** Rejects with a clear message when `promise` has not settled within `ms`: no test waits unbounded. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)
    promise.then(
      (value) => { clearTimeout(timer); resolve(value) },
      (error: unknown) => { clearTimeout(timer); reject(error instanceof Error ? error : new Error(String(error))) },
    )
  })
}
