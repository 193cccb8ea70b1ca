import type { ClientRequest } from './request.js'
import type { ClientResponse } from './response.js'

/**
 * Runs the rest of the middlewares and the network exchange, with `req` or the request given. A middleware
 * may call it several times (a retry), up to {@link NEXT_LIMIT} times, and must return one response.
 */
export type ClientNext = (req?: ClientRequest) => Promise<ClientResponse>

/**
 * A client middleware, the same onion as a server step: it may change the request, call `next` zero or more
 * times, and inspect or replace the response.
 *
 * @example
 * const addTrace: ClientMiddleware = (req, next) => next({ ...req, headers: { ...req.headers, 'x-trace': id() } })
 */
export type ClientMiddleware = (req: ClientRequest, next: ClientNext) => Promise<ClientResponse>

/** How many times one middleware may call `next` for one request: generous for retries, but bounded. */
export const NEXT_LIMIT = 100
