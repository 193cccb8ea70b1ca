// What the two token middlewares share: the Bearer header and their option checks.
import { configError } from '../../errors.js'
import type { ClientRequest } from '../request.js'

/**
 * A copy of `req` with `authorization: Bearer <token>`, over any authorization header it had.
 *
 * @example
 * return next(withBearer(req, await getToken()))
 */
export function withBearer(req: ClientRequest, token: string): ClientRequest {
  if (typeof token !== 'string' || token === '') throw new TypeError(`a token must be a non-empty string, got ${token === '' ? 'an empty string' : typeof token}`)
  return { ...req, headers: { ...req.headers, authorization: `Bearer ${token}` } }
}

/**
 * Checks that an option of a middleware is a function, throwing a configuration error naming it otherwise.
 *
 * @example
 * const getToken = checkFunction('refreshTokenOn401', 'getToken', options.getToken)
 */
export function checkFunction<F extends (...args: never[]) => unknown>(middleware: string, name: string, value: F | undefined): F {
  if (typeof value !== 'function') configError(`${middleware}() needs ${name}, a function; got ${value === undefined ? 'nothing' : typeof value}`)
  return value
}
