// Writes bench/results/latest.{md,json,svg} from one run.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ratioChart } from './chart.js'
import type { ClientRun } from './client/index.js'
import type { TimedCase } from './dispatch.js'
import type { HttpRow } from './http.js'
import type { SessionsRun } from './sessions/index.js'
import { NAMES } from './sessions/spec.js'
import { MISS_NOTES } from './miss-notes.js'
import { SEALED_GROUPS } from './sealed.js'
import type { TargetResult } from './targets.js'
import type { StartupRow } from './startup/index.js'
import type { IdleRow } from './idle/index.js'
import type { PublicRow } from './public/index.js'

/** Everything one run measured, and how. */
export interface BenchRun {
  readonly date: string
  readonly machine: { cpu: string; cores: number; memoryGiB: number; os: string; node: string }
  readonly versions: Record<string, string>
  readonly method: { loader: string; pinned: boolean; rounds: number; seconds: number; connections: number; quick: boolean }
  readonly commands: string[]
  readonly http: HttpRow[]
  readonly inProcess: TimedCase[]
  readonly targets: TargetResult[]
  /** The sessions part, when measured (or carried over). */
  readonly sessions?: SessionsRun | undefined
  /** The client part (routechain/client against undici.request), when measured (or carried over). */
  readonly client?: ClientRun | undefined
  /** The validation part (validated request bodies against Fastify and Hono), when measured (or carried over). */
  readonly validation?: { readonly date: string; readonly rows: HttpRow[] } | undefined
  /** The WebSocket part (echo round trips and handshakes against raw ws), when measured (or carried over). */
  readonly websocket?: { readonly date: string; readonly rows: HttpRow[] } | undefined
  /** The middleware part (helmet's headers and a multipart upload against Express, Fastify and Hono), when measured. */
  readonly middleware?: { readonly date: string; readonly rows: HttpRow[] } | undefined
  /** The cold starts (spawn to first answer with 1,000 and 10,000 routes), when measured. */
  readonly startup?: { readonly date: string; readonly rows: readonly StartupRow[] } | undefined
  /** RSS with idle keep-alive connections, raw node:http against routechain, when measured. */
  readonly idle?: { readonly date: string; readonly rows: readonly IdleRow[] } | undefined
  /** The public method (fastify/benchmarks' way: autocannon, 100 connections, pipelining 10, JSON GET), when measured. */
  readonly public?: { readonly date: string; readonly rows: readonly PublicRow[] } | undefined
  /** Parts `--only` did not run, carried over from the previous latest.json: part → when they were measured. */
  readonly carried?: Record<string, string> | undefined
}

const n0 = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a')
const n2 = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : 'n/a')

function ns(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)} ms`
  if (value >= 1e3) return `${(value / 1e3).toFixed(2)} µs`
  return `${value.toFixed(1)} ns`
}

function httpTables(rows: readonly HttpRow[], baseline = 'raw'): string[] {
  const out: string[] = []
  for (const route of [...new Set(rows.map((r) => r.route))]) {
    out.push(`### ${route}`, '', `| contender | median req/s | min–max req/s | p50 ms | p99 ms | ratio to ${baseline} (median) | ratio min–max | server CPU µs/req | CPU vs ${baseline} | server RSS MiB |`, '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
    for (const r of rows.filter((row) => row.route === route).sort((a, b) => b.medianRatio - a.medianRatio)) {
      const name = r.contender.startsWith('routechain') ? `**${r.contender}**` : r.contender
      out.push(`| ${name} | ${n0(r.medianRps)} | ${n0(r.minRps)}–${n0(r.maxRps)} | ${n2(r.p50ms)} | ${n2(r.p99ms)} | **${n2(r.medianRatio)}** | ${n2(Math.min(...r.ratios))}–${n2(Math.max(...r.ratios))} | ${n2(r.cpuUsPerRequest)} | ${n2(r.cpuRatio)} × | ${r.rssMiB} |`)
    }
    out.push('')
  }
  return out
}

