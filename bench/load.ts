import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
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
  /** Headers that change with every request, taken in turn (wrapping round); `headers` is then ignored. */
  readonly perRequest?: readonly Record<string, string>[] | undefined
  /** A body every request sends, with `method` (POST by default); requests are GET without one. */
  readonly body?: { readonly method?: string; readonly text: string } | undefined
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

const scripts = new WeakMap<readonly Record<string, string>[], string>()
const bodyScripts = new Map<string, string>()

/** A wrk Lua script that sends one method and body with every request (wrk's -H headers still apply). */
function wrkBodyScript(method: string, body: string): string {
  const key = `${method} ${body}`
  const known = bodyScripts.get(key)
  if (known !== undefined) return known
  const dir = mkdtempSync(join(tmpdir(), 'routechain-bench-'))
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
  const script = join(dir, 'body.lua')
  // JSON string syntax is a subset of Lua's for what the bench sends: quotes, backslashes and \n escapes
  writeFileSync(script, `wrk.method = ${JSON.stringify(method)}\nwrk.body = ${JSON.stringify(body)}\n`)
  bodyScripts.set(key, script)
  return script
}

/**
 * A wrk Lua script that sends the header sets in turn, one per request: the requests are formatted once in
 * init() from a data file (one request a line, tab-separated names and values), both in a temporary folder.
 */
function wrkScript(perRequest: readonly Record<string, string>[]): string {
  const known = scripts.get(perRequest)
  if (known !== undefined) return known
  const dir = mkdtempSync(join(tmpdir(), 'routechain-bench-'))
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
  const lines = perRequest.map((headers) => Object.entries(headers).flat().map((field) => {
    if (field === '' || /[\t\r\n]/.test(field)) throw new Error(`header field ${JSON.stringify(field)} cannot go in the wrk data file`)
    return field
  }).join('\t'))
  writeFileSync(join(dir, 'requests.tsv'), lines.join('\n') + '\n')
  const script = join(dir, 'requests.lua')
  writeFileSync(script, [
    `local file = ${JSON.stringify(join(dir, 'requests.tsv'))}`,
    'local requests = {}',
    'function init(args)',
    '  for line in io.lines(file) do',
    '    local headers, name = {}, nil',
    '    for field in line:gmatch("[^\\t]+") do',
    '      if name == nil then name = field else headers[name] = field; name = nil end',
    '    end',
    '    requests[#requests + 1] = wrk.format(nil, nil, headers)',
    '  end',
    'end',
    'local i = 0',
    'function request()',
    '  i = i % #requests + 1',
    '  return requests[i]',
    'end',
    '',
  ].join('\n'))
  scripts.set(perRequest, script)
  return script
}

/** A wrk run whose only errors are requests in flight that timed out: what a pause of the whole machine looks like. */
class TimeoutsOnly extends Error {
  constructor(out: string) {
    super(`wrk saw requests time out, and no other error:\n${out}`)
  }
}

function runWrk(options: LoadOptions): LoadResult {
  const args = ['-t1', `-c${options.connections}`, `-d${options.seconds}s`, '--latency']
  if (options.perRequest !== undefined && options.body !== undefined) throw new Error('a load run takes per-request headers or a body, not both')
  if (options.perRequest !== undefined) args.push('-s', wrkScript(options.perRequest))
  else for (const [name, value] of Object.entries(options.headers)) args.push('-H', `${name}: ${value}`)
  if (options.body !== undefined) args.push('-s', wrkBodyScript(options.body.method ?? 'POST', options.body.text))
  args.push(options.url)
  const [command, argv] = CAN_PIN && options.cpu !== undefined ? ['taskset', ['-c', String(options.cpu), 'wrk', ...args]] : ['wrk', args]
  const out = execFileSync(command as string, argv as string[], { encoding: 'utf8', timeout: (options.seconds + 30) * 1000 })
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1])
  const latency = (p: string): number => {
    const m = new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s)`).exec(out)
    return m ? toMs(m[1] as string, m[2] as string) : Number.NaN
  }
  if (/Socket errors: connect 0, read 0, write 0, timeout \d+/.test(out) && !/Non-2xx or 3xx responses/.test(out)) throw new TimeoutsOnly(out)
  if (/Non-2xx or 3xx responses/.test(out) || /Socket errors/.test(out)) throw new Error(`wrk saw errors:\n${out}`)
  const requests = Number(/(\d+) requests in/.exec(out)?.[1])
  return { rps, requests, p50ms: latency('50'), p99ms: latency('99') }
}

async function runAutocannon(options: LoadOptions): Promise<LoadResult> {
  const { perRequest } = options
  let next = 0
  const requests = perRequest === undefined ? undefined : [{
    setupRequest: (req: autocannon.Request) => ({ ...req, headers: { ...perRequest[next++ % perRequest.length] } }),
  }]
  const body = options.body === undefined ? {} : { method: (options.body.method ?? 'POST') as 'POST', body: options.body.text }
  const result = await autocannon({
    url: options.url, headers: options.headers, connections: options.connections, duration: options.seconds, ...body, ...(requests === undefined ? {} : { requests }),
  })
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`autocannon saw ${result.non2xx} non-2xx answers and ${result.errors} errors`)
  return { rps: result.requests.average, requests: result.requests.total, p50ms: result.latency.p50, p99ms: result.latency.p99 }
}

/** Runs one bounded load run on loopback. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(options.url)) throw new Error(`load goes to loopback only, not ${options.url}`)
  if (LOADER !== 'wrk') return runAutocannon(options)
  try {
    return runWrk(options)
  } catch (error) {
    // a shared VM sometimes stops for seconds, and every request in flight then times out: run it once more
    if (!(error instanceof TimeoutsOnly)) throw error
    console.warn(`[bench] ${options.url}: only timeouts in one run (the machine paused?); running it again`)
    return runWrk(options)
  }
}
