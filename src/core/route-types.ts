import type { Params } from './params.js'
import type { MatchedRequest } from '../http/route-request.js'
import type { WebSocket } from 'ws'
import type { RouteEntry, RouteMap } from './route-map.js'
import type { Step, StepAddingNothing } from './step.js'

/** The type-only key under which a router carries its types. */
export declare const routerTypes: unique symbol

/**
 * What a router's typed methods know of it. `widened` is the router's own type with `added` in its context:
 * the `use()` signatures put what their steps add into `added` and read `widened` back, so a Router gets a
 * Router and an App an App.
 */
export interface RouterTypes {
  readonly ctx: object
  readonly prefix: string
  /** Holds, as a parameter so that subclasses may widen it, the request the router's `use()` steps receive. */
  readonly useWith: (req: never) => void
  readonly added: object
  /**
   * The routes registered so far, by method and path ({@link RouteMap}): what the typed client reads. Each
   * registration returns the router intersected with one more `routes` ({@link WithRoutes}).
   */
  readonly routes: RouteMap
  readonly widened: unknown
}

/** A router as its typed methods see it: anything carrying {@link RouterTypes}. */
export interface Typed {
  readonly [routerTypes]?: RouterTypes
}

type TypesOf<R extends Typed> = NonNullable<R[typeof routerTypes]>
type RouteIn<R extends Typed, P extends string> = MatchedRequest<Params<`${TypesOf<R>['prefix']}${P}`>> & TypesOf<R>['ctx']
type UseIn<R extends Typed> = Parameters<TypesOf<R>['useWith']>[0]
/** The router with what `use()` steps added in its context; the routes it had stay in its type. */
type Widened<R extends Typed, A extends object> =
  TypesOf<R> & { readonly added: A } extends { readonly widened: infer W } ? W & Routed<TypesOf<R>['routes']> : never
// an intersection rather than a router type made anew: TypeScript 7 gives up (TS2589) on a class type whose
// `widened` reads its routes back from `this`
type Routed<Routes extends RouteMap> = { readonly [routerTypes]?: { readonly routes: Routes } }
/** The router with more routes in its type: each one intersects its own. */
export type WithRoutes<R extends Typed, Routes extends RouteMap> = R & Routed<Routes>
/** The router with one more route in its type; a route whose methods are `never` leaves it as it is. */
type WithRoute<R extends Typed, M extends string, P extends string, Adds, Answer> =
  [M] extends [never] ? R : WithRoutes<R, RouteEntry<M, P, Adds, Answer>>
/** Nine or more steps: the untyped overload takes no shorter list, so a mistake in a shorter chain is reported against the overload with its own length (TypeScript 7 reports the last overload that fits the count). */
type NineOrMore<S> = [S, S, S, S, S, S, S, S, S, ...S[]]
/** A step after others that added `Before`: it sees those fields and adds `A`. */
type Then<Req, Before, A extends object, Answer = unknown> = Step<Req & NoInfer<Before>, A, Answer>

/**
 * Registers a route: `Lead` is what comes before the path (nothing, or the method for `route()`), `M` the
 * methods the typed client may call it with (`never`: the route is left out of the router's type). Each
 * overload threads what a step adds into the request of the steps after it, up to eight steps; a longer
 * chain takes only steps that add nothing ({@link StepAddingNothing}). The router comes back with the route
 * in its type: its path, what its steps add and what its last step returns ({@link RouteSpec}).
 */
