import { Agent, type Dispatcher } from 'undici'
import { compose, type AnyStep, type Chain } from '../core/chain.js'
import { configError } from '../errors.js'
import { HttpStatusError } from './errors.js'
import { NEXT_LIMIT, type ClientMiddleware } from './middleware.js'
import type { CallOptions, RequestInit } from './call-options.js'
import { buildRequest, checkCount, checkMs, mergeHeaders, type ClientDefaults, type ClientRequest, type RequestOptions } from './request.js'
import { ClientResponse } from './response.js'
import { send } from './transport.js'
import type { AppRoutes, TypedClient } from './typed-client.js'
import type { Typed } from '../core/route-types.js'

/** Options for {@link createClient}. */
export interface ClientOptions {
  /** Relative URLs resolve against it: `createClient({ baseUrl: 'https://api.example.com/v1/' }).get('posts')`. */
  baseUrl?: string | URL
  /** Headers sent with every request. */
  headers?: Record<string, string | undefined>
  /**
   * Milliseconds each attempt may take, unless a request says otherwise: one deadline from sending to the end of
   * the final response's body, redirect hops included. At most 2147483647. @default no limit
   */
  timeout?: number
  /** Middlewares for every request, outermost first. */
  middlewares?: readonly ClientMiddleware[]
  /** Throw {@link HttpStatusError} for a status of 400 or above. @default false */
  throwOnError?: boolean
  /** How many redirects are followed; 0 returns redirects as responses. @default 10 */
  maxRedirects?: number
  /** The undici dispatcher to send through. @default an `Agent` (a keep-alive pool) of this client's own */
  dispatcher?: Dispatcher
}

/** A chain compiled for a list of middlewares, and the list it was compiled for. */
interface CompiledChain {
  readonly middlewares: readonly ClientMiddleware[]
  readonly chain: Chain
}

/** What clients made from one another with {@link Client.with} share. */
interface Shared {
  readonly dispatcher: Dispatcher
  readonly ownsDispatcher: boolean
  readonly defaults: ClientDefaults
  readonly throwOnError: boolean
  /** The network end of every chain: sends through this family's dispatcher. */
  readonly transport: (req: ClientRequest) => Promise<ClientResponse>
  /** The chain for per-request `middlewares: []`. */
  readonly bare: Chain
  /**
   * Chains compiled for per-request middleware lists, by list. Per family, not per module: a chain ends in its
   * family's transport, so a list shared by two clients must not send through the first one's dispatcher.
   */
  readonly chains: WeakMap<readonly ClientMiddleware[], CompiledChain>
}

const NO_OPTIONS: CallOptions = Object.freeze({})

function checkMiddlewares(middlewares: unknown): readonly ClientMiddleware[] {
  if (!Array.isArray(middlewares) || middlewares.some((m) => typeof m !== 'function')) {
    configError('middlewares takes a list of functions (req, next) => response')
  }
  return middlewares as readonly ClientMiddleware[]
}

function compile(middlewares: readonly ClientMiddleware[], transport: Shared['transport']): Chain {
  return compose([...middlewares, transport] as unknown as AnyStep[], { settle: isResponse, nextLimit: NEXT_LIMIT, passRequest: true })
}

