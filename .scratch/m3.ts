declare const adds: unique symbol
interface Step<Req, A extends object = {}> { (req: Req & Partial<NoInfer<A>>): unknown; readonly [adds]?: A }
interface Made<S> extends Step<{ base: 1 }, { valid: S }> {}
declare function make<S>(s: S): Made<S>
declare function make2<S>(s: S): Step<{ base: 1 }, { valid: S }> & {}
declare function make3<const S>(s: S): NoInfer<Step<{ base: 1 }, { valid: S }>>
const needs = (req: { base: 1 } & { valid: number }) => req.valid
declare function g1<P extends string, A1 extends object = {}, A2 extends object = {}>(path: P, s1: Step<{ base: 1 }, A1>, s2: Step<{ base: 1 } & NoInfer<A1>, A2>): void
g1('/a', make(1), needs)
g1('/a', make2(1), needs)
g1('/a', make3(1), needs)
