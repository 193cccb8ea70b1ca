import { METHODS } from 'node:http'
import type { AnyStep } from './chain.js'
import { configError } from '../errors.js'
import type { Params } from './params.js'
import type { MatchedRequest } from '../http/route-request.js'
import type { AllMethods, Prefixed } from './route-map.js'
import type { AddRoute, AddUse, AddWebSocket, RouterTypes, routerTypes, Typed, WithRoutes } from './route-types.js'
import { upgradeStep, WS_METHOD } from './upgrade.js'

/** An HTTP method name, upper case. Any method `node:http` parses is accepted. */
export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS' | (string & {})

/** One route as registered on a router, before mounting. */
export interface RouteDefinition {
  readonly methods: readonly string[]
  readonly path: string
  readonly steps: readonly AnyStep[]
}

/** What a router holds: read by the app when it builds its route table. */
export interface RouterState {
  readonly uses: AnyStep[]
  readonly routes: RouteDefinition[]
  readonly mounts: { readonly prefix: string; readonly router: RouterState }[]
  /** Set once an app serving this router has built its table; later changes throw. */
  frozen: boolean
  /** Set for an App, which cannot be mounted: its own options and handlers would be ignored there. */
  isApp: boolean
}

/** A router's types: its context and prefix, the request its `use()` steps get, and itself widened by `added`. */
export interface RouterTyping<Ctx extends object, Prefix extends string> extends RouterTypes {
  readonly ctx: Ctx
  readonly prefix: Prefix
  readonly useWith: (req: MatchedRequest<Params<Prefix>> & Ctx) => void
  readonly mountedWith: (params: Params<Prefix>, ctx: Ctx) => void
  readonly added: {}
  readonly routes: {}
  readonly widened: Router<Ctx & this['added'], Prefix>
}

/** The routes in a router's type, or none when `R` is not a router (a `mount()` builder that returns nothing). */
export type RoutesOf<R> = R extends { readonly [routerTypes]?: { readonly routes: infer Routes } } ? Routes : {}

/** The key under which a router exposes its state to the app that mounts it. */
export const routerState: unique symbol = Symbol('routechain.router')

/**
 * A router that can be mounted where the request carries `P` (params) and `C` (context). A router declaring
 * prefix params or context (`new Router<{ user: User }, '/users/:userId'>()`) fits only where both are there.
 * Mounting an App throws.
 */
export interface Mountable<P extends object = {}, C extends object = {}> {
  readonly [routerState]: RouterState
  /** Type-level only: checks, contravariantly, that the mount point provides what the router needs. */
  readonly [routerTypes]?: { readonly mountedWith: (params: P, ctx: C) => void }
}

const KNOWN_METHODS = new Set(METHODS)

function checkMethod(method: string): string {
  if (!KNOWN_METHODS.has(method)) {
    configError(`unknown HTTP method "${method}": use one of ${METHODS.join(', ')} (upper case)`)
  }
  return method
}

function checkSteps(where: string, steps: readonly unknown[]): AnyStep[] {
  if (steps.length === 0) configError(`${where} needs at least one step`)
  steps.forEach((step, index) => {
    if (typeof step !== 'function') configError(`${where}: step ${index + 1} is a ${typeof step}, not a function`)
    // a step is (req, next); three or four parameters is the Express signature, which would fail on every request
    if (step.length === 3) {
      configError(`${where}: step ${index + 1} (${step.name || 'anonymous'}) takes (req, res, next), an Express/connect middleware: wrap it as fromConnect(middleware)`)
    }
    if (step.length === 4) {
      configError(`${where}: step ${index + 1} (${step.name || 'anonymous'}) takes (err, req, res, next), an Express error handler: answer errors with app.onError((error, req) => …)`)
    }
  })
  return steps as AnyStep[]
}

/** Normalises a mount prefix: starts with '/', no trailing '/'; '/' itself becomes ''. */
function checkPrefix(prefix: string): string {
  if (typeof prefix !== 'string' || !prefix.startsWith('/')) {
    configError(`a mount prefix must start with '/', got ${JSON.stringify(prefix)}`)
  }
  return prefix.replace(/\/+$/, '')
}

/**
 * A set of routes with their own `use` steps, mountable under a prefix. `Ctx` declares what the request
 * carries for every route of this router; `Prefix` declares the mount path whose params its routes see.
 *
 * @example
 * const posts = new Router()
 * posts.use(logRequest)
 * posts.get('/:id', authenticate, authorise(['post:read']), getPost)
 * app.mount('/post', posts)
 */
export class Router<Ctx extends object = {}, Prefix extends string = ''> {
  readonly #state: RouterState = { uses: [], routes: [], mounts: [], frozen: false, isApp: false }
  /** Type-level only: the context and mount prefix the route methods type requests with, and the routes. */
  declare readonly [routerTypes]?: RouterTyping<Ctx, Prefix>

  /** The router's routes, steps and mounts, read by the app that serves it; the key is not exported, so steps cannot reach it. */
  get [routerState](): RouterState {
    return this.#state
  }

