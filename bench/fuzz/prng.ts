// A small seeded pseudo-random generator, so that a fuzz run can be replayed exactly from its seed.
//
// Each request gets its own generator, derived from the run's seed and the request's index: request #i is
// the same bytes in every run with that seed, however the concurrent sends happen to interleave.

/** Mixes a 32-bit integer into a well-spread 32-bit integer (the finaliser of MurmurHash3). */
function mix32(value: number): number {
  let z = value >>> 0
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
  return (z ^ (z >>> 16)) >>> 0
}

/** Turns any seed text (a number or a word) into a 32-bit seed: FNV-1a over its UTF-16 units, then mixed. */
export function hashSeed(seed: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < seed.length; i++) hash = Math.imul(hash ^ seed.charCodeAt(i), 0x01000193)
  return mix32(hash)
}

/**
 * A seeded generator: a Weyl sequence (adding the golden-ratio constant) passed through {@link mix32}.
 * Not for cryptography; fast and good enough to pick fuzz cases.
 */
export class Prng {
  #state: number

  /** A generator for `seed`, a 32-bit integer (see {@link hashSeed} and {@link Prng.forRequest}). */
  constructor(seed: number) {
    this.#state = seed >>> 0
  }

  /** The generator for request number `index` of a run seeded with `runSeed`. */
  static forRequest(runSeed: number, index: number): Prng {
    return new Prng(mix32(runSeed ^ mix32(index + 0x5bd1e995)))
  }

  /** The next 32-bit unsigned integer. */
  uint32(): number {
    this.#state = (this.#state + 0x9e3779b9) >>> 0
    return mix32(this.#state)
  }

  /** A float in [0, 1). */
  float(): number {
    return this.uint32() / 0x1_0000_0000
  }

  /** An integer in [0, max); 0 when max ≤ 0. */
  int(max: number): number {
    return max <= 0 ? 0 : Math.floor(this.float() * max)
  }

  /** An integer in [min, max], both ends included. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1)
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.float() < p
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick() from an empty list')
    return items[this.int(items.length)] as T
  }

  /** One value from `[weight, value]` pairs, chosen in proportion to the weights. */
  weighted<T>(choices: readonly (readonly [number, T])[]): T {
    let total = 0
    for (const [weight] of choices) total += weight
    let roll = this.float() * total
    for (const [weight, value] of choices) {
      roll -= weight
      if (roll < 0) return value
    }
    const last = choices[choices.length - 1]
    if (last === undefined) throw new Error('weighted() with no choices')
    return last[1]
  }

  /** A length that is usually small and sometimes large: log-uniform in [0, max]. */
  length(max: number): number {
    return Math.min(max, Math.floor(Math.exp(this.float() * Math.log(max + 1))))
  }

  /** A string of `count` characters drawn from `alphabet`. */
  string(alphabet: string, count: number): string {
    let out = ''
    for (let i = 0; i < count; i++) out += alphabet[this.int(alphabet.length)]
    return out
  }

  /** `count` random bytes. */
  bytes(count: number): Buffer {
    const out = Buffer.allocUnsafe(count)
    for (let i = 0; i < count; i++) out[i] = this.uint32() & 0xff
    return out
  }
}
