import { execFileSync, spawnSync } from 'node:child_process'
import autocannon from 'autocannon'

/** One timed load run: throughput and latency percentiles. */
export interface LoadResult {
  readonly rps: number
  /** Requests completed in the run. */
  readonly requests: number
  readonly p50ms: number
  readonly p99ms: number
}

/** Options for one load run. */
export interface LoadOptions {
  readonly url: string
  readonly headers: Record<string, string>
  readonly seconds: number
  readonly connections: number
  /** The CPU the load generator is pinned to, when `taskset` exists. */
  readonly cpu: number | undefined
}

function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0
}

/** Which load generator runs: wrk when installed (C, one thread, light on its core), else autocannon. */
export const LOADER: 'wrk' | 'autocannon' = has('wrk') ? 'wrk' : 'autocannon'
/** Whether processes can be pinned to cores. */
export const CAN_PIN = has('taskset')

function toMs(value: string, unit: string): number {
  const n = Number(value)
  return unit === 'us' ? n / 1000 : unit === 's' ? n * 1000 : n
}

function runWrk(options: LoadOptions): LoadResult {
  const args = ['-t1', `-c${options.connections}`, `-d${options.seconds}s`, '--latency']
  for (const [name, value] of Object.entries(options.headers)) args.push('-H', `${name}: ${value}`)
  args.push(options.url)
  const [command, argv] = CAN_PIN && options.cpu !== undefined ? ['taskset', ['-c', String(options.cpu), 'wrk', ...args]] : ['wrk', args]
  const out = execFileSync(command as string, argv as string[], { encoding: 'utf8', timeout: (options.seconds + 30) * 1000 })
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1])
  const latency = (p: string): number => {
    const m = new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s)`).exec(out)
    return m ? toMs(m[1] as string, m[2] as string) : Number.NaN
  }
  if (/Non-2xx or 3xx responses/.test(out) || /Socket errors/.test(out)) throw new Error(`wrk saw errors:\n${out}`)
  const requests = Number(/(\d+) requests in/.exec(out)?.[1])
  return { rps, requests, p50ms: latency('50'), p99ms: latency('99') }
}

async function runAutocannon(options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({ url: options.url, headers: options.headers, connections: options.connections, duration: options.seconds })
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`autocannon saw ${result.non2xx} non-2xx answers and ${result.errors} errors`)
  return { rps: result.requests.average, requests: result.requests.total, p50ms: result.latency.p50, p99ms: result.latency.p99 }
}

/** Runs one bounded load run on loopback. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(options.url)) throw new Error(`load goes to loopback only, not ${options.url}`)
  return LOADER === 'wrk' ? runWrk(options) : runAutocannon(options)
}
