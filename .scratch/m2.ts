declare const adds: unique symbol
interface Step<Req, A extends object = {}> { (req: Req & Partial<NoInfer<A>>): unknown; readonly [adds]?: A }
declare function make<S>(s: S): Step<{ base: 1 }, { valid: S }>
type Added<T> = [T] extends [infer U] ? U : never
type In<P> = { base: 1; p: P }
const needs = (req: { base: 1 } & { valid: number }) => req.valid
declare function g1<P extends string, A1 extends object = {}, A2 extends object = {}>(path: P, s1: Step<{ base: 1 }, A1>, s2: Step<{ base: 1 } & Added<A1>, A2>): void
g1('/a', make(1), needs)
declare function g2<P extends string, A1 extends object = {}, A2 extends object = {}>(path: P, s1: Step<In<P>, A1>, s2: Step<In<P> & Added<A1>, A2>): void
g2('/a', make(1), needs)
declare function g3<P extends string, A1 extends object = {}, A2 extends object = {}>(...args: [path: P, s1: Step<In<P>, A1>, s2: Step<In<P> & Added<A1>, A2>]): void
g3('/a', make(1), needs)
declare function g4<A1 extends object = {}, A2 extends object = {}>(path: string, s1: Step<{ base: 1 }, A1>, s2: Step<{ base: 1 } & Added<A1>, A2>): void
g4('/a', make(1), needs)
declare function g5<A1 extends object = {}, A2 extends object = {}>(s1: Step<{ base: 1 }, A1>, s2: Step<{ base: 1 } & Added<A1>, A2>): void
g5(make(1), needs)
declare function g6<P extends string, A1 extends object = {}, A2 extends object = {}>(s1: Step<{ base: 1 }, A1>, s2: Step<{ base: 1 } & Added<A1>, A2>, path: P): void
g6(make(1), needs, '/a')