function sameList(a: readonly ClientMiddleware[], b: readonly ClientMiddleware[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

function isResponse(value: unknown): ClientResponse {
  if (value instanceof ClientResponse) return value
  throw new TypeError(`a client middleware resolved to ${value === undefined ? 'nothing' : typeof value}, not a response; return what next() resolves to`)
}

/**
 * An HTTP client on undici whose middlewares are chains, as routes are on the server. Requests go through the
 * client's middlewares, outermost first, then out through one keep-alive `Agent` per client.
 *
 * @example
 * const client = createClient({ baseUrl: 'https://api.example.com', middlewares: [retry({ attempts: 3 })] })
 * const res = await client.get('/posts/1')
 * const post = await res.json()
 */
export class Client {
  /** The middlewares every request goes through, outermost first. */
  readonly middlewares: readonly ClientMiddleware[]
  readonly #shared: Shared
  readonly #chain: Chain

  constructor(options: ClientOptions = {}, shared?: Shared, middlewares?: readonly ClientMiddleware[]) {
    this.#shared = shared ?? resolveShared(options)
    // a frozen copy: the caller's array may change later, and the chain compiled now would not follow it
    this.middlewares = Object.freeze([...(middlewares ?? checkMiddlewares(options.middlewares ?? []))])
    this.#chain = this.middlewares.length === 0 ? this.#shared.bare : compile(this.middlewares, this.#shared.transport)
  }

  /** Sends a GET. */
  get(url: string | URL, options?: CallOptions): Promise<ClientResponse> {
    return this.#send('GET', url, options ?? NO_OPTIONS, options?.middlewares)
  }

  /** Sends a HEAD. */
  head(url: string | URL, options?: CallOptions): Promise<ClientResponse> {
    return this.#send('HEAD', url, options ?? NO_OPTIONS, options?.middlewares)
  }

  /** Sends a POST: give it `json`, `form` or `body`. */
  post(url: string | URL, options?: CallOptions): Promise<ClientResponse> {
    return this.#send('POST', url, options ?? NO_OPTIONS, options?.middlewares)
  }

  /** Sends a PUT. */
  put(url: string | URL, options?: CallOptions): Promise<ClientResponse> {
    return this.#send('PUT', url, options ?? NO_OPTIONS, options?.middlewares)
  }

  /** Sends a PATCH. */
  patch(url: string | URL, options?: CallOptions): Promise<ClientResponse> {
    return this.#send('PATCH', url, options ?? NO_OPTIONS, options?.middlewares)
  }

  /** Sends a DELETE. */
  delete(url: string | URL, options?: CallOptions): Promise<ClientResponse> {
    return this.#send('DELETE', url, options ?? NO_OPTIONS, options?.middlewares)
  }

  /**
   * Sends any request. `options.middlewares` replaces the client's for this request (`[]`: none).
   * @example await client.request({ method: 'PUT', url: '/posts/1', json: post }, { middlewares: [] })
   */
  request(init: RequestInit, options: Pick<CallOptions, 'middlewares'> = {}): Promise<ClientResponse> {
    return this.#send(init.method, init.url, init, options.middlewares ?? (init as CallOptions).middlewares)
  }

  // the shorthands call this directly: building `{ ...options, method, url }` per call is a slow path on Node 20
  async #send(method: string, url: string | URL, options: RequestOptions, middlewares: readonly ClientMiddleware[] | undefined): Promise<ClientResponse> {
    const chain = middlewares === undefined ? this.#chain : this.#chainFor(middlewares)
    const req = buildRequest(method, url, options, this.#shared.defaults)
    const res = isResponse(await chain(req))
    if (res.status >= 400 && (options.throwOnError ?? this.#shared.throwOnError)) throw new HttpStatusError(req, res)
    return res
  }

  /** A client with these middlewares after this one's (innermost), sharing its connection pool and options. */
  with(...middlewares: ClientMiddleware[]): Client {
    return new Client({}, this.#shared, [...this.middlewares, ...checkMiddlewares(middlewares)])
  }

  /** Closes the connection pool, once requests in flight are done; a client given a dispatcher leaves it open. */
  async close(): Promise<void> {
    if (this.#shared.ownsDispatcher) await this.#shared.dispatcher.close()
  }

  /**
   * The chain for a request's own middlewares, compiled once per list and family. The list is compared
   * with the one compiled for on every call, so a list changed in place since is compiled anew.
   */
  #chainFor(middlewares: readonly ClientMiddleware[]): Chain {
    // hot path: `[]` and a list seen before cost a length check and a short comparison, no allocation
    if (Array.isArray(middlewares) && middlewares.length === 0) return this.#shared.bare
    const { chains, transport } = this.#shared
    const cached = chains.get(middlewares)
    if (cached !== undefined && sameList(cached.middlewares, middlewares)) return cached.chain
    const copy = Object.freeze([...checkMiddlewares(middlewares)])
    const chain = compile(copy, transport)
    chains.set(middlewares, { middlewares: copy, chain })
    return chain
  }
}

function resolveShared(options: ClientOptions): Shared {
  if (options === null || typeof options !== 'object') configError('createClient() takes an options object, or nothing')
  let baseUrl: URL | undefined
  if (options.baseUrl !== undefined) {
    try {
      baseUrl = new URL(options.baseUrl)
    } catch {
      configError(`baseUrl must be an absolute http(s) URL, got "${String(options.baseUrl)}"`)
    }
    if (baseUrl.protocol !== 'http:' && baseUrl.protocol !== 'https:') configError(`baseUrl must be an http(s) URL, got "${baseUrl.href}"`)
  }
  const timeout = options.timeout === undefined ? undefined : checkMs('timeout', options.timeout, 1)
  const maxRedirects = options.maxRedirects === undefined ? 10 : checkCount('maxRedirects', options.maxRedirects, 0)
  const dispatcher = options.dispatcher ?? new Agent()
  const transport = (req: ClientRequest): Promise<ClientResponse> => send(req, dispatcher)
  return {
    dispatcher,
    ownsDispatcher: options.dispatcher === undefined,
    defaults: { baseUrl, headers: mergeHeaders({}, options.headers), timeout, maxRedirects },
    throwOnError: options.throwOnError ?? false,
    transport,
    bare: compile([], transport),
    chains: new WeakMap(),
  }
}

/**
 * Creates an HTTP client. Client middlewares apply to every request; a request's own `middlewares` replace
 * them, and `client.with(...more)` makes a client that adds to them.
 *
 * Given an app's type, the client is typed from its routes: its verbs take the route patterns (mount
 * prefixes included), type-check `params`, `query` and `json` against the route, and type the response by
 * status. It is the same client at run time; import the app's type only (`import type`), so no server code
 * reaches the client. Routes are in the app's type when their registration is chained or kept:
 * `const app = createApp().get(…).mount('/api', api)`.
 * @example
 * const api = createClient<typeof app>({ baseUrl: 'https://blog.example', middlewares: [retry()] })
 * const res = await api.get('/post/:id', { params: { id: '42' } })
 * if (res.ok) console.log((await res.json()).title)
 */
export function createClient<App extends Typed = never>(options?: ClientOptions): [App] extends [never] ? Client : TypedClient<AppRoutes<App>>
// last, so that ReturnType<typeof createClient> is the plain Client
export function createClient(options?: ClientOptions): Client
export function createClient(options?: ClientOptions): Client | TypedClient<never> {
  return new Client(options)
}

