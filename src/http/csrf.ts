import { configError } from '../errors.js'
import { HttpError } from './http-error.js'
import type { RouteRequest } from './route-request.js'
import type { Step } from '../core/step.js'

/** Options for {@link csrf}. */
export interface CsrfOptions {
  /**
   * Other origins allowed to send state-changing requests, as `scheme://host[:port]`, or a function that
   * decides. The app's own origin is always allowed. @default none
   * @example origins: ['https://admin.example.com']
   */
  origins?: readonly string[] | ((origin: string, req: RouteRequest) => boolean)
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE'])

/**
 * A step that refuses cross-origin state-changing requests (any method but GET, HEAD, OPTIONS and TRACE) with
 * 403, the defence cookie sessions need against cross-site request forgery. Browsers say where a request
 * comes from in `Sec-Fetch-Site` (all current ones) and `Origin`; the step trusts `same-origin` and `none`
 * (typed into the address bar), an `Origin` whose host is the request's `Host`, and the `origins` you list.
 * A request with neither header is not from a browser and passes. Behind a proxy that rewrites `Host`, list the
 * public origin in `origins`, or browsers too old to send `Sec-Fetch-Site` get 403.
 *
 * @example
 * const app = createApp({ session }).use(csrf())
 * posts.post('/', csrf({ origins: ['https://admin.example.com'] }), createPost)
 */
export function csrf(options: CsrfOptions = {}): Step {
  const allowed = allowedOrigins(options.origins)
  return function csrf(req) {
    if (SAFE_METHODS.has(req.method)) return undefined
    const site = req.headers['sec-fetch-site']
    if (site === 'same-origin' || site === 'none') return undefined
    const origin = req.headers.origin
    if (origin === undefined) {
      if (site === undefined) return undefined
      throw refused(`Sec-Fetch-Site ${site}`)
    }
    if (allowed(origin, req)) return undefined
    if (site === undefined && sameHost(origin, req.headers.host)) return undefined
    throw refused(`Origin ${origin}`)
  }
}

function refused(from: string): HttpError {
  return new HttpError(403, `Forbidden: cross-origin request refused (${from})`)
}

/** Whether an Origin header names the host the request was sent to (browsers without Sec-Fetch-Site). */
function sameHost(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false
  const start = origin.indexOf('://')
  return start !== -1 && origin.slice(start + 3).toLowerCase() === host.toLowerCase()
}

function allowedOrigins(origins: CsrfOptions['origins']): (origin: string, req: RouteRequest) => boolean {
  if (origins === undefined) return () => false
  if (typeof origins === 'function') return origins
  if (!Array.isArray(origins)) configError('csrf({ origins }) takes a list of origins such as ["https://example.com"], or a function')
  const set = new Set<string>()
  for (const origin of origins) set.add(checkOrigin(origin))
  return (origin) => set.has(origin.toLowerCase())
}

function checkOrigin(origin: unknown): string {
  let url: URL | undefined
  try {
    url = new URL(String(origin))
  } catch {
    url = undefined
  }
  if (url === undefined || url.origin === 'null' || url.origin !== String(origin).toLowerCase().replace(/\/$/, '')) {
    configError(`csrf: "${String(origin)}" is not an origin; write it as scheme://host[:port], with no path (e.g. "https://example.com")`)
  }
  return url.origin
}
