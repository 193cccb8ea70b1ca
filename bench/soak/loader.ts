// Picks the load generator: wrk when installed (bench/load.ts decides), autocannon otherwise or when asked for.
import { LOADER } from '../load.js'
import { runAutocannon } from './autocannon.js'
import type { LoadOutcome, SoakLoad } from './outcome.js'
import { runWrk } from './wrk.js'

/** A load generator's name. */
export type Loader = 'wrk' | 'autocannon'

/** The load generator this machine has, as bench/load.ts picks it. */
export const DEFAULT_LOADER: Loader = LOADER

/** Runs one bounded load run with `loader`. */
export function runLoad(load: SoakLoad, loader: Loader): Promise<LoadOutcome> {
  return loader === 'wrk' ? runWrk(load) : runAutocannon(load)
}
