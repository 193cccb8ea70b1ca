// The types of `createClient<typeof app>()`: the same Client at run time, whose verbs take the app's route
// patterns and whose responses are typed from the routes. Nothing here exists at run time.
import type { StandardSchemaV1 } from '@standard-schema/spec'
import type { Params } from '../core/params.js'
import type { declaredResponses, RouteSpec, validInput } from '../core/route-map.js'
import type { routerTypes } from '../core/route-types.js'
import type { ProblemDocument } from '../http/problem.js'
import type { jsonData, Reply } from '../http/reply.js'
import type { ValidationIssue } from '../validation/validation-error.js'
import type { ClientMiddleware } from './middleware.js'
import type { CallOptions, RequestInit } from './call-options.js'
import type { QueryFields, RequestBody } from './request.js'
import type { ClientResponse } from './response.js'

/** The routes in an app's (or a router's) type. */
export type AppRoutes<App> = App extends { readonly [routerTypes]?: { readonly routes: infer Routes } } ? Flat<Routes> : never

/** The methods the typed client has a verb for. */
export type ClientMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS'

// a GET route answers HEAD too
type Serving<M extends ClientMethod> = M extends 'HEAD' ? 'HEAD' | 'GET' : M

/** The route patterns of `Routes` that answer `M`. */
export type RoutePaths<Routes, M extends ClientMethod> = {
  [K in keyof Routes]: K extends `${Serving<M>} ${infer Path}` ? Path : never
}[keyof Routes]

type SpecOf<Routes, M extends ClientMethod, P extends string> =
  `${M} ${P}` extends keyof Routes ? Routes[`${M} ${P}`] : Routes[`GET ${P}` & keyof Routes]

// a key a step declared under, read only when it is there (an optional key would match any object)
type Declared<Adds, Key extends PropertyKey> = Key extends keyof Adds ? NonNullable<Adds[Key]> : never
type Inputs<Adds> = Declared<Adds, typeof validInput>
type Responses<Adds> = [Declared<Adds, typeof declaredResponses>] extends [never] ? {} : Declared<Adds, typeof declaredResponses>

/**
 * What a value becomes once sent as JSON and parsed back: a `Date` (anything with `toJSON()`) its JSON form,
 * and a property that may be `undefined` an optional one, since JSON leaves it out.
 */
export type JsonOf<T> =
  T extends { toJSON(...args: never): infer J } ? J
    : T extends readonly unknown[] ? { [I in keyof T]: JsonOf<T[I]> }
      : T extends object ? JsonObject<T>
        : T

type JsonObject<T> = Flat<
  { [K in keyof T as undefined extends T[K] ? never : K]: JsonOf<T[K]> } &
  { [K in keyof T as undefined extends T[K] ? K : never]?: JsonOf<Exclude<T[K], undefined>> }
>
type Flat<T> = T extends infer O ? { [K in keyof O]: O[K] } : never

// what a step's answer sends as JSON data: never for text, bytes, streams and replies without data
type DataOf<A> =
  A extends Error | string | Uint8Array | null | undefined | void ? never
    : A extends Reply ? (typeof jsonData extends keyof A ? NonNullable<A[typeof jsonData]> : never)
      : A extends ReadableStream | NodeJS.ReadableStream | AsyncIterable<unknown> | Response ? never
        : A

type SchemaOutput<D> =
  D extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<D>
    : D extends { readonly schema: infer S extends StandardSchemaV1 } ? StandardSchemaV1.InferOutput<S> : unknown

/** Success codes, 200–299. */
export type SuccessStatus = 200 | 201 | 202 | 203 | 204 | 205 | 206 | 207 | 208 | 226
/** Every other standard code: redirects, client and server errors. */
export type UnsuccessfulStatus =
  | 300 | 301 | 302 | 303 | 304 | 305 | 307 | 308
  | 400 | 401 | 402 | 403 | 404 | 405 | 406 | 407 | 408 | 409 | 410 | 411 | 412 | 413 | 414 | 415 | 416 | 417 | 418
  | 421 | 422 | 423 | 424 | 425 | 426 | 428 | 429 | 431 | 451
  | 500 | 501 | 502 | 503 | 504 | 505 | 506 | 507 | 508 | 510 | 511

// describe({ responses }) keys: 200 or '200' (never '2XX' or 'default')
type StatusOf<K> = K extends number ? K : K extends `${infer N extends number}` ? N : never
type DeclaredStatus<R> = StatusOf<keyof R>
type EntryFor<R, S extends number> = { [K in keyof R]: StatusOf<K> extends S ? R[K] : never }[keyof R]

/** The problem document a route's `validate()` answers invalid input with: 400, `application/problem+json`. */
export type ValidationProblem = ProblemDocument & { readonly errors: readonly ValidationIssue[] }

/** A response whose status, `ok` and `json()` are typed. Everything else is the {@link ClientResponse}. */
export type TypedResponse<Status extends number, Ok extends boolean, Body> =
  { readonly status: Status; readonly ok: Ok; json(): Promise<Body> } & ClientResponse

