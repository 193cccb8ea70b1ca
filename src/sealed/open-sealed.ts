import { configError } from '../errors.js'
import { HttpError } from '../http/http-error.js'
import type { RouteRequest } from '../http/route-request.js'
import { defineStep, type Step } from '../core/step.js'
import { decodeUtf8Strict } from '../util/utf8.js'
import { SEALED_KEY_HEADER, SealedValueError, type PublishedSealKey, type SealKeyRing } from './seal-key-ring.js'

/**
 * A step that answers the current public key as `{ key_id, key }` (base64), for clients to seal with.
 * @example app.get('/secrets/public-key', publishSealKey(ring))
 */
export function publishSealKey(ring: SealKeyRing): Step {
  if (typeof ring?.published !== 'function') configError('publishSealKey() takes a SealKeyRing')
  return function publishSealKey(): PublishedSealKey {
    return ring.published()
  }
}

/**
 * A step that opens the named fields of a JSON body, each a base64 sealed box, sealed to the key the body's
 * `key_id` names. The steps after it find the plaintext in `req.sealed`, typed by the field names, and only
 * there: the body is left as it came (`await req.json()` and `req.text()` still show the sealed text), so a
 * step or logger that echoes the body shows no secret. A second `openSealed()` in the same chain adds its
 * fields to `req.sealed`.
 *
 * A missing or non-string field, bad base64, a box that does not open, or one that does not hold UTF-8 text
 * answers 400 with the reason. A `key_id` the ring does not hold answers 400 with the header
 * `x-sealed-key: unknown` ({@link SEALED_KEY_HEADER}), on which clients fetch the current key and seal again.
 *
 * Sealed boxes are anonymous: opening one proves nothing about who sealed it. Authenticate the sender with
 * the steps before this one.
 *
 * @example
 * app.put('/secrets/:name', authenticate, openSealed(ring, ['encrypted_value']), (req) => {
 *   vault.set(req.params.name, req.sealed.encrypted_value)
 *   return null
 * })
 */
export function openSealed<const F extends string>(ring: SealKeyRing, fields: readonly F[]): NoInfer<Step<RouteRequest, { sealed: Record<F, string> }>> {
  const names: readonly F[] = fields
  if (typeof ring?.open !== 'function' || typeof ring.has !== 'function') configError('openSealed() takes a SealKeyRing and the names of the sealed fields')
  if (!Array.isArray(fields) || fields.length === 0 || fields.some((f) => typeof f !== 'string' || f === '' || f === 'key_id')) {
    configError('openSealed(ring, fields): fields is a non-empty list of body field names (not "key_id")')
  }
  return defineStep<{ sealed: Record<F, string> }>(async function openSealed(req) {
    const body = await req.json()
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'the body must be a JSON object with key_id and the sealed fields')
    const record = body as Record<string, unknown>
    const keyId = record.key_id
    if (typeof keyId !== 'string' || keyId === '') throw new HttpError(400, 'the body has no key_id: send the key_id of the public key you sealed with')
    if (!ring.has(keyId)) {
      throw new HttpError(400, `unknown key_id "${keyId.slice(0, 64)}": fetch the current public key and seal again`, { headers: { [SEALED_KEY_HEADER]: 'unknown' } })
    }
    // what an earlier openSealed() opened stays; the body itself is never changed
    const sealed: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, req.sealed)
    for (const field of names) {
      const value = Object.hasOwn(record, field) ? record[field] : undefined
      if (typeof value !== 'string') throw new HttpError(400, `sealed field "${field}" is missing or not a base64 string`)
      sealed[field] = openField(ring, keyId, field, value)
    }
    req.sealed = sealed as Record<F, string>
    return undefined
  })
}

function openField(ring: SealKeyRing, keyId: string, field: string, value: string): string {
  let opened: Uint8Array
  try {
    opened = ring.open(keyId, value)
  } catch (error) {
    if (error instanceof SealedValueError) throw new HttpError(400, `sealed field "${field}": ${error.message}`)
    throw error
  }
  const text = decodeUtf8Strict(opened)
  if (text === undefined) throw new HttpError(400, `sealed field "${field}" does not hold UTF-8 text`)
  return text
}
