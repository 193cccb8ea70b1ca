import type { Params } from './params.js'
import type { RouteRequest } from './request.js'
import type { Step } from './step.js'

/** The request a route's first step receives: params from the full path, plus the router's context. */
type In<Path extends string, Ctx> = RouteRequest<Params<Path>> & Ctx

/**
 * Registers a route: `Lead` is what comes before the path (nothing, or the method for `route()`).
 * Each overload threads what a step adds into the request of the steps after it; past eight steps the
 * chain is still checked against the route's request, without tracking additions.
 */
export interface AddRoute<Ctx extends object, Prefix extends string, Lead extends unknown[], Self> {
  <P extends string, A1 extends object = {}>(
    ...args: [...Lead, path: P, s1: Step<In<`${Prefix}${P}`, Ctx>, A1>]
  ): Self
  <P extends string, A1 extends object = {}, A2 extends object = {}>(
    ...args: [...Lead, path: P, s1: Step<In<`${Prefix}${P}`, Ctx>, A1>, s2: Step<In<`${Prefix}${P}`, Ctx> & NoInfer<A1>, A2>]
  ): Self
  <P extends string, A1 extends object = {}, A2 extends object = {}, A3 extends object = {}>(
    ...args: [...Lead, path: P, s1: Step<In<`${Prefix}${P}`, Ctx>, A1>, s2: Step<In<`${Prefix}${P}`, Ctx> & NoInfer<A1>, A2>,
      s3: Step<In<`${Prefix}${P}`, Ctx> & NoInfer<A1 & A2>, A3>]
  ): Self
  <P extends string, A1 extends object = {}, A2 extends object = {}, A3 extends object = {}, A4 extends object = {}>(
    ...args: [...Lead, path: P, s1: Step<In<`${Prefix}${P}`, Ctx>, A1>, s2: Step<In<`${Prefix}${P}`, Ctx> & NoInfer<A1>, A2>,
      s3: Step<In<`${Prefix}${P}`, Ctx> & NoInfer<A1 & A2>, A3>, s4: Step<In<`${Prefix}${P}`, Ctx> & NoInfer<A1 & A2 & A3>, A4>]
  ): Self
  <P extends string, A1 extends object = {}, A2 extends object = {}, A3 extends object = {}, A4 extends object = {},
    A5 extends object = {}>(
    ...args: [...Lead, path: P, s1: Step<In<`${Prefix}${P}`, Ctx>, A1>, s2: Step<In<`${Prefix}${P}`, Ctx> & NoInfer<A1>, A2>,
      s3: Step<In<`${Prefix}${P}`, Ctx> & NoInfer<A1 & A2>, A3>, s4: Step<In<`${Prefix}${P}`, Ctx> & NoInfer<A1 & A2 & A3>, A4>,
      s5: Step<In<`${Prefix}${P}`, Ctx> & NoInfer<A1 & A2 & A3 & A4>, A5>]
  ): Self
  <P extends string, A1 extends object = {}, A2 extends object = {}, A3 extends object = {}, A4 extends object = {},
    A5 extends object = {}, A6 extends object = {}>(
    ...args: [...Lead, path: P, s1: Step<In<`${Prefix}${P}`, Ctx>, A1>, s2: Step<In<`${Prefix}${P}`, Ctx> & NoInfer<A1>, A2>,
      s3: Step<In<`${Prefix}${P}`, Ctx> & NoInfer<A1 & A2>, A3>, s4: Step<In<`${Prefix}${P}`, Ctx> & NoInfer<A1 & A2 & A3>, A4>,
      s5: Step<In<`${Prefix}${P}`, Ctx> & NoInfer<A1 & A2 & A3 & A4>, A5>, s6: Step<In<`${Prefix}${P}`, Ctx> & NoInfer<A1 & A2 & A3 & A4 & A5>, A6>]
  ): Self
  <P extends string, A1 extends object = {}, A2 extends object = {}, A3 extends object = {}, A4 extends object = {},
    A5 extends object = {}, A6 extends object = {}, A7 extends object = {}>(
    ...args: [...Lead, path: P, s1: Step<In<`${Prefix}${P}`, Ctx>, A1>, s2: Step<In<`${Prefix}${P}`, Ctx> & NoInfer<A1>, A2>,
      s3: Step<In<`${Prefix}${P}`, Ctx> & NoInfer<A1 & A2>, A3>, s4: Step<In<`${Prefix}${P}`, Ctx> & NoInfer<A1 & A2 & A3>, A4>,
      s5: Step<In<`${Prefix}${P}`, Ctx> & NoInfer<A1 & A2 & A3 & A4>, A5>, s6: Step<In<`${Prefix}${P}`, Ctx> & NoInfer<A1 & A2 & A3 & A4 & A5>, A6>,
      s7: Step<In<`${Prefix}${P}`, Ctx> & NoInfer<A1 & A2 & A3 & A4 & A5 & A6>, A7>]
  ): Self
  <P extends string, A1 extends object = {}, A2 extends object = {}, A3 extends object = {}, A4 extends object = {},
    A5 extends object = {}, A6 extends object = {}, A7 extends object = {}, A8 extends object = {}>(
    ...args: [...Lead, path: P, s1: Step<In<`${Prefix}${P}`, Ctx>, A1>, s2: Step<In<`${Prefix}${P}`, Ctx> & NoInfer<A1>, A2>,
      s3: Step<In<`${Prefix}${P}`, Ctx> & NoInfer<A1 & A2>, A3>, s4: Step<In<`${Prefix}${P}`, Ctx> & NoInfer<A1 & A2 & A3>, A4>,
      s5: Step<In<`${Prefix}${P}`, Ctx> & NoInfer<A1 & A2 & A3 & A4>, A5>, s6: Step<In<`${Prefix}${P}`, Ctx> & NoInfer<A1 & A2 & A3 & A4 & A5>, A6>,
      s7: Step<In<`${Prefix}${P}`, Ctx> & NoInfer<A1 & A2 & A3 & A4 & A5 & A6>, A7>,
      s8: Step<In<`${Prefix}${P}`, Ctx> & NoInfer<A1 & A2 & A3 & A4 & A5 & A6 & A7>, A8>]
  ): Self
  <P extends string>(...args: [...Lead, path: P, ...steps: Step<In<`${Prefix}${P}`, Ctx>>[]]): Self
}