function inProcessTables(cases: readonly TimedCase[]): string[] {
  const out: string[] = ['| case | implementation | median | p99 | ratio to baseline |', '| --- | --- | ---: | ---: | ---: |']
  for (const c of cases) out.push(`| ${c.group} | ${c.name} | ${ns(c.medianNs)} | ${ns(c.p99Ns)} | ${n2(c.ratio)} × ${c.baseline} |`)
  return out
}

/** The one-line note on the server-side storages' rows, when the run has any (or left one out). */
function serverSideNote(run: SessionsRun): string[] {
  const m = run.method
  const names = [NAMES.memory, NAMES.redis].filter((name) => run.http.some((r) => r.contender === name))
  const skipped = m.skipped ?? []
  if (names.length === 0 && skipped.length === 0) return []
  const redis = names.includes(NAMES.redis) ? ` ${m.redis ?? 'redis-server'} runs on loopback, persistence off, not pinned: it shares the cores with the server and \`${m.loader}\`, and its CPU time is not in the server's.` : ''
  const left = skipped.length === 0 ? '' : ` Left out of this run: ${skipped.join('; ')}.`
  return [
    `Server-side storages (${names.length === 0 ? 'none measured' : names.join(', ')}): the cookie holds a random id, the session is made beforehand in the server's memory or in Redis through a setup route (POST /__mint, not timed), and each request reads it there; no targets, the ratio only.${redis}${left}`, '',
  ]
}

function sessionsSection(run: SessionsRun | undefined): string[] {
  if (run === undefined) return ['## Sessions', '', 'Not measured in this run.', '']
  const m = run.method
  const contenders = new Set(run.http.map((r) => r.contender)).size
  return [
    '## Sessions', '',
    `Measured ${run.date}${m.quick ? ` (quick run: ${contenders} contenders, one round, and in process only the decodes of EncryptedCookieStorage and the two it is held to; indicative only)` : ''}. GET /me answers \`{"user": …}\` read from`,
    'the session cookie; the baseline is the same routechain route answering from an `x-user` header without a session.',
    'Every contender gets the same requests (a cookie of its own format and the `x-user` header), runs in its own process',
    `${m.pinned ? 'pinned to core 0, ' : ''}with load from \`${m.loader}\`${m.pinned ? ' pinned to core 1' : ''}, ${m.connections} keep-alive connections, ${m.seconds} s a run, ${m.rounds} round${m.rounds === 1 ? '' : 's'}`,
    'interleaved. Each is checked first: its session is read (not the header), a tampered cookie (or unknown id) gets 401, and an',
    'unchanged session is not written back. Ratios are paired per round to the route without a session.',
    `"One repeated cookie" sends one valid cookie with every request (the storages' caches of verified values hit);`,
    `"a distinct cookie per request" takes ${m.distinctCookies.toLocaleString('en-US')} valid cookies, minted beforehand with each contender's own encoder,`,
    'in turn (more than the 1,000 values the caches hold, so every request decrypts).', '',
    ...serverSideNote(run),
    ...httpTables(run.http, 'no session'),
    '### Encode and decode, in process', '',
    'Median and p99 time per call (mitata), interleaved rounds; the ratio is to AES-256-GCM by hand. Each decodes the',
    'payload it wrote ({"user": "alice"} plus its timestamps); "cache off" is the storage built with `cacheSize: 0`.', '',
    ...inProcessTables(run.perOp), '',
  ]
}

function validationSection(run: BenchRun['validation']): string[] {
  if (run === undefined) return ['## Validated request bodies', '', 'Not measured in this run.', '']
  return [
    '## Validated request bodies', '',
    `Measured ${run.date}. POST /users with a 10-field JSON body (strings with lengths and a pattern, an integer and a`,
    'number with bounds, a boolean, an enum, an array of strings, an optional field), validated with the same rules in each',
    "framework's own way, answering three fields of it as JSON; the baseline is raw node:http checking the rules by hand",
    'after JSON.parse. Before timing, each must answer the valid body exactly and refuse five invalid ones with 400.', '',
    ...httpTables(run.rows, 'raw'),
  ]
}

