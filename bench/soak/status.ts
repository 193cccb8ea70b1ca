// The driver's view of the server's memory: point samples from its status route, and RSS read from /proc meanwhile.
import { request } from 'undici'
import { rssMiB } from '../http.js'
import { STATUS_PATH, type ServerStatus } from './spec.js'

/** One named point sample of the server. */
export interface MemorySample extends ServerStatus {
  readonly at: string
}

/** Asks the server for its memory and connection counts (after a full collection when `gc`). */
export async function sampleServer(port: number, at: string, gc = false): Promise<MemorySample> {
  const res = await request(`http://127.0.0.1:${port}${STATUS_PATH}${gc ? '?gc=1' : ''}`, { reset: true })
  if (res.statusCode !== 200) throw new Error(`status route answered ${res.statusCode}: ${await res.body.text()}`)
  return { at, ...(await res.body.json() as ServerStatus) }
}

/**
 * Waits (up to `ms`) until the server holds no load connection; returns the last sample, its `peakOpen` the
 * highest since the sample before this wait (each answer resets the server's peak).
 */
export async function drained(port: number, at: string, ms = 5000): Promise<MemorySample> {
  const until = Date.now() + ms
  let peakOpen = 0
  for (;;) {
    const sample = await sampleServer(port, at)
    peakOpen = Math.max(peakOpen, sample.peakOpen)
    if (sample.open === 0 || Date.now() >= until) return { ...sample, peakOpen }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** A running RSS watch: stop() ends it and gives the highest RSS seen, in MiB. */
export interface RssWatch {
  stop(): number
}

/** Reads the server's RSS from /proc every `ms` while a phase runs: nothing goes through the server. */
export function watchRss(pid: number | undefined, ms = 500): RssWatch {
  let peak = rssMiB(pid)
  const timer = setInterval(() => { peak = Math.max(peak, rssMiB(pid)) }, ms)
  return {
    stop() {
      clearInterval(timer)
      return Math.max(peak, rssMiB(pid))
    },
  }
}