export interface AddRoute<R extends Typed, Lead extends unknown[], M extends string> {
  <P extends string, A1 extends object = {}, Answer = unknown>(
    ...args: [...Lead, path: P,
      s1: Step<RouteIn<R, P>, A1, Answer>]
  ): WithRoute<R, M, P, A1, Answer>
  <P extends string, A1 extends object = {}, A2 extends object = {}, Answer = unknown>(
    ...args: [...Lead, path: P,
      s1: Step<RouteIn<R, P>, A1>,
      s2: Then<RouteIn<R, P>, A1, A2, Answer>]
  ): WithRoute<R, M, P, A1 & A2, Answer>
  <P extends string, A1 extends object = {}, A2 extends object = {}, A3 extends object = {}, Answer = unknown>(
    ...args: [...Lead, path: P,
      s1: Step<RouteIn<R, P>, A1>,
      s2: Then<RouteIn<R, P>, A1, A2>,
      s3: Then<RouteIn<R, P>, A1 & A2, A3, Answer>]
  ): WithRoute<R, M, P, A1 & A2 & A3, Answer>
  <P extends string, A1 extends object = {}, A2 extends object = {}, A3 extends object = {}, A4 extends object = {}, Answer = unknown>(
    ...args: [...Lead, path: P,
      s1: Step<RouteIn<R, P>, A1>,
      s2: Then<RouteIn<R, P>, A1, A2>,
      s3: Then<RouteIn<R, P>, A1 & A2, A3>,
      s4: Then<RouteIn<R, P>, A1 & A2 & A3, A4, Answer>]
  ): WithRoute<R, M, P, A1 & A2 & A3 & A4, Answer>
  <P extends string, A1 extends object = {}, A2 extends object = {}, A3 extends object = {}, A4 extends object = {}, A5 extends object = {}, Answer = unknown>(
    ...args: [...Lead, path: P,
      s1: Step<RouteIn<R, P>, A1>,
      s2: Then<RouteIn<R, P>, A1, A2>,
      s3: Then<RouteIn<R, P>, A1 & A2, A3>,
      s4: Then<RouteIn<R, P>, A1 & A2 & A3, A4>,
      s5: Then<RouteIn<R, P>, A1 & A2 & A3 & A4, A5, Answer>]
  ): WithRoute<R, M, P, A1 & A2 & A3 & A4 & A5, Answer>
  <P extends string, A1 extends object = {}, A2 extends object = {}, A3 extends object = {}, A4 extends object = {}, A5 extends object = {}, A6 extends object = {}, Answer = unknown>(
    ...args: [...Lead, path: P,
      s1: Step<RouteIn<R, P>, A1>,
      s2: Then<RouteIn<R, P>, A1, A2>,
      s3: Then<RouteIn<R, P>, A1 & A2, A3>,
      s4: Then<RouteIn<R, P>, A1 & A2 & A3, A4>,
      s5: Then<RouteIn<R, P>, A1 & A2 & A3 & A4, A5>,
      s6: Then<RouteIn<R, P>, A1 & A2 & A3 & A4 & A5, A6, Answer>]
  ): WithRoute<R, M, P, A1 & A2 & A3 & A4 & A5 & A6, Answer>
  <P extends string, A1 extends object = {}, A2 extends object = {}, A3 extends object = {}, A4 extends object = {}, A5 extends object = {}, A6 extends object = {}, A7 extends object = {}, Answer = unknown>(
    ...args: [...Lead, path: P,
      s1: Step<RouteIn<R, P>, A1>,
      s2: Then<RouteIn<R, P>, A1, A2>,
      s3: Then<RouteIn<R, P>, A1 & A2, A3>,
      s4: Then<RouteIn<R, P>, A1 & A2 & A3, A4>,
      s5: Then<RouteIn<R, P>, A1 & A2 & A3 & A4, A5>,
      s6: Then<RouteIn<R, P>, A1 & A2 & A3 & A4 & A5, A6>,
      s7: Then<RouteIn<R, P>, A1 & A2 & A3 & A4 & A5 & A6, A7, Answer>]
  ): WithRoute<R, M, P, A1 & A2 & A3 & A4 & A5 & A6 & A7, Answer>
  <P extends string, A1 extends object = {}, A2 extends object = {}, A3 extends object = {}, A4 extends object = {}, A5 extends object = {}, A6 extends object = {}, A7 extends object = {}, A8 extends object = {}, Answer = unknown>(
    ...args: [...Lead, path: P,
      s1: Step<RouteIn<R, P>, A1>,
      s2: Then<RouteIn<R, P>, A1, A2>,
      s3: Then<RouteIn<R, P>, A1 & A2, A3>,
      s4: Then<RouteIn<R, P>, A1 & A2 & A3, A4>,
      s5: Then<RouteIn<R, P>, A1 & A2 & A3 & A4, A5>,
      s6: Then<RouteIn<R, P>, A1 & A2 & A3 & A4 & A5, A6>,
      s7: Then<RouteIn<R, P>, A1 & A2 & A3 & A4 & A5 & A6, A7>,
      s8: Then<RouteIn<R, P>, A1 & A2 & A3 & A4 & A5 & A6 & A7, A8, Answer>]
  ): WithRoute<R, M, P, A1 & A2 & A3 & A4 & A5 & A6 & A7 & A8, Answer>
  <P extends string>(...args: [...Lead, path: P, ...steps: NineOrMore<StepAddingNothing<RouteIn<R, P>>>]): WithRoute<R, M, P, {}, unknown>
}

