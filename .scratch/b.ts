declare const adds: unique symbol
interface Step<Req, A extends object = {}> { (req: Req & Partial<NoInfer<A>>): unknown; readonly [adds]?: A }
declare function defineStep<A extends object>(f: (req: { base: 1 } & Partial<A>) => unknown): Step<{ base: 1 }, A>
type Req0 = { base: 1 }
type Prior<S extends unknown[], Acc = {}, Out extends unknown[] = []> =
  S extends [infer H, ...infer T] ? Prior<T, Acc & H, [...Out, Acc]> : Out
type Chain<Req, S extends object[]> = { [K in keyof S]: Step<Req & (K extends keyof Prior<S> ? Prior<S>[K] : {}), S[K]> }
declare function get<S extends object[]>(path: string, ...steps: Chain<Req0, S>): void
const auth = defineStep<{ user: string }>((req) => { req.user = 'x' })
const other = defineStep<{ role: number }>(() => {})
const s = (_req: Req0) => {}
get('/a', auth, s, s, s, s, s, s, s, s, s, other, (req) => req.user.length + req.role)
get('/b', s, (req) => req.user)
get('/c', auth, (req: Req0 & { user: string }) => req.user)
get('/d', (req: Req0 & { user: string }) => req.user, auth)
