type NothingAdded = { readonly [field: string]: never }
declare const adds: unique symbol
interface S<A extends object = {}> { (r: string): unknown; readonly [adds]?: A }
interface N { (r: string): unknown; readonly [adds]?: NothingAdded }
declare const plain: S
declare const typed: S<{ user: string }>
const f = (_r: string) => 1
export const x: N[] = [plain, f]
export const y: N[] = [typed]
