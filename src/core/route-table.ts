import { METHODS } from 'node:http'
import FindMyWay from 'find-my-way'
import type { AnyStep, Chain } from './chain.js'
import { stepName } from './chain.js'
import { configError } from '../errors.js'
import { runs } from './step-meta.js'
import { WS_METHOD } from './upgrade.js'
import type { RouterState } from './router.js'

/** A route as `app.routes()` lists it: method, full path through mounts, and the names of its steps. */
export interface RouteEntry {
  /** The method, or `ALL` for a route added with `all()`. */
  readonly method: string
  /** The full path, prefixes included. */
  readonly path: string
  /** The names of the steps that run, in order: app `use` steps, each router's `use` steps, the route's own. */
  readonly steps: readonly string[]
}

/**
 * What the table stores for a route: its full path, its steps, and its chains, each composed on the first
 * request that needs it: the plain one, and one that reports each step to observers.
 */
export interface CompiledRoute {
  readonly path: string
  readonly steps: readonly AnyStep[]
  chain: Chain | undefined
  observed: Chain | undefined
}

/** Composes a route's chain; `observed` asks for the one whose steps report to observers. */
export type ComposeRoute = (route: CompiledRoute, observed: boolean) => Chain

/** The route-table options passed through to find-my-way. */
export interface RoutingOptions {
  /** `/a/` matches `/a`. @default false */
  ignoreTrailingSlash?: boolean
  /** `//a` matches `/a`. @default false */
  ignoreDuplicateSlashes?: boolean
  /** Paths match case-sensitively. @default true */
  caseSensitive?: boolean
  /** The longest path parameter matched, in characters; longer ones do not match (404). @default 100 */
  maxParamLength?: number
}

/** A route of the table with the steps themselves, for what documents the routes (OpenAPI). */
export interface TableRoute {
  /** The methods; node's whole METHODS list for a route added with `all()`. */
  readonly methods: readonly string[]
  /** The full path, prefixes included. */
  readonly path: string
  /** Every step in order, metadata-only ones included. */
  readonly steps: readonly AnyStep[]
}

type FlatRoute = TableRoute

/** A found route: find-my-way's own answer, handed on as it is so a lookup allocates nothing more. */
export interface FoundRoute {
  readonly store: CompiledRoute
  readonly params: Record<string, string>
  /** The raw query string (find-my-way's `querystringParser` here passes it through unparsed). */
  readonly searchParams: string
}

/** The answer of {@link RouteTable.find}: a route with its params, nothing, or a malformed URL. */
export type Lookup = FoundRoute | null | typeof MALFORMED

/** Returned by lookups when the URL cannot be decoded. */
export const MALFORMED: unique symbol = Symbol('malformed url')

const MAX_MOUNT_DEPTH = 64

function joinPath(prefix: string, path: string): string {
  return prefix !== '' && path === '/' ? prefix : prefix + path
}

function flatten(state: RouterState, prefix: string, uses: readonly AnyStep[], depth: number, into: FlatRoute[]): FlatRoute[] {
  if (depth > MAX_MOUNT_DEPTH) configError(`mounts nest deeper than ${MAX_MOUNT_DEPTH} levels at "${prefix}": is a router mounted inside itself?`)
  const chainUses = [...uses, ...state.uses]
  for (const route of state.routes) {
    into.push({ methods: route.methods, path: joinPath(prefix, route.path), steps: [...chainUses, ...route.steps] })
  }
  for (const mount of state.mounts) flatten(mount.router, prefix + mount.prefix, chainUses, depth + 1, into)
  return into
}

function freeze(state: RouterState): void {
  state.frozen = true
  for (const mount of state.mounts) freeze(mount.router)
}

function noop(): void {}

function passQuerystring(querystring: string): string {
  return querystring
}

/**
 * The app's route table: every route of the router tree, flattened through mounts, each chain composed once.
 * find-my-way finds the route; the table stores what it runs.
 */
export class RouteTable {
  readonly #router: FindMyWay.Instance<FindMyWay.HTTPVersion.V1>
  /** WebSocket routes, apart: a path may serve both a GET route and a WebSocket route. */
  readonly #ws: FindMyWay.Instance<FindMyWay.HTTPVersion.V1>
  readonly #methods: string[]
  readonly #routes: readonly FlatRoute[]
  readonly #composeRoute: ComposeRoute

