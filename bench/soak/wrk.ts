// Drives wrk with a Lua script that sends the mix in turn, checks every answer, can stop at a response count,
// and prints its own figures as one JSON line (no parsing of wrk's text summary).
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CAN_PIN } from '../load.js'
import type { MixRequest } from './mix.js'
import type { LoadOutcome, SoakLoad } from './outcome.js'

const DONE = 'soak-done'
const RESULT = 'soak-result '

// Globals in each thread's Lua state are what done() reads back with thread:get(). A thread that reaches its
// share of the target prints DONE and stops; wrk itself still sleeps out -d, so the driver then sends SIGINT.
// With a start gate, delay() holds every connection's first request until the gate opens (LuaJIT's ffi reads the
// monotonic clock); without one, init() removes delay() so wrk schedules no timer per request.
const SCRIPT = `
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } soak_timespec;
int clock_gettime(int clock_id, soak_timespec *tp);
]]
local clock = ffi.new("soak_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, clock)
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

local threads = {}
local requests, next_request, target, gate_at = {}, 0, 0, 0
responses, non2xx, wrong, saves = 0, 0, 0, 0

function setup(thread)
  threads[#threads + 1] = thread
end

function delay()
  local wait = gate_at - now_ms()
  if wait > 0 then return math.ceil(wait) end
  return 0
end

function init(args)
  target = tonumber(args[2])
  local gate = tonumber(args[3])
  if gate > 0 then gate_at = now_ms() + gate else delay = nil end
  for line in io.lines(args[1]) do
    local method, path, cookie = line:match("^(%u+)\\t([^\\t]+)\\t(.+)$")
    local body = nil
    if method ~= "GET" then body = "" end
    requests[#requests + 1] = wrk.format(method, path, { Cookie = cookie }, body)
  end
end

function request()
  next_request = next_request % #requests + 1
  return requests[next_request]
end

function response(status, headers, body)
  responses = responses + 1
  local cookie = headers["Set-Cookie"] or headers["set-cookie"]
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  elseif body:find('"changed":true', 1, true) then
    if cookie then saves = saves + 1 else wrong = wrong + 1 end
  elseif cookie or not body:find('"changed":false', 1, true) then
    wrong = wrong + 1
  end
  if responses == target then
    io.write("${DONE}\\n")
    io.stdout:flush()
    wrk.thread:stop()
  end
end

function done(summary, latency)
  local sum = { non2xx = 0, wrong = 0, saves = 0 }
  for _, thread in ipairs(threads) do
    for name in pairs(sum) do sum[name] = sum[name] + thread:get(name) end
  end
  local e = summary.errors
  io.write(string.format(
    '${RESULT}{"requests":%d,"durationUs":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"non2xx":%d,"wrong":%d,"saves":%d,"p50us":%d,"p99us":%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout, sum.non2xx, sum.wrong, sum.saves,
    latency:percentile(50), latency:percentile(99)))
end
`

interface WrkFigures {
  requests: number; durationUs: number; connect: number; read: number; write: number; timeout: number
  non2xx: number; wrong: number; saves: number; p50us: number; p99us: number
}

/** Writes the Lua script and the mix (one request a line: method, path, cookie, tab-separated) into a temporary folder. */
function prepare(mix: readonly MixRequest[]): { script: string; data: string } {
  const dir = mkdtempSync(join(tmpdir(), 'routechain-soak-'))
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
  const script = join(dir, 'soak.lua')
  const data = join(dir, 'mix.tsv')
  writeFileSync(script, SCRIPT)
  writeFileSync(data, mix.map((r) => [r.method, r.path, r.cookie].join('\t')).join('\n') + '\n')
  return { script, data }
}

/** The argument list of one wrk run (after `taskset -c CPU` when pinned); -d covers the start gate too. */
export function wrkArgs(load: SoakLoad, script: string, data: string): string[] {
  const target = load.stopAfter === undefined ? 0 : Math.ceil(load.stopAfter / load.threads)
  const gateMs = load.startGateMs ?? 0
  return ['-t', String(load.threads), '-c', String(load.connections), '-d', `${load.seconds + Math.ceil(gateMs / 1000)}s`, '--timeout', '5s',
    '-s', script, `http://127.0.0.1:${load.port}/`, '--', data, String(target), String(gateMs)]
}

/**
 * Runs wrk once. With `startGateMs`, the connections open first and the load starts when the gate opens. With
 * `stopAfter`, each thread stops at its share of it, and once every thread has the run is cut short (SIGINT makes
 * wrk print its figures at once); `seconds` stays the bound.
 */
export async function runWrk(load: SoakLoad): Promise<LoadOutcome> {
  const { script, data } = prepare(load.mix)
  const args = wrkArgs(load, script, data)
  const pinned = CAN_PIN && load.cpu !== undefined
  const child = spawn(pinned ? 'taskset' : 'wrk', pinned ? ['-c', String(load.cpu), 'wrk', ...args] : args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  let done = 0
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk
    const finished = out.split('\n').filter((line) => line === DONE).length
    if (finished > done) {
      done = finished
      if (done === load.threads) child.kill('SIGINT')
    }
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { err += chunk })
  const guard = setTimeout(() => child.kill('SIGKILL'), (load.seconds + 30) * 1000)
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', resolve)
  }).finally(() => clearTimeout(guard))
  const line = out.split('\n').find((l) => l.startsWith(RESULT))
  if (line === undefined) throw new Error(`wrk ended (${code}) without its figures:\n${out}${err}`)
  const f = JSON.parse(line.slice(RESULT.length)) as WrkFigures
  // the gate's wait is rounded up to whole seconds of -d, but the load itself starts when the gate opens
  const seconds = f.durationUs / 1e6 - (load.startGateMs ?? 0) / 1000
  return {
    loader: 'wrk',
    requests: f.requests,
    seconds,
    rps: f.requests / seconds,
    p50ms: f.p50us / 1000,
    p99ms: f.p99us / 1000,
    errors: {
      socket: f.connect + f.read + f.write,
      socketDetail: `connect ${f.connect}, read ${f.read}, write ${f.write}`,
      timeout: f.timeout,
      non2xx: f.non2xx,
      wrongAnswer: f.wrong,
    },
    saves: f.saves,
    reachedTarget: load.stopAfter === undefined || f.requests >= load.stopAfter,
  }
}