// the 2xx schema describe({ responses }) declares, for a route whose answer is not JSON data
type DeclaredSuccessBody<R> = [DeclaredStatus<R> & SuccessStatus] extends [never] ? unknown : SchemaOutput<EntryFor<R, SuccessStatus>>
type SuccessBody<R, Answer, Data = DataOf<Awaited<Answer>>> =
  unknown extends Answer ? DeclaredSuccessBody<R> : [Data] extends [never] ? DeclaredSuccessBody<R> : JsonOf<Data>
type SuccessStatusOf<R> = [DeclaredStatus<R> & SuccessStatus] extends [never] ? SuccessStatus : DeclaredStatus<R> & SuccessStatus

/**
 * What a route's call resolves to: a union on `status` and `ok`. `ok` narrows to the success body, typed
 * from what the route's last step returns (or its `describe({ responses })` 2xx schema); each status the
 * route declares narrows to its schema's output, a validating route's 400 to its problem document, and any
 * other status to `unknown`.
 */
export type RouteResponse<Spec> =
  Spec extends RouteSpec<infer Adds, infer Answer> ? ResponseUnion<Responses<Adds>, [Inputs<Adds>] extends [never] ? false : true, Answer> : never

// each part computed once, as a defaulted parameter: R the declared responses, Errors the declared statuses
// that are not 2xx, Problem 400 when the route validates and declares no 400 of its own
type ResponseUnion<
  R, Validates extends boolean, Answer,
  Declared extends number = DeclaredStatus<R>,
  Errors extends number = Exclude<Declared, SuccessStatus>,
  Problem extends number = Validates extends true ? Exclude<400, Declared> : never,
> =
  | TypedResponse<SuccessStatusOf<R>, true, SuccessBody<R, Answer>>
  | { [S in Errors]: TypedResponse<S, false, SchemaOutput<EntryFor<R, S>>> }[Errors]
  | ([Problem] extends [never] ? never : TypedResponse<Problem, false, ValidationProblem>)
  | TypedResponse<Exclude<UnsuccessfulStatus, Declared | Problem>, false, unknown>

type ParamValues<P extends string> = { readonly [K in keyof Params<P>]: Params<P>[K] | number }
// required when the pattern has a param that is not optional
type ParamsPart<P extends string> = keyof Params<P> extends never ? { params?: never }
  : {} extends Params<P> ? { params?: ParamValues<P> } : { params: ParamValues<P> }

type QueryPart<I> = [I] extends [{ readonly query: infer Q }] ? ({} extends Q ? { query?: Q } : { query: Q }) : { query?: QueryFields }

type BodyPart<I> = [I] extends [{ readonly body: infer B }]
  ? ({} extends B ? { json?: B } : { json: B }) & { form?: never; body?: never }
  : { json?: unknown; form?: QueryFields | URLSearchParams; body?: RequestBody }

type BaseOptions = Omit<CallOptions, 'params' | 'query' | 'json' | 'form' | 'body'>

/** What a call to route pattern `P` takes: its params, and a query and JSON body its `validate()` schemas accept. */
export type RouteCallOptions<Spec, P extends string> =
  Spec extends RouteSpec<infer Adds, unknown> ? OptionsWith<Inputs<Adds>, P> : never
type OptionsWith<I, P extends string> = BaseOptions & ParamsPart<P> & QueryPart<I> & BodyPart<I>

// the options may be left out when nothing in them is required
type OptionsArg<O> = {} extends O ? [options?: O] : [options: O]

// a path that is not a route pattern answering M meets a type that says so, which the type error shows
type KnownPath<Routes, M extends ClientMethod, P extends string> =
  P extends RoutePaths<Routes, M> ? P : `${M} ${P} is not a route of this app`
type OptionsFor<Routes, M extends ClientMethod, P extends string> =
  P extends RoutePaths<Routes, M> ? OptionsArg<RouteCallOptions<SpecOf<Routes, M, P>, P>> : [options?: CallOptions]

/** One typed verb: a route pattern that answers `M`, its options, its typed response. */
export type TypedVerb<Routes, M extends ClientMethod> =
  <P extends string>(path: KnownPath<Routes, M, P>, ...options: OptionsFor<Routes, M, P>) => Promise<RouteResponse<SpecOf<Routes, M, P>>>

/**
 * The client `createClient<typeof app>()` returns: the same {@link Client}, typed from the app's routes. Its
 * verbs take route patterns as the app registered them, mount prefixes included, with `params` to fill them.
 */
export interface TypedClient<Routes> {
  /** The middlewares every request goes through, outermost first. */
  readonly middlewares: readonly ClientMiddleware[]
  get: TypedVerb<Routes, 'GET'>
  head: TypedVerb<Routes, 'HEAD'>
  post: TypedVerb<Routes, 'POST'>
  put: TypedVerb<Routes, 'PUT'>
  patch: TypedVerb<Routes, 'PATCH'>
  delete: TypedVerb<Routes, 'DELETE'>
  /** Sends any request, untyped, as {@link Client.request} does. */
  request(init: RequestInit, options?: Pick<CallOptions, 'middlewares'>): Promise<ClientResponse>
  /** A typed client with these middlewares after this one's, sharing its connection pool and options. */
  with(...middlewares: ClientMiddleware[]): TypedClient<Routes>
  /** Closes the connection pool, once requests in flight are done. */
  close(): Promise<void>
}