function websocketSection(run: BenchRun['websocket']): string[] {
  if (run === undefined) return ['## WebSockets', '', 'Not measured in this run.', '']
  return [
    '## WebSockets', '',
    `Measured ${run.date}. routechain's WebSocket route runs a 3-step chain on the upgrade (authenticate, authorise, one`,
    'more) and echoes each message; the baseline is a raw `ws` server on node:http checking the same token by hand. A client',
    'process (ws) keeps 32 sockets each sending a 64-byte message and waiting for its echo, or 8 workers each opening and',
    'closing sockets; the "req/s" columns count round trips and handshakes. Latency is not measured here.', '',
    ...httpTables(run.rows, 'raw ws'),
  ]
}

function startupSection(run: BenchRun['startup']): string[] {
  if (run === undefined) return ['## Cold start', '', 'Not measured in this run.', '']
  const lines = [
    '## Cold start', '',
    `Measured ${run.date}. From spawning \`node\` to the first answered request (the last route, \`GET /r<N-1>/1\`), for an app`,
    'of N parameterised routes `/r<i>/:id` built at start; raw node:http (no router, one route) is node\'s own floor. The',
    `median of ${run.rows[0]?.runs.length ?? 0} rounds, each starting every contender once in turn.`, '',
    '| routes | contender | median ms | min–max ms | × routechain |',
    '| ---: | --- | ---: | ---: | ---: |',
  ]
  for (const row of run.rows) {
    const mine = run.rows.find((r) => r.routes === row.routes && r.framework === 'routechain')
    lines.push(`| ${n0(row.routes)} | ${row.framework === 'routechain' ? '**routechain**' : row.framework === 'raw' ? 'raw node:http (floor)' : row.framework} | ${n0(row.medianMs)} | ${n0(Math.min(...row.runs))}–${n0(Math.max(...row.runs))} | ${mine === undefined ? 'n/a' : n2(row.medianMs / mine.medianMs)} |`)
  }
  return [...lines, '']
}

function publicSection(run: BenchRun['public']): string[] {
  if (run === undefined) return ['## The public method', '', 'Not measured in this run.', '']
  return [
    '## The public method', '',
    `Measured ${run.date}. fastify/benchmarks' way, so these can be read beside its table: one JSON \`GET\` answering`,
    '`{"hello":"world"}`, autocannon with 100 connections and pipelining 10 for 10 s after 2 s of warm-up, each framework in',
    `its own process. ${run.rows[0]?.rps.length ?? 0} rounds, the contenders in turn; the ratio is the median of the per-round ratios to raw node:http.`, '',
    '| contender | median req/s | rounds req/s | mean latency ms | × node:http |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...run.rows.map((r) => `| ${r.contender === 'routechain' ? '**routechain**' : r.contender} | ${n0(r.medianRps)} | ${r.rps.map(n0).join(', ')} | ${n2(r.latencyMs)} | ${n2(r.ratio)} |`),
    '',
  ]
}

function idleSection(run: BenchRun['idle']): string[] {
  if (run === undefined) return ['## Idle connections', '', 'Not measured in this run.', '']
  const raw = run.rows.find((r) => r.server === 'raw')
  return [
    '## Idle connections', '',
    `Measured ${run.date}. A server process answers one \`GET /\` on each of ${n0(run.rows[0]?.connections ?? 0)} keep-alive connections, which then stay`,
    'open and idle (keep-alive timeouts of 10 minutes); its RSS after a full GC, before and after. The middle of 3 rounds.', '',
    '| server | RSS before MiB | RSS with the connections MiB | per connection KiB | × raw |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...run.rows.map((r) => `| ${r.server === 'raw' ? 'raw node:http' : '**routechain**'} | ${r.baseRssMiB.toFixed(1)} | ${r.idleRssMiB.toFixed(1)} | ${r.perConnectionKiB.toFixed(2)} | ${raw === undefined ? 'n/a' : n2(r.idleRssMiB / raw.idleRssMiB)} |`),
    '',
  ]
}

