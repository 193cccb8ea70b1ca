// routechain's tracing channels, seen by plain node:diagnostics_channel subscribers: the exact order of the
// `routechain.request` and `routechain.step` events and what their contexts hold, through every entry point.
import { tracingChannel, type TracingChannelSubscribers } from 'node:diagnostics_channel'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createApp, type App, type Next, type RouteRequest } from '../../src/index.js'
import { sleep } from '../_helpers/async.js'
import { ENTRY_POINTS, exchange, type Answer, type EntryPoint, type NeutralRequest } from '../_helpers/entry-points.js'
import { recordingLogger } from '../_helpers/http.js'

/** A request event's context, as the spec gives it. */
interface RequestContext { req: RouteRequest & { route?: string }; route: string | undefined; method: string; status?: number; error?: unknown }
/** A step event's context. */
interface StepContext { req: RouteRequest; route: string | undefined; step: string; index: number; result?: unknown; error?: unknown }

type EventName = 'start' | 'end' | 'asyncStart' | 'asyncEnd' | 'error'

/** What the subscribers saw, in order: one line per event, and the contexts for identity checks. */
interface Seen {
  lines: string[]
  requests: RequestContext[]
  steps: StepContext[]
  /** Each request context's `status` and `error` as `start` saw them. */
  atStart: { status: unknown; error: unknown }[]
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function requestLine(event: EventName, ctx: RequestContext): string {
  let line = `request ${event} ${ctx.method} ${ctx.route ?? '(no route)'}`
  if (event === 'error') line += ` ${describeError(ctx.error)}`
  if (event === 'asyncStart' || event === 'asyncEnd') line += ` → ${String(ctx.status)}`
  return line
}

function stepLine(event: EventName, ctx: StepContext): string {
  let line = `  step ${event} #${ctx.index} ${ctx.step}`
  if (event === 'error') line += ` ${describeError(ctx.error)}`
  return line
}

/** One handler per event, each handing its name and context to `record`. */
function recorder(record: (event: EventName, message: object) => void): TracingChannelSubscribers<object> {
  return {
    start: (message) => record('start', message),
    end: (message) => record('end', message),
    asyncStart: (message) => record('asyncStart', message),
    asyncEnd: (message) => record('asyncEnd', message),
    error: (message) => record('error', message),
  }
}

/** Subscribes to both channels for the length of `run`, with one handler per event that records it. */
async function observe(run: () => Promise<void>): Promise<Seen> {
  const seen: Seen = { lines: [], requests: [], steps: [], atStart: [] }
  const requestHandlers = recorder((event, message) => {
    const ctx = message as RequestContext
    seen.lines.push(requestLine(event, ctx))
    // a subscriber that throws crashes the process (node rethrows on the next tick): record, assert later
    if (event === 'start') {
      seen.requests.push(ctx)
      seen.atStart.push({ status: ctx.status, error: ctx.error })
    }
  })
  const stepHandlers = recorder((event, message) => {
    const ctx = message as StepContext
    seen.lines.push(stepLine(event, ctx))
    if (event === 'start') seen.steps.push(ctx)
  })
  const requests = tracingChannel('routechain.request')
  const steps = tracingChannel('routechain.step')
  requests.subscribe(requestHandlers)
  steps.subscribe(stepHandlers)
  try {
    await run()
    // the last asyncEnd may come just after the answer: wait for it, briefly
    for (let waited = 0; waited < 1000 && countOf(seen, 'asyncEnd') < seen.requests.length; waited += 5) await sleep(5)
  } finally {
    requests.unsubscribe(requestHandlers)
    steps.unsubscribe(stepHandlers)
  }
  return seen
}

function countOf(seen: Seen, event: EventName): number {
  return seen.lines.filter((line) => line.startsWith(`request ${event} `)).length
}

// ---- the app: an app-level step, an onion route, routes that throw, and whatever 404s

function appStep(_req: RouteRequest): void {}

async function around(_req: RouteRequest, next: Next): Promise<void> {
  const res = await next()
  res.header('x-around', 'yes')
}

function buildApp(): App {
  const app = createApp({ logger: recordingLogger().logger })
  app.use(appStep)
  app.get('/onion/:id', around, function handler(req) { return `post ${req.params.id}` })
  app.get('/throws', function thrower(): never { throw new Error('boom') })
  app.get('/rejects', async function rejecter(): Promise<never> { throw new Error('async boom') })
  app.get('/caught', around, function thrower(): never { throw new Error('caught boom') })
  return app
}

interface ChannelCase {
  name: string
  request: NeutralRequest
  status: number
  /** Every event, in order, as {@link requestLine} and {@link stepLine} print them. */
  events: string[]
}

const CASES: readonly ChannelCase[] = [
  {
    name: 'an onion step: the inner steps run inside it, and it settles after the request\'s synchronous part',
    request: { method: 'GET', path: '/onion/7' },
    status: 200,
    events: [
      'request start GET /onion/:id',
      '  step start #0 appStep',
      '  step end #0 appStep',
      '  step start #1 around',
      '  step start #2 handler',
      '  step end #2 handler',
      '  step end #1 around',
      'request end GET /onion/:id',
      '  step asyncStart #1 around',
      '  step asyncEnd #1 around',
      'request asyncStart GET /onion/:id → 200',
      'request asyncEnd GET /onion/:id → 200',
    ],
  },
  {
    name: 'a step that throws: its error before its end, the request\'s error after its end, then 500',
    request: { method: 'GET', path: '/throws' },
    status: 500,
    events: [
      'request start GET /throws',
      '  step start #0 appStep',
      '  step end #0 appStep',
      '  step start #1 thrower',
      '  step error #1 thrower boom',
      '  step end #1 thrower',
      'request end GET /throws',
      'request error GET /throws boom',
      'request asyncStart GET /throws → 500',
      'request asyncEnd GET /throws → 500',
    ],
  },
  {
    name: 'a step that rejects: its error comes with its asyncStart, after the request\'s end',
    request: { method: 'GET', path: '/rejects' },
    status: 500,
    events: [
      'request start GET /rejects',
      '  step start #0 appStep',
      '  step end #0 appStep',
      '  step start #1 rejecter',
      '  step end #1 rejecter',
      'request end GET /rejects',
      '  step error #1 rejecter async boom',
      '  step asyncStart #1 rejecter',
      '  step asyncEnd #1 rejecter',
      'request error GET /rejects async boom',
      'request asyncStart GET /rejects → 500',
      'request asyncEnd GET /rejects → 500',
    ],
  },
  {
    name: 'a step that throws under an onion step: the step reports it, and the request reports the error answer next() passed on',
    request: { method: 'GET', path: '/caught' },
    status: 500,
    events: [
      'request start GET /caught',
      '  step start #0 appStep',
      '  step end #0 appStep',
      '  step start #1 around',
      '  step start #2 thrower',
      '  step error #2 thrower caught boom',
      '  step end #2 thrower',
      '  step end #1 around',
      'request end GET /caught',
      '  step asyncStart #1 around',
      '  step asyncEnd #1 around',
      'request error GET /caught caught boom',
      'request asyncStart GET /caught → 500',
      'request asyncEnd GET /caught → 500',
    ],
  },
  {
    name: 'a 404: no route, the app\'s use steps and the not-found answer',
    request: { method: 'GET', path: '/missing' },
    status: 404,
    events: [
      'request start GET (no route)',
      '  step start #0 appStep',
      '  step end #0 appStep',
      '  step start #1 notFound',
      '  step end #1 notFound',
      'request end GET (no route)',
      'request asyncStart GET (no route) → 404',
      'request asyncEnd GET (no route) → 404',
    ],
  },
]

const channels = suite('tracing channels')

async function run(entry: EntryPoint, request: NeutralRequest): Promise<{ answer: Answer; seen: Seen }> {
  let answer: Answer | undefined
  const app = buildApp()
  const seen = await observe(async () => {
    [answer] = await exchange(entry, app, [request])
  })
  return { answer: answer as Answer, seen }
}

for (const entry of ENTRY_POINTS) {
  for (const c of CASES) {
    channels(`${entry.name}: ${c.name}`, async () => {
      const { answer, seen } = await run(entry, c.request)
      assert.is(answer.status, c.status)
      assert.equal(seen.lines, c.events)
    })
  }

  channels(`${entry.name}: every event of a request carries the same req, whose route is the pattern`, async () => {
    const { seen } = await run(entry, { method: 'GET', path: '/onion/7?x=1' })
    const [request] = seen.requests
    assert.is(seen.requests.length, 1)
    assert.is(request?.route, '/onion/:id')
    assert.is(request?.method, 'GET')
    assert.is(request?.req.route, '/onion/:id')
    assert.is(request?.req.params.id, '7')
    assert.equal(seen.atStart, [{ status: undefined, error: undefined }], 'neither status nor error at start')
    assert.is(request?.status, 200)
    assert.is(request?.error, undefined)
    assert.equal(seen.steps.map((s) => [s.index, s.step, s.route]), [[0, 'appStep', '/onion/:id'], [1, 'around', '/onion/:id'], [2, 'handler', '/onion/:id']])
    assert.ok(seen.steps.every((s) => s.req === request?.req), 'the steps see the request\'s req')
    assert.is(seen.steps[2]?.result, 'post 7', 'a step\'s context holds what it returned')
  })

  channels(`${entry.name}: the failed request's context holds the error, and a 404's steps have no route`, async () => {
    const failed = await run(entry, { method: 'GET', path: '/throws' })
    assert.instance(failed.seen.requests[0]?.error, Error)
    assert.is(describeError(failed.seen.requests[0]?.error), 'boom')
    assert.is(failed.seen.requests[0]?.status, 500)
    assert.is(failed.seen.steps[1]?.error, failed.seen.requests[0]?.error, 'the same error object')
    const missed = await run(entry, { method: 'GET', path: '/missing' })
    assert.is(missed.seen.requests[0]?.req.route, undefined)
    assert.equal(missed.seen.steps.map((s) => s.route), [undefined, undefined])
  })
}

channels('once the subscribers leave, the channels have none and requests still answer', async () => {
  const [answer] = await exchange(ENTRY_POINTS[0] as EntryPoint, buildApp(), [{ method: 'GET', path: '/onion/1' }])
  assert.is(answer?.status, 200)
  assert.not.ok(tracingChannel('routechain.request').hasSubscribers)
})

channels.run()
