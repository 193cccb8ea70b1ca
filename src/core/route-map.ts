// The routes a router has registered, as types: what `createClient<typeof app>()` reads. Nothing here exists
// at run time.

/**
 * What the type system keeps of one route: what its steps add to the request (`validate()` and `describe()`
 * put their schemas there, under type-only keys) and what its last step returns.
 */
export interface RouteSpec<Adds, Answer> {
  readonly adds: Adds
  readonly answer: Answer
}

/** A router's routes by method and path as registered on it: `{ 'GET /post/:id': RouteSpec<…> }`. */
export type RouteMap = object

/** The methods a route added with `all()` answers, as the typed client calls them. */
export type AllMethods = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS'

/** One route, keyed by each of its methods. */
export type RouteEntry<M extends string, P extends string, Adds, Answer> = {
  readonly [K in `${M} ${P}`]: RouteSpec<Adds, Answer>
}

/** A mount prefix as the router stores it: no trailing `/`, and `/` itself is empty. */
type NormalPrefix<P extends string> = P extends `${infer Head}/` ? NormalPrefix<Head> : P

/** A route's path under a mount prefix, joined as the route table joins it: `/api` and `/` make `/api`. */
export type JoinPath<Prefix extends string, Path extends string> =
  Prefix extends '' ? Path : Path extends '/' ? Prefix : `${Prefix}${Path}`

/** A router's routes as seen from where it is mounted under `P`. */
export type Prefixed<Routes, P extends string> = {
  readonly [K in keyof Routes as K extends `${infer M} ${infer Path}` ? `${M} ${JoinPath<NormalPrefix<P>, Path>}` : never]: Routes[K]
}

/** The type-only key under which `validate()` declares its schemas' input types, for the typed client. */
export declare const validInput: unique symbol

/** The type-only key under which `describe()` declares a route's responses, for the typed client. */
export declare const declaredResponses: unique symbol