/**
 * Adds `use()` steps: the router comes back typed with what they add, up to eight steps in one call; a longer
 * call takes only steps that add nothing.
 */
export interface AddUse<R extends Typed> {
  <A1 extends object = {}>(s1: Step<UseIn<R>, A1>): Widened<R, A1>
  <A1 extends object = {}, A2 extends object = {}>(s1: Step<UseIn<R>, A1>, s2: Then<UseIn<R>, A1, A2>): Widened<R, A1 & A2>
  <A1 extends object = {}, A2 extends object = {}, A3 extends object = {}>(
    s1: Step<UseIn<R>, A1>, s2: Then<UseIn<R>, A1, A2>, s3: Then<UseIn<R>, A1 & A2, A3>,
  ): Widened<R, A1 & A2 & A3>
  <A1 extends object = {}, A2 extends object = {}, A3 extends object = {}, A4 extends object = {}>(
    s1: Step<UseIn<R>, A1>, s2: Then<UseIn<R>, A1, A2>, s3: Then<UseIn<R>, A1 & A2, A3>, s4: Then<UseIn<R>, A1 & A2 & A3, A4>,
  ): Widened<R, A1 & A2 & A3 & A4>
  <A1 extends object = {}, A2 extends object = {}, A3 extends object = {}, A4 extends object = {}, A5 extends object = {}>(
    s1: Step<UseIn<R>, A1>, s2: Then<UseIn<R>, A1, A2>, s3: Then<UseIn<R>, A1 & A2, A3>, s4: Then<UseIn<R>, A1 & A2 & A3, A4>,
    s5: Then<UseIn<R>, A1 & A2 & A3 & A4, A5>,
  ): Widened<R, A1 & A2 & A3 & A4 & A5>
  <A1 extends object = {}, A2 extends object = {}, A3 extends object = {}, A4 extends object = {}, A5 extends object = {},
    A6 extends object = {}>(
    s1: Step<UseIn<R>, A1>, s2: Then<UseIn<R>, A1, A2>, s3: Then<UseIn<R>, A1 & A2, A3>, s4: Then<UseIn<R>, A1 & A2 & A3, A4>,
    s5: Then<UseIn<R>, A1 & A2 & A3 & A4, A5>, s6: Then<UseIn<R>, A1 & A2 & A3 & A4 & A5, A6>,
  ): Widened<R, A1 & A2 & A3 & A4 & A5 & A6>
  <A1 extends object = {}, A2 extends object = {}, A3 extends object = {}, A4 extends object = {}, A5 extends object = {},
    A6 extends object = {}, A7 extends object = {}>(
    s1: Step<UseIn<R>, A1>, s2: Then<UseIn<R>, A1, A2>, s3: Then<UseIn<R>, A1 & A2, A3>, s4: Then<UseIn<R>, A1 & A2 & A3, A4>,
    s5: Then<UseIn<R>, A1 & A2 & A3 & A4, A5>, s6: Then<UseIn<R>, A1 & A2 & A3 & A4 & A5, A6>,
    s7: Then<UseIn<R>, A1 & A2 & A3 & A4 & A5 & A6, A7>,
  ): Widened<R, A1 & A2 & A3 & A4 & A5 & A6 & A7>
  <A1 extends object = {}, A2 extends object = {}, A3 extends object = {}, A4 extends object = {}, A5 extends object = {},
    A6 extends object = {}, A7 extends object = {}, A8 extends object = {}>(
    s1: Step<UseIn<R>, A1>, s2: Then<UseIn<R>, A1, A2>, s3: Then<UseIn<R>, A1 & A2, A3>, s4: Then<UseIn<R>, A1 & A2 & A3, A4>,
    s5: Then<UseIn<R>, A1 & A2 & A3 & A4, A5>, s6: Then<UseIn<R>, A1 & A2 & A3 & A4 & A5, A6>,
    s7: Then<UseIn<R>, A1 & A2 & A3 & A4 & A5 & A6, A7>, s8: Then<UseIn<R>, A1 & A2 & A3 & A4 & A5 & A6 & A7, A8>,
  ): Widened<R, A1 & A2 & A3 & A4 & A5 & A6 & A7 & A8>
  (...steps: NineOrMore<StepAddingNothing<UseIn<R>>>): R
}

