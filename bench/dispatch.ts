// In-process: the cost of running a found route's chain, against the floor and the composers users know.
import { tracingChannel } from 'node:diagnostics_channel'
import koaCompose from 'koa-compose'
import { do_not_optimize, measure } from 'mitata'
import { compose } from '../src/core/chain.js'
import { createApp } from '../src/index.js'
import { honoCompose } from './hono-compose.js'
import { tokenOf, USERS } from './spec.js'
import { median } from './stats.js'

/** One in-process case: its median time per call and its ratio to the case it is compared with. */
export interface TimedCase {
  readonly group: string
  readonly name: string
  readonly medianNs: number
  readonly p99Ns: number
  /** Median time divided by the group's baseline median. */
  readonly ratio: number
  readonly baseline: string
}

interface Req { headers: { authorization: string }; params: { id: string }; user?: { name: string; permissions: string[] } }
const fresh = (): Req => ({ headers: { authorization: 'Bearer t' }, params: { id: '42' } })

// The three steps of the HTTP bench, synchronous.
const authenticate = (req: Req): unknown => {
  const user = USERS[tokenOf(req.headers.authorization) ?? '']
  if (user === undefined) return 'unauthenticated'
  req.user = user
  return undefined
}
const authorise = (req: Req): unknown => (req.user?.permissions.includes('post:read') === true ? undefined : 'forbidden')
const handler = (req: Req): unknown => ({ id: req.params.id, user: req.user?.name })

const asyncAuthenticate = async (req: Req): Promise<unknown> => authenticate(req)
const asyncAuthorise = async (req: Req): Promise<unknown> => authorise(req)
const asyncHandler = async (req: Req): Promise<unknown> => handler(req)
const onion = async (_req: Req, next: () => Promise<unknown>): Promise<void> => { await next() }
// three onion steps as users write them: some work, then the rest's answer passed back
const onionStep = (check: (req: Req) => unknown) => async (req: Req, next: () => Promise<unknown>): Promise<unknown> => {
  check(req)
  return await next()
}
/** authenticate as an onion step: the same work, then the rest's answer passed back. */
const onionAuthenticate = async (req: Req, next: () => Promise<unknown>): Promise<unknown> => {
  const refused = authenticate(req)
  return refused !== undefined ? refused : await next()
}
const QUIET = { error() {}, warn() {}, info() {}, debug() {} }
/** What the server composes a route's chain with: next() settles the rest's answer and never rejects. */
const SERVER_CHAIN = { settle: (value: unknown) => value, onRestError: (error: unknown) => error }

/**
 * Measures one function; mitata awaits it when it returns a promise. By default mitata times a function that
 * takes under 65 µs in batches of 4,096 calls (each sample, and so p99, is a batch's mean); `perCall` times
 * every call on its own, so p99 is one call's, for cases long enough that the clock's cost does not matter.
 */
export async function time(fn: () => unknown, quick: boolean, perCall = false): Promise<{ p50: number; p99: number }> {
  const stats = await measure(fn, { min_cpu_time: (quick ? 30 : 150) * 1e6, min_samples: quick ? 6 : 24, ...(perCall ? { batch_threshold: 0 } : {}) })
  return { p50: stats.p50, p99: stats.p99 }
}

/** One case to time: its group, its name, and the call. The first case of a group is its baseline. */
export type CaseSpec = readonly [group: string, name: string, fn: () => unknown]

/**
 * Times cases in interleaved rounds (every case once per round, in turn) and reports, per case, the median
 * of its per-round medians and the median of its per-round ratios to its group's baseline in the same round:
 * paired, so drift in the machine's speed cancels out. `perCall`: see {@link time}.
 */
