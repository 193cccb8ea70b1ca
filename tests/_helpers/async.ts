/** Settles after the current turn of the event loop, so a step is really asynchronous (no timer, no duration). */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