function middlewareSection(run: BenchRun['middleware']): string[] {
  if (run === undefined) return ['## Connect middleware and uploads', '', 'Not measured in this run.', '']
  return [
    '## Connect middleware and uploads', '',
    `Measured ${run.date}. GET /secure behind helmet 8's headers: routechain runs helmet through \`fromConnect()\`, Express`,
    'runs helmet, Fastify @fastify/helmet, Hono its own secureHeaders(); raw node:http sets the same headers by hand. POST',
    '/upload sends a multipart form of one field and one 64 KiB file, read as a stream (routechain `req.multipart()`,',
    "Fastify `req.parts()`, raw node:http @fastify/busboy directly) or buffered (Express multer's memory storage, Hono",
    '`parseBody()`), answering the field and the byte count. Every answer is checked before timing.', '',
    ...httpTables(run.rows, 'raw'),
  ]
}

const pct = (n: number): string => (Number.isFinite(n) ? `${Math.round(n * 100)}%` : 'n/a')
const signedUs = (n: number): string => (Number.isFinite(n) ? `${n < 0 ? '−' : '+'}${Math.abs(n).toFixed(2)}` : 'n/a')

function clientSection(run: ClientRun | undefined): string[] {
  if (run === undefined) return ['## HTTP client', '', 'Not measured in this run.', '']
  const m = run.method
  const lines = [
    '## HTTP client', '',
    `Measured ${run.date}${m.quick ? ' (quick run: fewer and shorter rounds; indicative only)' : ''}. routechain/client's \`client.get()\` against plain`,
    `\`undici.request\` on an \`Agent\` of its own, on loopback. The target, node:http answering GET /ping with \`pong\`, runs in its own`,
    `process${m.pinned ? ' pinned to core 0' : ''}; the benchmark process${m.pinned ? ', pinned to core 1,' : ''} sends ${m.requests.toLocaleString('en-US')} requests per case per round, ${m.concurrency} in flight over`,
    `${m.concurrency} keep-alive connections (every case has a pool of its own), and reads every body; ${m.rounds} round${m.rounds === 1 ? '' : 's'}, every case`,
    `once per round with the order turning each round, after ${m.warmupRequests.toLocaleString('en-US')} warm-up requests per case. Each case's answer is`,
    'checked first. Ratios are paired: each round\'s req/s divided by undici.request\'s in the same round; the median is shown.',
    'Client CPU per request (process.cpuUsage: user + system, all threads) is the steadier figure on a shared machine;',
    '"added" is the median of its per-round differences from undici.request\'s. "Busy" is CPU time over wall time: the',
    'client\'s core near 100% with the target\'s well below means the client side is what limits req/s. `Agent.request()`',
    'is the floor, what the client\'s transport itself calls (no URL parsing, no options spread); no target is held to it.', '',
    '| case | median req/s | min–max req/s | ratio to undici.request (median) | ratio min–max | client CPU µs/req | CPU vs undici.request | µs CPU added per request | client core busy | target core busy |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const r of run.rows) {
    const name = r.name.startsWith('createClient') ? `**${r.name}**` : r.name
    lines.push(`| ${name} | ${n0(r.medianRps)} | ${n0(r.minRps)}–${n0(r.maxRps)} | **${n2(r.medianRatio)}** | ${n2(Math.min(...r.ratios))}–${n2(Math.max(...r.ratios))} | ${n2(r.cpuUsPerRequest)} | ${n2(r.cpuRatio)} × | ${signedUs(r.addedUs)} | ${pct(r.clientBusy)} | ${pct(r.serverBusy)} |`)
  }
  lines.push('')
  return lines
}

