import type { OutgoingHttpHeaders } from 'node:http'
import { withMeta } from '../core/step-meta.js'
import type { Next, Step } from '../core/step.js'
import { configError } from '../errors.js'
import { CORS_KIND, pathMethods } from './dispatch.js'
import { Reply, withHeaders } from './reply.js'
import type { RouteRequest } from './route-request.js'

/** Which origins may read the answers: `'*'` (any, without credentials), one, a list, a pattern, `true` (any, reflected) or a function. */
export type CorsOrigin = '*' | string | readonly string[] | RegExp | true | ((origin: string, req: RouteRequest) => boolean | Promise<boolean>)

/** Options for {@link cors}, as the `cors` and `@fastify/cors` packages name them. */
export interface CorsOptions {
  /** @default '*' */
  origin?: CorsOrigin
  /** The methods a preflight may grant; what the path really serves is granted only where it is in this list. @default every method the path serves */
  methods?: readonly string[]
  /** Request headers a preflight grants. @default the ones the preflight asks for */
  allowedHeaders?: readonly string[]
  /** Response headers the page's script may read. @default none beyond the CORS-safelisted ones */
  exposedHeaders?: readonly string[]
  /** Let the page send cookies and read answers to requests that carried them; needs listed origins, not `'*'`. @default false */
  credentials?: boolean
  /** How long, in seconds, a browser may keep a preflight's answer. @default unset (browsers keep it 5 s) */
  maxAge?: number
}

function originCheck(origin: CorsOrigin): (value: string, req: RouteRequest) => boolean | Promise<boolean> {
  if (origin === '*' || origin === true) return () => true
  if (typeof origin === 'string') return (value) => value === origin
  if (origin instanceof RegExp) return (value) => origin.test(value)
  if (Array.isArray(origin)) {
    const listed = new Set(origin)
    return (value) => listed.has(value)
  }
  if (typeof origin === 'function') return origin as (value: string, req: RouteRequest) => boolean | Promise<boolean>
  configError('cors({ origin }) takes "*", an origin, a list of origins, a RegExp, true or a function (origin, req) => boolean')
}

function varyOrigin(headers: OutgoingHttpHeaders): void {
  const vary = headers.vary
  const listed = vary === undefined ? [] : String(vary).split(',').map((v) => v.trim().toLowerCase())
  if (!listed.includes('origin') && !listed.includes('*')) headers.vary = vary === undefined ? 'Origin' : `${String(vary)}, Origin`
}

function isPreflight(req: RouteRequest): boolean {
  return req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined
}

/**
 * Cross-origin resource sharing as a step, for a route, a router (`use`) or the whole app. A preflight
 * (`OPTIONS` with `Access-Control-Request-Method`) is answered from the route table, before the route's
 * other steps (authentication included) run, granting only methods the path really serves; other requests
 * get their grant on whatever the chain answers, errors included. `Vary: Origin` is set whenever the answer
 * depends on the origin.
 *
 * @example app.use(cors({ origin: ['https://app.example'], credentials: true }))
 */
export function cors(options: CorsOptions = {}): Step {
  if (options === null || typeof options !== 'object') configError('cors() takes { origin?, methods?, allowedHeaders?, exposedHeaders?, credentials?, maxAge? }')
  const origin = options.origin ?? '*'
  const allows = originCheck(origin)
  const anyOrigin = origin === '*'
  const credentials = options.credentials === true
  if (credentials && anyOrigin) configError("cors({ credentials: true }) needs the origins listed (or true, or a function): browsers refuse credentials with '*'")
  const { maxAge } = options
  if (maxAge !== undefined && (!Number.isInteger(maxAge) || maxAge < 0)) configError(`cors({ maxAge }) takes whole seconds from 0 up, got ${String(maxAge)}`)
  const methods = options.methods?.map((m) => m.toUpperCase())
  const exposed = options.exposedHeaders?.join(', ')
  const allowedHeaders = options.allowedHeaders?.join(', ')

  const grant = (headers: OutgoingHttpHeaders, requestOrigin: string): void => {
    headers['access-control-allow-origin'] = anyOrigin ? '*' : requestOrigin
    if (credentials) headers['access-control-allow-credentials'] = 'true'
  }

  const preflight = (req: RouteRequest, requestOrigin: string | undefined, allowed: boolean): Reply => {
    const headers: OutgoingHttpHeaders = { 'content-length': 0 }
    if (!anyOrigin) varyOrigin(headers)
    const served = pathMethods(req) ?? methods ?? ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']
    const granted = methods === undefined ? served : served.filter((m) => methods.includes(m))
    const requested = String(req.headers['access-control-request-method']).toUpperCase()
    // no grant for another origin, or for a method the path does not serve: the browser stops there
    if (requestOrigin === undefined || !allowed || !granted.includes(requested)) return new Reply(null, 204, headers)
    grant(headers, requestOrigin)
    headers['access-control-allow-methods'] = granted.join(', ')
    const asked = req.headers['access-control-request-headers']
    if (allowedHeaders !== undefined) headers['access-control-allow-headers'] = allowedHeaders
    else if (typeof asked === 'string' && asked !== '') {
      headers['access-control-allow-headers'] = asked
      headers.vary = `${String(headers.vary ?? 'Origin')}, Access-Control-Request-Headers`
    }
    if (maxAge !== undefined) headers['access-control-max-age'] = String(maxAge)
    return new Reply(null, 204, headers)
  }

  const step = async function cors(req: RouteRequest, next: Next): Promise<Reply> {
    const requestOrigin = req.headers.origin
    const allowed = requestOrigin !== undefined && await allows(requestOrigin, req)
    if (isPreflight(req)) return preflight(req, requestOrigin, allowed)
    const reply = await next()
    const headers: OutgoingHttpHeaders = { ...reply.headers }
    if (!anyOrigin) varyOrigin(headers)
    if (allowed) {
      grant(headers, requestOrigin)
      if (exposed !== undefined) headers['access-control-expose-headers'] = exposed
    }
    return withHeaders(reply, headers)
  }
  return withMeta(step, { kind: CORS_KIND, data: undefined, runs: true }) as unknown as Step
}
