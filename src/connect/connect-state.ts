import { IncomingMessage } from 'node:http'
import type { RouteRequest } from '../http/route-request.js'
import { ConnectResponse } from './connect-response.js'
import type { SessionView } from './session-view.js'
import { WebIncoming } from './web-incoming.js'

/** What every `fromConnect()` step of one request shares, so the middleware see one `req` and one `res`. */
export interface ConnectState {
  readonly req: ConnectIncoming
  readonly res: ConnectResponse
  /** The fields a request of this kind has before any middleware ran: any other is what middleware added. */
  readonly baseline: Baseline
  /** Called when the response head goes out: set while a middleware runs, or while a reply plays through. */
  onHead: (() => void) | undefined
  /** Whether a reply already went through `res` (a later fromConnect step, further out, leaves it alone). */
  played: boolean
  sessionView: SessionView | undefined
}

interface Baseline {
  readonly keys: ReadonlySet<string>
  /** How many there are: fields added later come after them in `Object.keys` order. */
  readonly count: number
}

export type ConnectIncoming = (IncomingMessage | WebIncoming) & { url: string; originalUrl?: string; baseUrl?: string; session?: unknown }

const STATE: unique symbol = Symbol('routechain.connect')
/** The fields of a fresh request, per kind (node's IncomingMessage, WebIncoming): the same for every request of it. */
const baselines = new WeakMap<object, Baseline>()

type Holder = RouteRequest & { [STATE]?: ConnectState }

function baselineOf(incoming: ConnectIncoming): Baseline {
  const kind = incoming.constructor
  let baseline = baselines.get(kind)
  if (baseline === undefined) {
    const keys = Object.keys(incoming)
    baseline = { keys: new Set(keys), count: keys.length }
    baselines.set(kind, baseline)
  }
  return baseline
}

export function stateOf(req: RouteRequest): ConnectState {
  const holder = req as Holder
  const known = holder[STATE]
  if (known !== undefined) return known
  const raw = req.raw
  const incoming = (raw instanceof IncomingMessage ? raw : new WebIncoming(raw, req.url, req.headers, req.ip, req.secure)) as ConnectIncoming
  const baseline = baselineOf(incoming)
  incoming.originalUrl ??= req.url
  const state: ConnectState = {
    req: incoming,
    res: new ConnectResponse(incoming as IncomingMessage, () => state.onHead?.()),
    baseline,
    onHead: undefined,
    played: false,
    sessionView: undefined,
  }
  holder[STATE] = state
  return state
}

/**
 * Under a wildcard route (`/static/*`), the middleware sees the URL below the wildcard's prefix, as Express
 * shows `app.use('/static', …)` middleware the URL below its mount point: `req.url` is `/app.css?v=1`,
 * `req.baseUrl` `/static`, `req.originalUrl` the whole URL. Elsewhere it sees the whole URL.
 */
export function mountedUrl(req: RouteRequest): { url: string; base: string } | undefined {
  const route = req.route
  if (route === undefined || !route.endsWith('*')) return undefined
  // find-my-way's parameters never span a '/', so the prefix has as many segments in the pattern as in the path
  const slashes = route.split('/').length - 1
  const path = req.path
  let at = -1
  for (let i = 0; i < slashes; i++) {
    at = path.indexOf('/', at + 1)
    if (at === -1) return undefined
  }
  const query = req.url.indexOf('?')
  return { url: path.slice(at) + (query === -1 ? '' : req.url.slice(query)), base: path.slice(0, at) }
}

/** Copies what the middleware added to its `req` (`req.user`, `req.file`) onto routechain's request. */
export function copyAdded(state: ConnectState, req: RouteRequest): void {
  const source = state.req as unknown as Record<string, unknown>
  const keys = Object.keys(source)
  const { keys: baseline, count } = state.baseline
  if (keys.length <= count) return
  const target = req as unknown as Record<string, unknown>
  for (let i = count; i < keys.length; i++) {
    const key = keys[i] as string
    // '_' fields are a middleware's own bookkeeping (passport's _sessionManager, parseurl's _parsedUrl)
    if (baseline.has(key) || key.startsWith('_') || key === 'session' || key === 'originalUrl' || key === 'baseUrl') continue
    // routechain's own fields (url, params, session()…) stay routechain's
    if (key in target && !Object.hasOwn(target, key)) continue
    target[key] = source[key]
  }
}
