/**
 * A bounded map from exact cookie values to what verifying them gave, oldest dropped first. A hit skips the
 * decryption; the caller still checks expiry, which lives in the payload.
 */
export class ValueCache {
  readonly #max: number
  readonly #entries = new Map<string, string>()

  constructor(max: number) {
    this.#max = max
  }

  get(value: string): string | undefined {
    return this.#max === 0 ? undefined : this.#entries.get(value)
  }

  set(value: string, plaintext: string): void {
    if (this.#max === 0) return
    if (this.#entries.size >= this.#max) {
      const oldest = this.#entries.keys().next().value
      if (oldest !== undefined) this.#entries.delete(oldest)
    }
    this.#entries.set(value, plaintext)
  }
}