  constructor(root: RouterState, options: RoutingOptions, composeRoute: ComposeRoute) {
    this.#composeRoute = composeRoute
    // find-my-way hands back the raw query string; requests parse it only when a step reads `query`
    this.#router = FindMyWay({ ...options, onBadUrl: noop, querystringParser: passQuerystring as never })
    this.#ws = FindMyWay({ ...options, onBadUrl: noop, querystringParser: passQuerystring as never })
    const routes = flatten(root, '', [], 0, [])
    freeze(root)
    const methods = new Set<string>()
    for (const flat of routes) {
      const compiled: CompiledRoute = { path: flat.path, steps: flat.steps, chain: undefined, observed: undefined }
      for (const method of flat.methods) {
        this.#on(method, flat.path, compiled)
        methods.add(method)
      }
    }
    this.#methods = [...methods]
    this.#routes = routes
  }

  /** Every route with its steps: each router's own, then those of its mounts. */
  routesWithSteps(): readonly TableRoute[] {
    return this.#routes
  }

  /** Every route: each router's own, then those of its mounts. */
  entries(): RouteEntry[] {
    return this.#routes.map((flat) => ({
      method: flat.methods === METHODS ? 'ALL' : flat.methods.join(','),
      path: flat.path,
      steps: flat.steps.filter(runs).map(stepName),
    }))
  }

  /**
   * A route's chain, composed on its first request (once; registering thousands of routes stays cheap). Any
   * compiled route will do, the app's answer for requests no route matched too.
   */
  chainOf(route: CompiledRoute): Chain {
    return (route.chain ??= this.#composeRoute(route, false))
  }

  /** A route's chain whose steps report to observers, composed on the first request someone observes. */
  observedChainOf(route: CompiledRoute): Chain {
    return (route.observed ??= this.#composeRoute(route, true))
  }

  /** Finds the route for a method and request target (path and query string). */
  find(method: string, url: string): Lookup {
    // a NUL in the path is well-formed percent-encoding, yet no real path holds one and file systems and C
    // libraries cut strings at it: refuse it with the malformed URLs
    const nul = url.indexOf('%00')
    if (nul !== -1) {
      const query = url.indexOf('?')
      if (query === -1 || nul < query) return MALFORMED
    }
    if (method === WS_METHOD) return this.#found(this.#ws.find('GET', url))
    let found = this.#router.find(method as FindMyWay.HTTPMethod, url)
    // GET routes answer HEAD unless a HEAD route matched: looked up here rather than registered twice
    if (found === null && method === 'HEAD') found = this.#router.find('GET', url)
    return this.#found(found)
  }

  #found(found: ReturnType<FindMyWay.Instance<FindMyWay.HTTPVersion.V1>['find']>): Lookup {
    if (found === null) return null
    if (found.store === null) return MALFORMED
    return found as unknown as FoundRoute
  }

  /**
   * The methods that have a route for this URL, for `Allow`, with `WS` for a WebSocket route; {@link MALFORMED}
   * when the URL cannot be decoded.
   */
  allowed(url: string): string[] | typeof MALFORMED {
    if (url === '*') { // `OPTIONS *` asks about the server as a whole
      const http = this.#methods.filter((method) => method !== WS_METHOD)
      return http.includes('GET') && !http.includes('HEAD') ? [...http, 'HEAD'] : http
    }
    const allow: string[] = []
    for (const method of this.#methods) {
      const found = this.find(method, url)
      if (found === MALFORMED) return MALFORMED
      if (found !== null) allow.push(method)
    }
    if (allow.includes('GET') && !allow.includes('HEAD')) allow.push('HEAD')
    return allow
  }

  #on(method: string, path: string, route: CompiledRoute): void {
    try {
      if (method === WS_METHOD) this.#ws.on('GET', path, noop, route)
      else this.#router.on(method as FindMyWay.HTTPMethod, path, noop, route)
    } catch (error) {
      const message = (error as Error).message
      const hint = /is not safe/.test(message)
        ? 'it can backtrack catastrophically on hostile input (ReDoS); simplify the regex, or take a plain :param and check it in a step'
        : 'each method and path may be registered once; check the path syntax'
      configError(`cannot add route ${method} ${path}: ${message.replace(/!?\.?$/, '')}; ${hint}`)
    }
  }
}
