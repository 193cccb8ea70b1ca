import type { Params } from './params.js'
import type { MatchedRequest } from '../http/route-request.js'
import type { Step } from './step.js'

/** The request a route's first step receives: params from the full path, plus the router's context. */
type In<Path extends string, Ctx> = MatchedRequest<Params<Path>> & Ctx

/** The type-only key under which a router carries its context and mount prefix. */
export declare const routerTypes: unique symbol

/** What a router's route methods need to know of it: its context and its mount prefix. */
export interface RouterTypes {
  readonly ctx: object
  readonly prefix: string
}

/** A router as its route methods see it: anything carrying {@link RouterTypes}. */
export interface Typed {
  readonly [routerTypes]?: RouterTypes
}

type CtxOf<R extends Typed> = NonNullable<R[typeof routerTypes]>['ctx']
type PrefixOf<R extends Typed> = NonNullable<R[typeof routerTypes]>['prefix']

/**
 * Registers a route: `Lead` is what comes before the path (nothing, or the method for `route()`).
 * Each overload threads what a step adds into the request of the steps after it; past eight steps the
 * chain is still checked against the route's request, without tracking additions.
 */
export interface AddRoute<R extends Typed, Lead extends unknown[]> {
  <P extends string, A1 extends object = {}>(
    ...args: [...Lead, path: P, s1: Step<In<`${PrefixOf<R>}${P}`, CtxOf<R>>, A1>]
  ): R
  <P extends string, A1 extends object = {}, A2 extends object = {}>(
    ...args: [...Lead, path: P, s1: Step<In<`${PrefixOf<R>}${P}`, CtxOf<R>>, A1>, s2: Step<In<`${PrefixOf<R>}${P}`, CtxOf<R>> & NoInfer<A1>, A2>]
  ): R
  <P extends string, A1 extends object = {}, A2 extends object = {}, A3 extends object = {}>(
    ...args: [...Lead, path: P, s1: Step<In<`${PrefixOf<R>}${P}`, CtxOf<R>>, A1>, s2: Step<In<`${PrefixOf<R>}${P}`, CtxOf<R>> & NoInfer<A1>, A2>,
      s3: Step<In<`${PrefixOf<R>}${P}`, CtxOf<R>> & NoInfer<A1 & A2>, A3>]
  ): R
  <P extends string, A1 extends object = {}, A2 extends object = {}, A3 extends object = {}, A4 extends object = {}>(
    ...args: [...Lead, path: P, s1: Step<In<`${PrefixOf<R>}${P}`, CtxOf<R>>, A1>, s2: Step<In<`${PrefixOf<R>}${P}`, CtxOf<R>> & NoInfer<A1>, A2>,
      s3: Step<In<`${PrefixOf<R>}${P}`, CtxOf<R>> & NoInfer<A1 & A2>, A3>, s4: Step<In<`${PrefixOf<R>}${P}`, CtxOf<R>> & NoInfer<A1 & A2 & A3>, A4>]
  ): R
  <P extends string, A1 extends object = {}, A2 extends object = {}, A3 extends object = {}, A4 extends object = {},
    A5 extends object = {}>(
    ...args: [...Lead, path: P, s1: Step<In<`${PrefixOf<R>}${P}`, CtxOf<R>>, A1>, s2: Step<In<`${PrefixOf<R>}${P}`, CtxOf<R>> & NoInfer<A1>, A2>,
      s3: Step<In<`${PrefixOf<R>}${P}`, CtxOf<R>> & NoInfer<A1 & A2>, A3>, s4: Step<In<`${PrefixOf<R>}${P}`, CtxOf<R>> & NoInfer<A1 & A2 & A3>, A4>,
      s5: Step<In<`${PrefixOf<R>}${P}`, CtxOf<R>> & NoInfer<A1 & A2 & A3 & A4>, A5>]
  ): R
  <P extends string, A1 extends object = {}, A2 extends object = {}, A3 extends object = {}, A4 extends object = {},
    A5 extends object = {}, A6 extends object = {}>(
    ...args: [...Lead, path: P, s1: Step<In<`${PrefixOf<R>}${P}`, CtxOf<R>>, A1>, s2: Step<In<`${PrefixOf<R>}${P}`, CtxOf<R>> & NoInfer<A1>, A2>,
      s3: Step<In<`${PrefixOf<R>}${P}`, CtxOf<R>> & NoInfer<A1 & A2>, A3>, s4: Step<In<`${PrefixOf<R>}${P}`, CtxOf<R>> & NoInfer<A1 & A2 & A3>, A4>,
      s5: Step<In<`${PrefixOf<R>}${P}`, CtxOf<R>> & NoInfer<A1 & A2 & A3 & A4>, A5>, s6: Step<In<`${PrefixOf<R>}${P}`, CtxOf<R>> & NoInfer<A1 & A2 & A3 & A4 & A5>, A6>]
  ): R
  <P extends string, A1 extends object = {}, A2 extends object = {}, A3 extends object = {}, A4 extends object = {},
    A5 extends object = {}, A6 extends object = {}, A7 extends object = {}>(
    ...args: [...Lead, path: P, s1: Step<In<`${PrefixOf<R>}${P}`, CtxOf<R>>, A1>, s2: Step<In<`${PrefixOf<R>}${P}`, CtxOf<R>> & NoInfer<A1>, A2>,
      s3: Step<In<`${PrefixOf<R>}${P}`, CtxOf<R>> & NoInfer<A1 & A2>, A3>, s4: Step<In<`${PrefixOf<R>}${P}`, CtxOf<R>> & NoInfer<A1 & A2 & A3>, A4>,
      s5: Step<In<`${PrefixOf<R>}${P}`, CtxOf<R>> & NoInfer<A1 & A2 & A3 & A4>, A5>, s6: Step<In<`${PrefixOf<R>}${P}`, CtxOf<R>> & NoInfer<A1 & A2 & A3 & A4 & A5>, A6>,
      s7: Step<In<`${PrefixOf<R>}${P}`, CtxOf<R>> & NoInfer<A1 & A2 & A3 & A4 & A5 & A6>, A7>]
  ): R
  <P extends string, A1 extends object = {}, A2 extends object = {}, A3 extends object = {}, A4 extends object = {},
    A5 extends object = {}, A6 extends object = {}, A7 extends object = {}, A8 extends object = {}>(
    ...args: [...Lead, path: P, s1: Step<In<`${PrefixOf<R>}${P}`, CtxOf<R>>, A1>, s2: Step<In<`${PrefixOf<R>}${P}`, CtxOf<R>> & NoInfer<A1>, A2>,
      s3: Step<In<`${PrefixOf<R>}${P}`, CtxOf<R>> & NoInfer<A1 & A2>, A3>, s4: Step<In<`${PrefixOf<R>}${P}`, CtxOf<R>> & NoInfer<A1 & A2 & A3>, A4>,
      s5: Step<In<`${PrefixOf<R>}${P}`, CtxOf<R>> & NoInfer<A1 & A2 & A3 & A4>, A5>, s6: Step<In<`${PrefixOf<R>}${P}`, CtxOf<R>> & NoInfer<A1 & A2 & A3 & A4 & A5>, A6>,
      s7: Step<In<`${PrefixOf<R>}${P}`, CtxOf<R>> & NoInfer<A1 & A2 & A3 & A4 & A5 & A6>, A7>,
      s8: Step<In<`${PrefixOf<R>}${P}`, CtxOf<R>> & NoInfer<A1 & A2 & A3 & A4 & A5 & A6 & A7>, A8>]
  ): R
  <P extends string>(...args: [...Lead, path: P, ...steps: Step<In<`${PrefixOf<R>}${P}`, CtxOf<R>>>[]]): R
}
