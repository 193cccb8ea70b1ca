// The targets the benchmarks are held to, checked against one run's figures.
import { CASE_NAMES } from './client/spec.js'
import type { ClientRow } from './client/index.js'
import type { TimedCase } from './dispatch.js'
import type { HttpRow } from './http.js'
import { openGroup, sealGroup, SEALED_NAMES } from './sealed.js'
import { NAMES, REPEATED_MODE } from './sessions/spec.js'
import { TIMED } from './spec.js'
import { median } from './stats.js'
import type { IdleRow } from './idle/index.js'
import type { PublicRow } from './public/index.js'

/** Which part of the benchmarks measures a target (as `--only` names parts in the report). */
export type TargetPart = 'HTTP' | 'in process' | 'client' | 'sessions' | 'validation' | 'websocket' | 'middleware' | 'idle' | 'public'

/** One target and whether this run met it. */
export interface TargetResult {
  readonly part?: TargetPart
  readonly target: string
  readonly measured: string
  readonly met: boolean | undefined
}

/**
 * The client part's floors, as ratios of req/s to plain undici.request's in the same round (same target, same
 * number of connections). Measured here over 8 runs (medians of 3–10 rounds): no middlewares 0.97–1.44,
 * 3 pass-through 0.90–1.47 (undici.request's own URL parsing and options spread cost more per call than the
 * client's chain, so the client can beat it), logRequests + retry 0.66–1.11 and 0.69 in the full run. logRequests
 * alone costs ~3× the bare client's overhead; with the two changes bench/miss-notes.ts names, the same case measured
 * 1.09 ×. Real middlewares do real work (a timer, a log line, redaction, retry bookkeeping), so they are allowed
 * more than pass-through ones: 0.75, met once logRequests is fixed, borderline until then.
 */
const CLIENT_BARE_MIN = 0.9
const CLIENT_PASS_THROUGH_MIN = 0.85
const CLIENT_REAL_MIN = 0.75
/** #18: three pass-through middlewares against the bare client, req/s paired round by round. */
const CLIENT_CHAIN_MIN = 0.95

/**
 * Sealed boxes against libsodium natively (sodium-native), median time per seal or open of a 1 KiB value: X25519
 * in node:crypto and the rest in tweetsodium's JavaScript parts (#18). tweetsodium alone took 18–24 × libsodium.
 */
const SEALED_MAX_RATIO = 2

const fmt = (n: number | undefined): string => (n === undefined || !Number.isFinite(n) ? 'n/a' : n.toFixed(2))
const us = (ns: number | undefined): string => (ns === undefined || !Number.isFinite(ns) ? 'n/a' : (ns / 1e3).toFixed(ns < 1e5 ? 1 : 0))
const signed = (n: number | undefined): string => (n === undefined || !Number.isFinite(n) ? 'n/a' : `${n < 0 ? '−' : '+'}${Math.abs(n).toFixed(1)}`)

/** Median of the per-round ratios of one row's req/s to another's (paired: the same round, the same mode). */
function pairedRatio(mine: HttpRow | undefined, other: HttpRow | undefined): number | undefined {
  if (mine === undefined || other === undefined || mine.runs.length === 0) return undefined
  return median(mine.runs.map((run, i) => run.rps / (other.runs[i]?.rps ?? Number.NaN)))
}

/**
 * Checks every target; `met` is undefined where this run did not measure it. `sessions` holds the sessions
 * part's rows: `route` names the mode, and ratios are to the same route without a session. `client` holds the
 * client part's rows, ratios paired to undici.request's.
 */
