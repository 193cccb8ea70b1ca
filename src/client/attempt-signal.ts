// The abort signal one attempt is sent with, in place of AbortSignal.any([req.signal, AbortSignal.timeout(ms)]):
// on Node 20 that keeps a dependent signal on a long-lived request signal for every request made with it, and
// a timer running past the response.

/**
 * The abort signal of one attempt through the transport, shared by its redirect hops. `signal` aborts when
 * `timeout` ms have passed (if given), or when the request's own signal aborts, with its reason. `release()`
 * clears the timer and stops listening to the request's signal: call it once the response's body has been
 * read, has failed or has been dropped, or the attempt has failed. The timer does not keep the process alive.
 *
 * However many attempts share one request signal, it gets one listener: a long-lived signal passed to many
 * concurrent requests neither grows nor trips Node's MaxListenersExceededWarning.
 *
 * @example
 * const attempt = new AttemptSignal(5000, req.signal)
 * try {
 *   const data = await dispatcher.request({ ...options, signal: attempt.signal })
 *   finished(data.body, () => attempt.release())
 * } catch (error) {
 *   attempt.release()
 *   throw attempt.timedOut ? new RequestTimeoutError(req, 5000, error) : error
 * }
 */
export class AttemptSignal {
  // the attempts listening to each request signal, behind the one listener that signal has
  static readonly #listening = new WeakMap<AbortSignal, Set<AttemptSignal>>()

  static #onAbort(event: Event): void {
    const parent = event.target as AbortSignal
    const attempts = AttemptSignal.#listening.get(parent)
    AttemptSignal.#listening.delete(parent)
    if (attempts !== undefined) for (const attempt of attempts) attempt.#stop(parent.reason)
  }

  readonly #controller = new AbortController()
  readonly #parent: AbortSignal | undefined
  readonly #timer: NodeJS.Timeout | undefined
  #timedOut = false

  constructor(timeout: number | undefined, parent: AbortSignal | undefined) {
    this.#parent = parent
    this.#timer = timeout === undefined ? undefined : setTimeout(() => {
      this.#timedOut = true
      this.#stop(new DOMException(`no complete response within ${timeout} ms`, 'TimeoutError'))
    }, timeout).unref()
    if (parent === undefined) return
    if (parent.aborted) {
      this.#stop(parent.reason)
      return
    }
    let attempts = AttemptSignal.#listening.get(parent)
    if (attempts === undefined) {
      attempts = new Set()
      AttemptSignal.#listening.set(parent, attempts)
      parent.addEventListener('abort', AttemptSignal.#onAbort, { once: true })
    }
    attempts.add(this)
  }

  /** The signal to send with: aborts at the deadline, or with the request's own signal. */
  get signal(): AbortSignal {
    return this.#controller.signal
  }

  /** Whether it was the deadline, rather than the request's signal, that aborted. */
  get timedOut(): boolean {
    return this.#timedOut
  }

  /** Stops the timer and stops listening to the request's signal; calling it again does nothing. */
  release(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    const parent = this.#parent
    if (parent === undefined) return
    const attempts = AttemptSignal.#listening.get(parent)
    if (attempts?.delete(this) === true && attempts.size === 0) {
      AttemptSignal.#listening.delete(parent)
      parent.removeEventListener('abort', AttemptSignal.#onAbort)
    }
  }

  #stop(reason: unknown): void {
    this.release()
    this.#controller.abort(reason)
  }
}
