// Runs a fuzz campaign: starts the target process, gets genuine session cookies from it, keeps a number of
// raw connections busy with generated requests until the time or request budget is spent, restarts the
// target if it crashes (and then looks for the request that crashed it), and returns the report.
import { randomInt } from 'node:crypto'
import { SESSION_COOKIE, SESSION_HEADER } from './app.js'
import { generateRequest, type Category, type FuzzRequest, type GenerateContext } from './generate.js'
import type { TargetStats } from './ipc.js'
import type { LogCounts } from './log-counter.js'
import { hashSeed } from './prng.js'
import { sendRaw, type Outcome } from './raw-client.js'
import { findingOf, Tally, type CategoryCounts, type Finding, type SessionCounts } from './tally.js'
import { startTarget, type Target, type TargetExit } from './target.js'
import { generateKey } from '../../src/index.js'

/** How to run. Only `seconds` is required. */
export interface FuzzOptions {
  /** Stop sending new requests after this many seconds. */
  readonly seconds: number
  /** Seed for the request generator; the same seed gives the same requests. @default a random one */
  readonly seed?: string | undefined
  /** Stop after this many requests, even if time is left. @default no bound */
  readonly maxRequests?: number | undefined
  /** Connections kept in flight at once. @default 24 */
  readonly concurrency?: number | undefined
  /** How long a complete request may wait for its answer before it counts as a hang, in ms. @default 5000 */
  readonly timeoutMs?: number | undefined
  /** How long an incomplete (deliberately unframed) request waits before giving up, in ms. @default 1000 */
  readonly stallMs?: number | undefined
  /** Progress lines go here. @default none */
  readonly log?: ((line: string) => void) | undefined
}

/** One crash of the target process. */
export interface CrashReport {
  /** Milliseconds into the run. */
  readonly atMs: number
  readonly code: number | null
  readonly signal: string | null
  /** The end of the target's stderr: the uncaught error, usually. */
  readonly stderr: string
  /** The requests in flight when it died: one of them did it, or one of the last answered ones. */
  readonly inFlight: Finding[]
  /** The request that crashed a fresh target on its own, when replaying them one by one found it. */
  readonly reproducer: Finding | undefined
}

/** What a fuzz run found. Written as bench/results/fuzz.json by `--write`. */
export interface FuzzReport {
  readonly date: string
  readonly node: string
  readonly seed: string
  readonly options: { seconds: number; maxRequests: number | null; concurrency: number; timeoutMs: number; stallMs: number }
  readonly durationMs: number
  readonly requests: { sent: number; perSecond: number }
  readonly byStatus: Record<string, number>
  readonly categories: Record<Category, CategoryCounts>
  readonly unanswered: { closed: number; reset: number; truncated: number; truncatedAfterHalfClose: number; incompleteTimedOut: number; garbled: number; lostToCrash: number }
  readonly hangs: number
  readonly crashes: number
  readonly crashDetails: CrashReport[]
  readonly unexpected5xx: number
  readonly meant5xx: number
  readonly session: SessionCounts & { tokens: number }
  readonly server: {
    rssStart: number; rssEnd: number | null; rssPeak: number; heapStart: number; heapEnd: number | null
    /** Requests that reached the app's chain (the rest were refused by the HTTP parser first). */
    appRequests: number
    /** A plain GET / still got its 200 once the run was over. */
    answersAfterRun: boolean
  }
  readonly log: LogCounts & { otherErrors: number }
  readonly findings: Tally['findings']
  /** What makes the run fail; empty when it passed. */
  readonly failures: string[]
  readonly ok: boolean
}

const DEFAULTS = { concurrency: 24, timeoutMs: 5000, stallMs: 1000 }
/** Give up restarting a target that keeps crashing after this many crashes. */
const MAX_CRASHES = 5
/** How many of the last answered requests are suspects too when the target crashes (a crash may come later). */
const RECENT = 48
/** Genuine session cookies to mint before the run. */
const TOKENS = 4

const CLEAN = { head: false, halfClose: false, splits: [] as number[] }

