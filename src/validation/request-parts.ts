import { HttpError } from '../http/http-error.js'
import type { RouteRequest } from '../http/route-request.js'
import { isJsonType, mediaType } from '../util/media-type.js'
import type { ValidationPart } from './validation-error.js'

/** What a part other than the body is, as the schema sees it. */
export function partInput(req: RouteRequest, part: Exclude<ValidationPart, 'body'>): unknown {
  switch (part) {
    case 'params': return req.params
    case 'query': return req.query
    case 'headers': return req.headers
    case 'cookies': return req.cookies
  }
}

const FORM = 'application/x-www-form-urlencoded'

/**
 * The body as the schema sees it, read with the app's limits: JSON (any `+json` type too) or an urlencoded
 * form; `undefined` for a request with no body and no Content-Type; 415 for anything else.
 */
export function bodyInput(req: RouteRequest): Promise<unknown> {
  const type = mediaType(req.headers['content-type'])
  if (isJsonType(type)) return req.json()
  if (type === FORM) return req.form()
  if (type === '' && !hasBody(req)) return Promise.resolve(undefined)
  return Promise.reject(new HttpError(415, `expected an application/json or ${FORM} body, got content-type ${type || 'none'}`))
}

function hasBody(req: RouteRequest): boolean {
  const length = req.headers['content-length']
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
}