/** Renders the Markdown report. */
export function renderMarkdown(run: BenchRun, name = 'latest'): string {
  const m = run.machine
  const carried = Object.entries(run.carried ?? {})
  const lines = [
    '# routechain benchmarks', '',
    `Measured ${run.date}${run.method.quick ? ' (quick run: short and indicative only)' : ''}.`, '',
    ...(carried.length === 0 ? [] : [
      `Written by a run of one part only: ${carried.map(([part, date]) => `${part} figures are carried over from the run of ${date}`).join('; ')}.`, '',
    ]),
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB; ${m.os}; Node ${m.node}.`, '',
    `Method: every contender serves the same routes from its own process${run.method.pinned ? ' pinned to core 0' : ''};`,
    `load from \`${run.method.loader}\`${run.method.pinned ? ' pinned to core 1' : ''}, ${run.method.connections} keep-alive connections, ${run.method.seconds} s a run;`,
    `${run.method.rounds} rounds, interleaved (every contender once per round, the order turning each round). Each answer is checked before`,
    'anything is timed. Ratios are paired: each round\'s req/s divided by raw node:http\'s in the same round; the median of those is shown.',
    'Server CPU time per request (user + system, from /proc) is steadier than req/s on a shared machine: lower is better.', '',
    `![ratios to raw node:http](${name}.svg)`, '',
    '## Targets', '', '| target | measured | met |', '| --- | --- | :---: |',
    ...run.targets.map((t) => `| ${t.target} | ${t.measured} | ${t.met === undefined ? '–' : t.met ? 'yes' : '**no**'} |`), '',
    ...missNotes(run.targets),
    '## HTTP on loopback', '', ...(run.http.length === 0 ? ['Not measured in this run.', ''] : httpTables(run.http)),
    '## In process', '', 'Median and p99 time per call (mitata), in interleaved rounds; the ratio is the median of per-round ratios to',
    'the group\'s first case. Dispatch runs a found route\'s chain on a fresh request object; the floor calls the same',
    'three step functions directly.', '', ...sealedNote(run.inProcess), ...inProcessTables(run.inProcess), '',
    ...clientSection(run.client),
    ...sessionsSection(run.sessions),
    ...validationSection(run.validation),
    ...websocketSection(run.websocket),
    ...middlewareSection(run.middleware),
    ...startupSection(run.startup),
    ...idleSection(run.idle),
    ...publicSection(run.public),
    '## Versions', '', ...Object.entries(run.versions).map(([name, version]) => `- ${name} ${version}`), '',
    '## Commands', '', '```sh', ...run.commands, '```', '',
  ]
  return lines.join('\n')
}

/** Writes `<name>.md`, `.json` and `.svg` into `dir` (latest for full runs, quick for quick ones, or a name given). */
export function writeReport(dir: string, run: BenchRun, name = 'latest'): void {
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(run, null, 2) + '\n')
  writeFileSync(join(dir, `${name}.md`), renderMarkdown(run, name))
  const subtitle = `${run.machine.cpu}, Node ${run.machine.node}, ${run.method.loader}, median of ${run.method.rounds} interleaved rounds`
  writeFileSync(join(dir, `${name}.svg`), ratioChart(run.http, subtitle))
}

/** What the sealed-box rows compare, when the run has them. */
function sealedNote(cases: readonly TimedCase[]): string[] {
  if (!cases.some((c) => SEALED_GROUPS.has(c.group))) return []
  return [
    'Sealed boxes (libsodium\'s `crypto_box_seal`): one seal and one open of random bytes to one key pair. routechain\'s',
    '`sealValue()` and `SealKeyRing.open()` do the X25519 products in node:crypto and the rest with tweetsodium\'s parts',
    '(node:crypto has no XSalsa20 and no 24-byte blake2b), and take and give base64, as the API does; the baseline is',
    'libsodium itself, natively (sodium-native, which @fastify/secure-session brings); tweetsodium alone is pure JavaScript;',
    '"node:crypto X25519 + ChaCha20-Poly1305" is a box of the same shape and size from node:crypto alone, not the same format. Before',
    'timing, each opens its own boxes and refuses a changed one, and the three in libsodium\'s format open each other\'s.',
    'A seal makes an ephemeral X25519 key pair and one X25519 product, an open one X25519 product; the last group times',
    'tweetsodium\'s parts, so its ratios are shares of a whole seal.', '',
  ]
}

/** For each missed target, what profiling showed (bench/miss-notes.ts). */
function missNotes(targets: readonly TargetResult[]): string[] {
  const missed = targets.filter((t) => t.met === false)
  if (missed.length === 0) return []
  const lines = ['### Where a target is missed', '']
  for (const t of missed) {
    const note = MISS_NOTES.find(([prefix]) => t.target.startsWith(prefix))?.[1] ?? 'No profile note yet.'
    lines.push(`- **${t.target}** (${t.measured}): ${note}`)
  }
  lines.push('')
  return lines
}