function cleanRequest(method: string, path: string, lines: string[] = []): Buffer {
  return Buffer.from([`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', ...lines, '', ''].join('\r\n'), 'latin1')
}

function headerOf(outcome: Outcome, name: string): string | undefined {
  return outcome.kind === 'response' ? outcome.response.headers[name] : undefined
}

/** Logs in a few times and returns the session cookie values the target set, checking each one loads. */
async function mintTokens(port: number, timeoutMs: number): Promise<string[]> {
  const tokens: string[] = []
  for (let i = 0; i < TOKENS; i++) {
    const login = await sendRaw(port, cleanRequest('POST', '/session/login', ['Content-Length: 0']), { ...CLEAN, timeoutMs })
    const cookie = new RegExp(`(?:^|\\n)${SESSION_COOKIE}=([^;]+)`).exec(headerOf(login, 'set-cookie') ?? '')?.[1]
    if (cookie === undefined) throw new Error(`the target's login set no session cookie (${JSON.stringify(login)})`)
    const check = await sendRaw(port, cleanRequest('GET', '/session/check', [`Cookie: ${SESSION_COOKIE}=${cookie}`]), { ...CLEAN, timeoutMs })
    if (headerOf(check, SESSION_HEADER) !== 'loaded') {
      throw new Error('the target did not load a session cookie it had just set: the tampered-cookie check would prove nothing')
    }
    tokens.push(cookie)
  }
  return tokens
}

async function answersPlainGet(port: number, timeoutMs: number): Promise<boolean> {
  const outcome = await sendRaw(port, cleanRequest('GET', '/'), { ...CLEAN, timeoutMs })
  return outcome.kind === 'response' && outcome.response.status === 200 && !outcome.truncated
}

function addCounts(into: LogCounts, from: LogCounts | undefined): void {
  if (from === undefined) return
  into.errors += from.errors
  into.deliberateErrors += from.deliberateErrors
  into.warnings += from.warnings
  into.debugLines += from.debugLines
  for (const sample of from.errorSamples) if (into.errorSamples.length < 10) into.errorSamples.push(sample)
}

/**
 * Replays the requests that were in flight at a crash, then the last ones answered before it (latest first),
 * one at a time against a fresh target, and returns the first one after which the target is dead.
 */
async function isolateCrash(key: string, suspects: readonly FuzzRequest[], options: { timeoutMs: number; stallMs: number }): Promise<FuzzRequest | undefined> {
  let target = await startTarget(key)
  try {
    for (const suspect of suspects) {
      await sendRaw(target.port, suspect.bytes, { ...suspect, timeoutMs: suspect.framed ? options.timeoutMs : options.stallMs })
      await new Promise((resolve) => setTimeout(resolve, 100))
      if (!target.alive()) return suspect
    }
    return undefined
  } finally {
    await target.stop()
  }
}

/** Runs the fuzzer against a fresh target process and returns what it found. Never leaves the target running. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const seed = options.seed ?? String(randomInt(2 ** 31))
  const concurrency = options.concurrency ?? DEFAULTS.concurrency
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs
  const stallMs = options.stallMs ?? DEFAULTS.stallMs
  const maxRequests = options.maxRequests ?? Number.POSITIVE_INFINITY
  const log = options.log ?? ((): void => {})
  const key = generateKey()

  let target: Target = await startTarget(key)
  let generation = 0
  let stopping = false
  let restarting: Promise<void> | undefined
  const crashes: { atMs: number; exit: TargetExit; inFlight: FuzzRequest[]; suspects: FuzzRequest[] }[] = []
  const inFlight = new Map<number, FuzzRequest>()
  const recent: FuzzRequest[] = []
  const carriedLog: LogCounts = { errors: 0, deliberateErrors: 0, warnings: 0, debugLines: 0, errorSamples: [] }
  let carriedRequests = 0
  let lastStats: TargetStats | undefined
  let rssPeak = 0
  let started = Date.now()
  let sampler: NodeJS.Timeout | undefined

  const watch = (watched: Target, watchedGeneration: number): void => {
    void watched.exited.then((exit) => {
      if (stopping || watchedGeneration !== generation) return
      crashes.push({ atMs: Date.now() - started, exit, inFlight: [...inFlight.values()], suspects: [...inFlight.values(), ...[...recent].reverse()] })
      addCounts(carriedLog, lastStats?.log)
      carriedRequests += lastStats?.counters.requests ?? 0
      lastStats = undefined
      generation++
      log(`the target crashed (${exit.code ?? exit.signal}) with ${inFlight.size} requests in flight`)
      if (crashes.length >= MAX_CRASHES) return
      restarting = startTarget(key).then((fresh) => {
        target = fresh
        watch(fresh, generation)
      }).finally(() => { restarting = undefined })
    })
  }

  try {
    watch(target, generation)
    const tokens = await mintTokens(target.port, timeoutMs)
    const startStats = await target.stats()
    if (startStats === undefined) throw new Error('the target did not report its figures')
    rssPeak = startStats.rss
    const context: GenerateContext = { seed: hashSeed(seed), tokens }
    const tally = new Tally(tokens)
    sampler = setInterval(() => {
      void target.stats(900).then((stats) => {
        if (stats === undefined) return
        lastStats = stats
        rssPeak = Math.max(rssPeak, stats.rss)
      })
    }, 1000)
    let progressAt = Date.now() + 5000

    started = Date.now()
    const deadline = started + options.seconds * 1000
    let next = 0
    const worker = async (): Promise<void> => {
      while (Date.now() < deadline && next < maxRequests && crashes.length < MAX_CRASHES) {
        if (restarting !== undefined) {
          await restarting
          continue
        }
        if (!target.alive()) { // it has just died: the restart starts when its exit is seen
          await new Promise((resolve) => setTimeout(resolve, 20))
          continue
        }
        const request = generateRequest(context, next++)
        const sentIn = generation
        inFlight.set(request.index, request)
        const outcome = await sendRaw(target.port, request.bytes, { ...request, timeoutMs: request.framed ? timeoutMs : stallMs })
        inFlight.delete(request.index)
        recent.push(request)
        if (recent.length > RECENT) recent.shift()
        tally.record(request, outcome, sentIn !== generation)
        if (Date.now() >= progressAt) {
          progressAt += 5000
          log(`${Math.round((Date.now() - started) / 1000)} s: ${tally.sent} requests, ${tally.unexpected5xx} unexpected 5xx, ${crashes.length} crashes`)
        }
      }
    }
    await Promise.all(Array.from({ length: concurrency }, worker))
    const durationMs = Date.now() - started
    clearInterval(sampler)
    if (restarting !== undefined) await restarting

    const answersAfterRun = target.alive() && await answersPlainGet(target.port, timeoutMs)
    const endStats = await target.stats()
    if (endStats !== undefined) rssPeak = Math.max(rssPeak, endStats.rss)
    stopping = true
    await target.stop()

    const crashDetails: CrashReport[] = []
    for (const crash of crashes) {
      const culprit = crashDetails.length < 3 ? await isolateCrash(key, crash.suspects, { timeoutMs, stallMs }) : undefined
      crashDetails.push({
        atMs: crash.atMs, code: crash.exit.code, signal: crash.exit.signal, stderr: crash.exit.stderr,
        inFlight: crash.inFlight.map((request) => findingOf(request, 'in flight when the target crashed')),
        reproducer: culprit === undefined ? undefined : findingOf(culprit, 'crashed a fresh target on its own'),
      })
    }

    const logCounts: LogCounts = { errors: 0, deliberateErrors: 0, warnings: 0, debugLines: 0, errorSamples: [] }
    addCounts(logCounts, carriedLog)
    addCounts(logCounts, endStats?.log ?? lastStats?.log)
    const failures: string[] = []
    if (crashes.length > 0) failures.push(`${crashes.length} crash(es) of the target process`)
    if (tally.unexpected5xx > 0) failures.push(`${tally.unexpected5xx} unexpected 5xx response(s)`)
    if (tally.session.tamperedAccepted > 0) failures.push(`${tally.session.tamperedAccepted} tampered session cookie(s) accepted`)
    if (tally.hangs > 0) failures.push(`${tally.hangs} complete request(s) left unanswered (hangs)`)
    if (!answersAfterRun) failures.push('the target no longer answers a plain GET / after the run')

    return {
      date: new Date().toISOString(),
      node: process.version,
      seed,
      options: { seconds: options.seconds, maxRequests: Number.isFinite(maxRequests) ? maxRequests : null, concurrency, timeoutMs, stallMs },
      durationMs,
      requests: { sent: tally.sent, perSecond: Math.round(tally.sent / (durationMs / 1000)) },
      byStatus: tally.byStatus,
      categories: tally.categories,
      unanswered: {
        closed: tally.closed, reset: tally.reset, truncated: tally.truncated, truncatedAfterHalfClose: tally.truncatedAfterHalfClose,
        incompleteTimedOut: tally.unansweredIncomplete,
        garbled: tally.garbled, lostToCrash: tally.lostToCrash,
      },
      hangs: tally.hangs,
      crashes: crashes.length,
      crashDetails,
      unexpected5xx: tally.unexpected5xx,
      meant5xx: tally.meant5xx,
      session: { tokens: tokens.length, ...tally.session },
      server: {
        rssStart: startStats.rss, rssEnd: endStats?.rss ?? null, rssPeak, heapStart: startStats.heapUsed, heapEnd: endStats?.heapUsed ?? null,
        appRequests: carriedRequests + (endStats?.counters.requests ?? lastStats?.counters.requests ?? 0),
        answersAfterRun,
      },
      log: { ...logCounts, otherErrors: logCounts.errors - logCounts.deliberateErrors },
      findings: tally.findings,
      failures,
      ok: failures.length === 0,
    }
  } finally {
    clearInterval(sampler)
    stopping = true
    await restarting?.catch(() => {}) // a target being restarted must not be left running either
    await target.stop()
  }
}
