import { isJsonType, mediaType } from '../../util/media-type.js'
import { configError } from '../../errors.js'
import { sealFields } from '../../sealed/seal-fields.js'
import { SEALED_KEY_HEADER, type PublishedSealKey } from '../../sealed/seal-key-ring.js'
import { ClientError } from '../errors.js'
import type { ClientMiddleware } from '../middleware.js'
import type { ClientRequest } from '../request.js'
import { SealKeyCache } from './seal-key-cache.js'

/** Options for {@link sealBodyFields}. */
export interface SealBodyFieldsOptions {
  /** Where the server publishes its key as `{ key_id, key }`; relative URLs resolve against each request's. */
  keyUrl: string | URL
  /** The names of the JSON body fields to seal, when a body has them. */
  fields: readonly string[]
  /** How long a fetched key is used before it is fetched again, in seconds. @default 300 */
  maxAge?: number
}

const sealError = (req: ClientRequest, message: string, cause?: unknown): ClientError =>
  new ClientError('ERR_ROUTECHAIN_CLIENT_SEAL_BODY', message, req, { cause })

/**
 * The request's JSON body as an object, or `undefined` when it has none whose fields could be sealed: no body,
 * not a JSON content type (the server's rule: `application/json` or `+json`), or text the server would not
 * parse into an object either. A function or stream body with a JSON content type cannot be looked into, so
 * it is refused rather than sent with its fields unsealed.
 */
function jsonBody(req: ClientRequest): Record<string, unknown> | undefined {
  const { body } = req
  if (body === undefined || !isJsonType(mediaType(req.headers['content-type']))) return undefined
  let text: string
  if (typeof body === 'string') text = body
  else if (body instanceof Uint8Array) text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8') // as the server decodes it
  else throw sealError(req, 'sealBodyFields cannot look into a function or stream body to seal its fields: pass the body as `json` (or as text or bytes)')
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return undefined // the server cannot parse it either, so it reads no field of it
  }
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed as Record<string, unknown> : undefined
}

/** `req` with its body's fields sealed to `key`; a content-length given for the plaintext is dropped. */
function sealedRequest(req: ClientRequest, body: Record<string, unknown>, fields: readonly string[], key: PublishedSealKey): ClientRequest {
  let sealed: string
  try {
    sealed = JSON.stringify(sealFields(body, fields, key))
  } catch (error) {
    throw sealError(req, `sealBodyFields cannot seal the body: ${(error as Error).message}`, error)
  }
  const headers = { ...req.headers }
  delete headers['content-length']
  return { ...req, headers, body: sealed }
}

/**
 * A client middleware that seals the named fields of outgoing JSON bodies to the server's published key (see
 * `openSealed()` on the server), so they stay encrypted through proxies, logs and middle tiers. Bodies given as
 * `json`, text or bytes with a JSON content type are sealed; a function or stream body with a JSON content type
 * throws `ClientError` `ERR_ROUTECHAIN_CLIENT_SEAL_BODY` (pass `json`), as does a named field that is not a
 * string: a named field is never sent unsealed.
 *
 * The key is fetched from `keyUrl` and kept for `maxAge`, one fetch shared by the requests that need it at the
 * same time (each can still be aborted by its own signal). The fetch sends `accept`, the request's
 * `user-agent`, and its `authorization` and `cookie` only when the key URL has the request's origin. When the
 * server answers 400 with `x-sealed-key: unknown` (its key was rotated away), the key is fetched again and, if
 * it changed, the request is sealed and sent once more; any other 400 is returned as it is.
 *
 * Where to list it: the middlewares before it (outer) see the plaintext bodies; the ones after it (inner) see
 * the sealed bodies and the key fetch too, with whatever they add to it (a token middleware's
 * `Authorization`, even for a key URL on another origin). So put it first when the key URL has the API's
 * origin: every other middleware sees only sealed bodies, and token middlewares authenticate the key fetch as
 * they do the API. When the key URL is on another origin, list the credential middlewares
 * (`refreshTokenOn401`, `refreshTokenBeforeExpiry`, `digestAuth`) before it and the rest after it. A
 * middleware that logs or keeps bodies (`logRequests`, your own) always goes after it.
 *
 * @example
 * const client = createClient({ baseUrl, middlewares: [sealBodyFields({ keyUrl: '/secrets/public-key', fields: ['encrypted_value'] }), logRequests(logger)] })
 * await client.put('/secrets/deploy', { json: { encrypted_value: token } })   // sent sealed, with key_id
 */
export function sealBodyFields(options: SealBodyFieldsOptions): ClientMiddleware {
  const { keyUrl, fields, maxAge = 300 } = options ?? ({} as SealBodyFieldsOptions)
  if (typeof keyUrl !== 'string' && !(keyUrl instanceof URL)) configError('sealBodyFields() needs keyUrl, where the server publishes { key_id, key }')
  if (!Array.isArray(fields) || fields.length === 0 || fields.some((f) => typeof f !== 'string' || f === '')) configError('sealBodyFields() needs fields, a non-empty list of body field names')
  if (typeof maxAge !== 'number' || !(maxAge >= 0)) configError(`sealBodyFields() maxAge is in seconds, from 0 up; got ${String(maxAge)}`)
  const keys = new SealKeyCache(keyUrl, maxAge)

  return async function sealBodyFields(req, next) {
    const body = jsonBody(req)
    if (body === undefined || !fields.some((field) => Object.hasOwn(body, field))) return next(req)
    const key = await keys.get(req, next)
    const res = await next(sealedRequest(req, body, fields, key))
    if (res.status !== 400 || res.header(SEALED_KEY_HEADER) !== 'unknown') return res
    // the server no longer holds the key: it was rotated since this one was fetched. Look again; send once more only if it changed
    keys.forget(req, key)
    let fresh: PublishedSealKey
    try {
      fresh = await keys.get(req, next)
    } catch (error) {
      if (req.signal?.aborted !== true) return res // the 400 stands: it says more than a failed look at the key would
      await res.discard()
      throw error
    }
    if (fresh.key_id === key.key_id && fresh.key === key.key) return res
    await res.discard()
    return next(sealedRequest(req, body, fields, fresh))
  }
}