export async function timeInRounds(cases: readonly CaseSpec[], quick: boolean, perCall = false): Promise<TimedCase[]> {
  const rounds = quick ? 1 : 5
  const runs = cases.map((): { p50: number; p99: number }[] => [])
  for (let round = 0; round < rounds; round++) {
    for (const [i, [, , fn]] of cases.entries()) runs[i]?.push(await time(fn, quick, perCall))
  }
  const baselineOf = (group: string): number => cases.findIndex(([g]) => g === group)
  return cases.map(([group, name], i) => {
    const mine = runs[i] ?? []
    const base = runs[baselineOf(group)] ?? []
    return {
      group, name, baseline: cases[baselineOf(group)]?.[1] ?? name,
      medianNs: median(mine.map((r) => r.p50)), p99Ns: median(mine.map((r) => r.p99)),
      ratio: median(mine.map((r, round) => r.p50 / (base[round]?.p50 ?? Number.NaN))),
    }
  })
}

/** Runs the dispatch cases. */
export async function benchDispatch(quick: boolean): Promise<TimedCase[]> {
  const sync = compose([authenticate, authorise, handler] as never[])
  const asyncChain = compose([asyncAuthenticate, asyncAuthorise, asyncHandler] as never[])
  const onionChain = compose([onion, authenticate, authorise, handler] as never[])
  const threeOnions = compose([onionStep(authenticate), onionStep(authorise), onionStep(handler)] as never[], SERVER_CHAIN)
  const koaOnions = koaCompose<{ req: Req }>([
    async (ctx, next) => { authenticate(ctx.req); await next() },
    async (ctx, next) => { authorise(ctx.req); await next() },
    async (ctx, next) => { handler(ctx.req); await next() },
  ])
  const plainApp = createApp({ logger: QUIET })
  plainApp.get('/post/:id', authenticate as never, authorise as never, handler as never)
  const onionApp = createApp({ logger: QUIET })
  onionApp.get('/post/:id', onionAuthenticate as never, authorise as never, handler as never)
  type Ctx = { req: Req; body?: unknown }
  const koa = koaCompose<Ctx>([
    async (ctx, next) => { if (authenticate(ctx.req) === undefined) await next() },
    async (ctx, next) => { if (authorise(ctx.req) === undefined) await next() },
    async (ctx) => { ctx.body = handler(ctx.req) },
  ])
  const hono = honoCompose([
    async (c, next) => { if (authenticate(c.req.raw as Req) === undefined) await next() },
    async (c, next) => { if (authorise(c.req.raw as Req) === undefined) await next() },
    async (c) => handler(c.req.raw as Req),
  ])

  const floor = (): void => {
    const req = fresh()
    authenticate(req)
    authorise(req)
    do_not_optimize(handler(req))
  }
  const koaCase = (): unknown => koa({ req: fresh() })
  // what dispatch asks of the tracing channels on every request when nobody subscribes
  const requests = tracingChannel('routechain.request')
  const steps = tracingChannel('routechain.step')
  const checked = (): unknown => do_not_optimize(steps.hasSubscribers || requests.hasSubscribers ? undefined : sync(fresh()))
  return timeInRounds([
    ['3 sync steps', 'three direct calls (floor)', floor],
    ['3 sync steps', 'routechain compose', () => do_not_optimize(sync(fresh()))],
    ['3 async steps', 'koa-compose', koaCase],
    ['3 async steps', 'routechain compose', () => asyncChain(fresh())],
    ['3 async steps', 'hono compose', () => hono(fresh())],
    ['onion + 3 sync steps', 'koa-compose (3 async steps)', koaCase],
    ['onion + 3 sync steps', 'routechain compose', () => onionChain(fresh())],
    ['3 onion steps', 'koa-compose', () => koaOnions({ req: fresh() })],
    ['3 onion steps', 'routechain compose (the server\'s next())', () => threeOnions(fresh())],
    ['a 3-step route through app.request()', 'all plain steps', () => plainApp.request('/post/1', { headers: { authorization: 'Bearer t' } })],
    ['a 3-step route through app.request()', 'one onion step, then 2 plain', () => onionApp.request('/post/1', { headers: { authorization: 'Bearer t' } })],
    ['tracing channels, no subscriber', 'routechain compose, 3 sync steps', () => do_not_optimize(sync(fresh()))],
    ['tracing channels, no subscriber', 'the same + both channel checks', checked],
  ], quick)
}
