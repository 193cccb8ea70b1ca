declare const adds: unique symbol
interface Step<Req, A extends object = {}> { (req: Req & Partial<NoInfer<A>>): unknown; readonly [adds]?: A }
declare function make<S>(s: S): Step<{ base: 1 }, { valid: S }>
declare function get<A1 extends object = {}, A2 extends object = {}>(s1: Step<{ base: 1 }, A1>, s2: Step<{ base: 1 } & NoInfer<A1>, A2>): void
declare function get2<A1 extends object, A2 extends object = {}>(s1: Step<{ base: 1 }, A1>, s2: Step<{ base: 1 } & NoInfer<A1>, A2>): void
declare function get3<A1 extends object = {}, A2 extends object = {}>(s1: Step<{ base: 1 }, A1>, s2: Step<{ base: 1 } & A1, A2>): void
const needs = (req: { base: 1 } & { valid: number }) => req.valid
get(make(1), needs)
get2(make(1), needs)
get3(make(1), needs)
declare function get4<A1 extends object = {}, A2 extends object = {}>(s1: Step<{ base: 1 }, A1>, s2: Step<{ base: 1 } & ([A1] extends [infer X] ? X : never), A2>): void
get4(make(1), needs)
declare function get5<A1 extends object = {}, A2 extends object = {}>(s1: Step<{ base: 1 }, A1>, s2: Step<{ base: 1 } & NoInfer<A1>, A2>): void
const m1 = make(1)
get5(m1, needs)
// @ts-expect-error wrong order
get4(needs, make(1))
declare const plainAdds: Step<{ base: 1 }, { valid: number }>
// @ts-expect-error wrong order, non-generic
get4(needs, plainAdds)
get4(plainAdds, needs)
get4(plainAdds, (req) => req.valid)
get4(make(1), (req) => req.valid)
