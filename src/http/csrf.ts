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
 * (typed into the address bar), an `Origin` with the request's scheme and `Host`, and the `origins` you list.
 * Without either header, the origin of `Referer` stands in for `Origin`; a request with none of the three is not
 * from a browser and passes. Behind a proxy that rewrites `Host` or ends TLS, list the public origin in
 * `origins` (or set `trustProxy`, for the scheme), or browsers too old to send `Sec-Fetch-Site` get 403.
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
    // a browser old enough to send neither Origin nor Sec-Fetch-Site still names the page in Referer
    const referer = req.headers.origin === undefined && site === undefined ? req.headers.referer : undefined
    const origin = req.headers.origin ?? (referer === undefined ? undefined : originOf(referer))
    if (origin === undefined) {
      if (site === undefined) return undefined
      throw refused(`Sec-Fetch-Site ${site}`)
    }
    if (allowed(origin, req)) return undefined
    if (site === undefined && isOwnOrigin(origin, req)) return undefined
    throw refused(`${referer === undefined ? 'Origin' : 'Referer'} ${origin}`)
  }
}

/** The origin of a Referer URL; `null`, which no list allows, when it does not parse. */
function originOf(url: string): string {
  try {
    return new URL(url).origin
  } catch {
    return 'null'
  }
}

function refused(from: string): HttpError {
  return new HttpError(403, `Forbidden: cross-origin request refused (${from})`)
}

/**
 * Whether an origin is the app's own: the scheme the request came over (`req.protocol`, which follows a
 * trusted proxy's X-Forwarded-Proto) and the host it was sent to. For browsers without Sec-Fetch-Site.
 */
function isOwnOrigin(origin: string, req: RouteRequest): boolean {
  const host = req.headers.host
  return host !== undefined && origin.toLowerCase() === `${req.protocol}://${host.toLowerCase()}`
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