  /**
   * Mounts a new router under a prefix and lets `build` fill it; its routes see the prefix's params typed.
   * When `build` returns the router it filled (as an arrow function chaining its routes does), the routes
   * join this router's type, under the prefix, for the typed client.
   * @example app.mount('/users/:userId', (users) => users.get('/posts/:postId', (req) => req.params.userId))
   */
  mount<P extends string, Built = void>(prefix: P, build: (router: Router<Ctx, `${Prefix}${P}`>) => Built): WithRoutes<this, Prefixed<RoutesOf<Built>, P>>
  // TypeScript 7 reports only the last overload when none fits: this one says which params or context are missing
  /**
   * Mounts a router under a prefix (which may hold params). A router may be mounted in several places; one
   * that declares prefix params or context fits only where the mount provides them. Returns this router with
   * the mounted one's routes in its type, under the prefix, for the typed client.
   */
  mount<P extends string, Sub extends Typed>(prefix: P, router: Sub & Mountable<Params<`${Prefix}${P}`>, Ctx>): WithRoutes<this, Prefixed<RoutesOf<Sub>, P>>
  mount(prefix: string, target: Mountable<never, never> | ((router: never) => unknown)): unknown {
    this.#mutable('mount()')
    const normalised = checkPrefix(prefix)
    let child: { readonly [routerState]: RouterState }
    if (typeof target === 'function') {
      const router = new Router()
      ;(target as (router: Router) => void)(router)
      child = router
    } else if (target !== null && typeof target === 'object' && routerState in target) {
      child = target
    } else {
      configError(`mount("${prefix}", …) takes a Router or a function that fills one`)
    }
    if (child[routerState] === this.#state) configError(`a router cannot be mounted into itself (at "${prefix}")`)
    if (child[routerState].isApp) {
      configError(`mount("${prefix}", …) was given an App: mount a Router instead (an app's onError, notFound and options would be ignored there)`)
    }
    this.#state.mounts.push({ prefix: normalised, router: child[routerState] })
    return this
  }

  #use(steps: readonly unknown[]): this {
    this.#mutable('use()')
    this.#state.uses.push(...checkSteps('use()', steps))
    return this
  }

  #addRoute(methods: readonly string[], path: unknown, steps: readonly unknown[]): this {
    const where = `route ${methods.length === 1 ? methods[0] : `[${methods.join(', ')}]`} ${String(path)}`
    this.#mutable(where)
    if (typeof path !== 'string' || !path.startsWith('/')) {
      configError(`${where}: a route path must be a string starting with '/', got ${JSON.stringify(path)}`)
    }
    this.#state.routes.push({ methods, path, steps: checkSteps(where, steps) })
    return this
  }

  #mutable(what: string): void {
    if (this.#state.frozen) {
      configError(`${what}: this router already serves requests; add every route, use() step and mount() before app.listen() or app.handler`)
    }
  }

  static {
    const verbs = { get: 'GET', post: 'POST', put: 'PUT', patch: 'PATCH', delete: 'DELETE', head: 'HEAD', options: 'OPTIONS' }
    for (const [name, method] of Object.entries(verbs)) {
      Object.defineProperty(this.prototype, name, {
        value: function (this: Router, path: unknown, ...steps: unknown[]) { return this.#addRoute([method], path, steps) },
      })
    }
    Object.defineProperty(this.prototype, 'ws', {
      value: function (this: Router, path: unknown, ...rest: unknown[]) {
        const handler = rest.pop()
        if (typeof handler !== 'function') configError(`ws(${JSON.stringify(path)}, …steps, handler): the last argument must be the handler, (socket, req) => …`)
        return this.#addRoute([WS_METHOD], path, [...rest, upgradeStep(handler as (socket: never, req: never) => unknown)])
      },
    })
    Object.defineProperty(this.prototype, 'use', {
      value: function (this: Router, ...steps: unknown[]) { return this.#use(steps) },
    })
    Object.defineProperty(this.prototype, 'all', {
      value: function (this: Router, path: unknown, ...steps: unknown[]) { return this.#addRoute(METHODS, path, steps) },
    })
    Object.defineProperty(this.prototype, 'route', {
      value: function (this: Router, method: unknown, path: unknown, ...steps: unknown[]) {
        const list = Array.isArray(method) ? method : [method]
        if (list.length === 0) configError(`route(): name at least one method for ${String(path)}`)
        return this.#addRoute(list.map((m) => checkMethod(String(m))), path, steps)
      },
    })
  }
}

export interface Router<Ctx extends object = {}, Prefix extends string = ''> {
  /**
   * Adds steps that run before every route of this router and of the routers mounted in it, whenever those
   * are added; they never run for routes of other routers. On an App they run before every route, and before
   * the 404, 405 and OPTIONS answers. Returns the router typed with what the steps add (`defineStep`), so keep
   * the result: `const app = createApp().use(authenticate)` types `req.user` on every route. Up to eight steps
   * per call are typed; a longer call takes only steps that add nothing.
   */
  use: AddUse<this>
  /** Adds a GET route (which also answers HEAD, without a body, unless a HEAD route is given). */
  get: AddRoute<this, [], 'GET'>
  /** Adds a POST route. */
  post: AddRoute<this, [], 'POST'>
  /** Adds a PUT route. */
  put: AddRoute<this, [], 'PUT'>
  /** Adds a PATCH route. */
  patch: AddRoute<this, [], 'PATCH'>
  /** Adds a DELETE route. */
  delete: AddRoute<this, [], 'DELETE'>
  /** Adds a HEAD route. */
  head: AddRoute<this, [], 'HEAD'>
  /** Adds an OPTIONS route. */
  options: AddRoute<this, [], 'OPTIONS'>
  /** Adds a route for every method. */
  all: AddRoute<this, [], AllMethods>
  /** Adds a route for one method or several; it stays out of the router's type, so the typed client does not see it. */
  route: AddRoute<this, [method: Method | readonly Method[]], never>
  /**
   * Adds a WebSocket route: every step (the app's and routers' `use` steps too) runs on the upgrade request; one
   * that answers refuses the upgrade with that HTTP response, and a session the chain changed is saved in the
   * 101. Then `handler(socket, req)` gets the `ws` library's socket. `printRoutes()` shows it as method `WS`.
   * @example posts.ws('/:id/live', authenticate, (socket, req) => socket.send(`hello ${req.user.name}`))
   */
  ws: AddWebSocket<this>
}