/** A WebSocket route's handler: the `ws` library's socket and the request its chain typed. */
export type WebSocketHandler<Req> = (socket: WebSocket, req: Req) => unknown

/**
 * Registers a WebSocket route: steps run on the upgrade request, then `handler` gets the socket. Each overload
 * threads what a step adds into the request of the steps after it and of the handler, up to six steps.
 */
export interface AddWebSocket<R extends Typed> {
  <P extends string>(path: P, handler: WebSocketHandler<RouteIn<R, P>>): R
  <P extends string, A1 extends object = {}>(path: P, s1: Step<RouteIn<R, P>, A1>, handler: WebSocketHandler<RouteIn<R, P> & NoInfer<A1>>): R
  <P extends string, A1 extends object = {}, A2 extends object = {}>(
    path: P,
    s1: Step<RouteIn<R, P>, A1>, s2: Then<RouteIn<R, P>, A1, A2>,
    handler: WebSocketHandler<RouteIn<R, P> & NoInfer<A1 & A2>>,
  ): R
  <P extends string, A1 extends object = {}, A2 extends object = {}, A3 extends object = {}>(
    path: P,
    s1: Step<RouteIn<R, P>, A1>, s2: Then<RouteIn<R, P>, A1, A2>,
    s3: Then<RouteIn<R, P>, A1 & A2, A3>,
    handler: WebSocketHandler<RouteIn<R, P> & NoInfer<A1 & A2 & A3>>,
  ): R
  <P extends string, A1 extends object = {}, A2 extends object = {}, A3 extends object = {}, A4 extends object = {}>(
    path: P,
    s1: Step<RouteIn<R, P>, A1>, s2: Then<RouteIn<R, P>, A1, A2>,
    s3: Then<RouteIn<R, P>, A1 & A2, A3>, s4: Then<RouteIn<R, P>, A1 & A2 & A3, A4>,
    handler: WebSocketHandler<RouteIn<R, P> & NoInfer<A1 & A2 & A3 & A4>>,
  ): R
  <P extends string, A1 extends object = {}, A2 extends object = {}, A3 extends object = {}, A4 extends object = {}, A5 extends object = {}>(
    path: P,
    s1: Step<RouteIn<R, P>, A1>, s2: Then<RouteIn<R, P>, A1, A2>,
    s3: Then<RouteIn<R, P>, A1 & A2, A3>, s4: Then<RouteIn<R, P>, A1 & A2 & A3, A4>,
    s5: Then<RouteIn<R, P>, A1 & A2 & A3 & A4, A5>,
    handler: WebSocketHandler<RouteIn<R, P> & NoInfer<A1 & A2 & A3 & A4 & A5>>,
  ): R
  <P extends string, A1 extends object = {}, A2 extends object = {}, A3 extends object = {}, A4 extends object = {}, A5 extends object = {}, A6 extends object = {}>(
    path: P,
    s1: Step<RouteIn<R, P>, A1>, s2: Then<RouteIn<R, P>, A1, A2>,
    s3: Then<RouteIn<R, P>, A1 & A2, A3>, s4: Then<RouteIn<R, P>, A1 & A2 & A3, A4>,
    s5: Then<RouteIn<R, P>, A1 & A2 & A3 & A4, A5>, s6: Then<RouteIn<R, P>, A1 & A2 & A3 & A4 & A5, A6>,
    handler: WebSocketHandler<RouteIn<R, P> & NoInfer<A1 & A2 & A3 & A4 & A5 & A6>>,
  ): R
}