export function checkTargets(
  http: readonly HttpRow[], inProcess: readonly TimedCase[], sessions: readonly HttpRow[] = [], client: readonly ClientRow[] = [], validation: readonly HttpRow[] = [],
  websocket: readonly HttpRow[] = [], middleware: readonly HttpRow[] = [], idle: readonly IdleRow[] = [], publicRows: readonly PublicRow[] = [],
): TargetResult[] {
  const ratio = (contender: string, route: string): number | undefined =>
    http.find((r) => r.contender === contender && r.route === route)?.medianRatio
  const caseRatio = (group: string, name: string): number | undefined =>
    inProcess.find((c) => c.group.startsWith(group) && c.name === name)?.ratio
  const results: TargetResult[] = []
  const add = (target: string, value: number | undefined, measured: string, met: (v: number) => boolean): void => {
    const part: TargetPart = target.startsWith('HTTP') ? 'HTTP' : target.startsWith('Sessions') ? 'sessions' : target.startsWith('Client') ? 'client'
      : target.startsWith('Validation') ? 'validation' : target.startsWith('WebSocket') ? 'websocket'
      : target.startsWith('Middleware') ? 'middleware' : target.startsWith('Idle') ? 'idle' : target.startsWith('Public') ? 'public' : 'in process'
    results.push({ part, target, measured: value === undefined ? 'not measured' : measured, met: value === undefined ? undefined : met(value) })
  }
  const [postRoute, rootRoute] = TIMED.map((c) => c.name) as [string, string]
  const post = ratio('routechain', postRoute)
  const fastify = ratio('fastify', postRoute)
  add('HTTP GET /post/:id (3 steps) ≥ 0.95 × raw node:http', post, `${fmt(post)} ×`, (v) => v >= 0.95)
  add('HTTP GET /post/:id ahead of Fastify', post === undefined || fastify === undefined ? undefined : post - fastify,
    `routechain ${fmt(post)} vs fastify ${fmt(fastify)}`, (v) => v > 0)
  const root = ratio('routechain', rootRoute)
  add('HTTP GET / ≥ 0.95 × raw node:http', root, `${fmt(root)} ×`, (v) => v >= 0.95)
  const sync = caseRatio('3 sync steps', 'routechain compose')
  add('3-step sync chain ≤ 2 × three direct calls', sync, `${fmt(sync)} ×`, (v) => v <= 2)
  const asyncRatio = caseRatio('3 async steps', 'routechain compose')
  add('3-step async chain faster than koa-compose', asyncRatio, `${fmt(asyncRatio)} × koa-compose's time`, (v) => v < 1)
  const onions = caseRatio('3 onion steps', "routechain compose (the server's next())")
  add('3 onion steps ≤ 1.0 × koa-compose', onions, `${fmt(onions)} × koa-compose's time`, (v) => v <= 1)
  const oneOnion = caseRatio('a 3-step route through app.request()', 'one onion step, then 2 plain')
  add('One onion step in a 3-step route ≤ 1.1 × the all-plain route (app.request)', oneOnion, `${fmt(oneOnion)} ×`, (v) => v <= 1.1)
  for (const group of ['lookup among 18', 'lookup among 10,000']) {
    const r = caseRatio(group, 'routechain lookup')
    add(`${group.replace('lookup among', 'Lookup among')} routes within 10% of find-my-way`, r, `${fmt(r)} × find-my-way's time`, (v) => v <= 1.1)
  }
  const reg = caseRatio('register 10,000', 'routechain app.get() + build')
  add('Registering 10,000 routes ≤ 1.2 × find-my-way', reg, `${fmt(reg)} ×`, (v) => v <= 1.2)
  for (const [verb, group, names] of [['Seal', sealGroup('1 KiB'), 'seal'], ['Open', openGroup('1 KiB'), 'open']] as const) {
    const mine = inProcess.find((c) => c.group === group && c.name === SEALED_NAMES.routechain[names])
    const native = inProcess.find((c) => c.group === group && c.name === SEALED_NAMES.libsodium[names])
    const ratio = mine === undefined || native === undefined ? undefined : mine.medianNs / native.medianNs
    add(`${verb} a 1 KiB sealed value ≤ ${SEALED_MAX_RATIO} × libsodium (${verb === 'Seal' ? 'sealValue' : 'SealKeyRing.open'})`, ratio,
      `${fmt(ratio)} × (${us(mine?.medianNs)} µs against ${us(native?.medianNs)} µs)`, (v) => v <= SEALED_MAX_RATIO)
  }
  const sessionRow = (contender: string, repeated: boolean): HttpRow | undefined =>
    sessions.find((r) => r.contender === contender && (r.route === REPEATED_MODE) === repeated)
  const repeated = sessionRow(NAMES.encrypted, true)?.medianRatio
  add('Sessions: one repeated encrypted cookie ≥ 0.95 × the same route without a session', repeated,
    `${fmt(repeated)} × (EncryptedCookieStorage)`, (v) => v >= 0.95)
  const byHand = pairedRatio(sessionRow(NAMES.encrypted, false), sessionRow(NAMES.rawGcm, false))
  add('Sessions: a distinct encrypted cookie per request ≥ 0.90 × raw node:http decrypting AES-256-GCM by hand', byHand,
    `${fmt(byHand)} × its req/s (EncryptedCookieStorage)`, (v) => v >= 0.9)
  const nacl = pairedRatio(sessionRow(NAMES.nacl, false), sessionRow(NAMES.fastify, false))
  add('Sessions: a distinct NaCl cookie per request ≥ @fastify/secure-session', nacl,
    `${fmt(nacl)} × its req/s (NaClCookieStorage)`, (v) => v >= 1)
  const clientRow = (name: string): ClientRow | undefined => client.find((r) => r.name === name)
  const clientTargets = [
    [CASE_NAMES.bare, 'no middlewares', CLIENT_BARE_MIN],
    [CASE_NAMES.passThrough, '3 pass-through middlewares', CLIENT_PASS_THROUGH_MIN],
    [CASE_NAMES.real, '[logRequests(), retry()]', CLIENT_REAL_MIN],
  ] as const
  for (const [name, label, min] of clientTargets) {
    const row = clientRow(name)
    add(`Client: ${label} ≥ ${min.toFixed(2)} × undici.request's req/s`, row?.medianRatio,
      `${fmt(row?.medianRatio)} × (${signed(row?.addedUs)} µs client CPU per request)`, (v) => v >= min)
  }
  const bare = clientRow(CASE_NAMES.bare)
  const passing = clientRow(CASE_NAMES.passThrough)
  const chainCost = bare === undefined || passing === undefined || passing.rps.length === 0
    ? undefined
    : median(passing.rps.map((rps, i) => rps / (bare.rps[i] ?? Number.NaN)))
  add(`Client: 3 pass-through middlewares ≥ ${CLIENT_CHAIN_MIN.toFixed(2)} × the bare client's req/s`, chainCost,
    `${fmt(chainCost)} × (${signed(passing === undefined || bare === undefined ? undefined : passing.cpuUsPerRequest - bare.cpuUsPerRequest)} µs client CPU per request)`,
    (v) => v >= CLIENT_CHAIN_MIN)
  const validated = (name: string): HttpRow | undefined => validation.find((r) => r.contender === name)
  const zod = validated('routechain + zod')
  const valibot = validated('routechain + valibot')
  const hono = validated('hono + @hono/zod-validator')
  const ajv = validated('fastify + JSON Schema (ajv)')
  const aheadOfHono = pairedRatio(zod, hono)
  add('Validation: routechain + zod ahead of hono + @hono/zod-validator', aheadOfHono,
    `${fmt(aheadOfHono)} × hono's req/s (raw: routechain + zod ${fmt(zod?.medianRatio)}, hono ${fmt(hono?.medianRatio)})`, (v) => v > 1)
  const nearAjv = pairedRatio(valibot, ajv)
  add('Validation: routechain + valibot ≥ 0.90 × fastify + JSON Schema (ajv)', nearAjv,
    `${fmt(nearAjv)} × fastify's req/s (raw: routechain + valibot ${fmt(valibot?.medianRatio)}, fastify ${fmt(ajv?.medianRatio)})`, (v) => v >= 0.9)
  const echo = websocket.find((r) => r.contender === 'routechain (3-step chain)' && r.route.startsWith('WebSocket echo'))?.medianRatio
  add('WebSocket echo round trips through a 3-step chain ≥ 0.95 × raw ws', echo, `${fmt(echo)} ×`, (v) => v >= 0.95)
  const mw = (name: string, route: string): HttpRow | undefined => middleware.find((r) => r.contender === name && r.route.startsWith(route))
  const helmeted = pairedRatio(mw('routechain', 'GET /secure'), mw('express + helmet, multer', 'GET /secure'))
  add('Middleware: routechain + fromConnect(helmet()) ahead of express + helmet', helmeted,
    `${fmt(helmeted)} × express's req/s (raw: routechain ${fmt(mw('routechain', 'GET /secure')?.medianRatio)})`, (v) => v > 1)
  const uploads = mw('routechain', 'POST /upload')?.medianRatio
  add('Middleware: multipart uploads through req.multipart() ≥ 0.90 × raw @fastify/busboy', uploads, `${fmt(uploads)} ×`, (v) => v >= 0.9)
  const uploadsVsFastify = pairedRatio(mw('routechain', 'POST /upload'), mw('fastify + @fastify/helmet, @fastify/multipart', 'POST /upload'))
  add('Middleware: multipart uploads through req.multipart() ahead of fastify + @fastify/multipart', uploadsVsFastify,
    `${fmt(uploadsVsFastify)} × fastify's req/s`, (v) => v > 1)
  const rawIdle = idle.find((r) => r.server === 'raw')
  const mineIdle = idle.find((r) => r.server === 'routechain')
  const idleRatio = rawIdle === undefined || mineIdle === undefined ? undefined : mineIdle.idleRssMiB / rawIdle.idleRssMiB
  add(`Idle: RSS with ${(mineIdle?.connections ?? 10_000).toLocaleString('en-US')} idle keep-alive connections ≤ 1.1 × raw node:http`, idleRatio,
    `${fmt(idleRatio)} × (${mineIdle?.idleRssMiB.toFixed(1)} MiB against ${rawIdle?.idleRssMiB.toFixed(1)} MiB)`, (v) => v <= 1.1)
  const publicRatio = publicRows.find((r) => r.contender === 'routechain')?.ratio
  add('Public method (autocannon -c 100 -p 10, JSON GET): routechain ≥ 0.98 × node:http', publicRatio, `${fmt(publicRatio)} ×`, (v) => v >= 0.98)
  return results
}
