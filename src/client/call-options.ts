// What a client's calls take, beside the request's own options: the middlewares for one request, and the method
// and URL for request().
import type { ClientMiddleware } from './middleware.js'
import type { RequestOptions } from './request.js'

/** Per-request options: those of a call, plus the middlewares and the method and URL for `request()`. */
export interface CallOptions extends RequestOptions {
  /**
   * Middlewares for this request alone. They replace the client's (aiohttp's rule, so a middleware can call
   * the same client without recursing); `[]` runs none. All of them: a client-level `blockPrivateAddresses()`
   * guard too, so pass it along (`{ middlewares: [guard] }`) when it should still apply.
   */
  middlewares?: readonly ClientMiddleware[]
}

/** What `client.request()` takes: a method and URL with the request's options. */
export interface RequestInit extends RequestOptions {
  method: string
  url: string | URL
}
