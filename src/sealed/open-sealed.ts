import { configError, HttpError } from '../errors.js'
import type { RouteRequest } from '../request.js'
import { defineStep, type Step } from '../step.js'
import { SealedValueError, type PublishedSealKey, type SealKeyRing } from './seal-key-ring.js'

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true })

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
 * `key_id` names. The steps after it find the plaintext in `req.sealed` (typed by the field names) and in the
 * body itself (`await req.json()`), where each field's sealed text is replaced by its plaintext. A missing or
 * non-string field, an unknown `key_id`, bad base64, or a box that does not open answers 400 with the reason.
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
export function openSealed<const F extends string>(ring: SealKeyRing, fields: readonly F[]): Step<RouteRequest, { sealed: Record<F, string> }> {
  const names: readonly F[] = fields
  if (typeof ring?.open !== 'function') configError('openSealed() takes a SealKeyRing and the names of the sealed fields')
  if (!Array.isArray(fields) || fields.length === 0 || fields.some((f) => typeof f !== 'string' || f === '' || f === 'key_id')) {
    configError('openSealed(ring, fields): fields is a non-empty list of body field names (not "key_id")')
  }
  return defineStep<{ sealed: Record<F, string> }>(async function openSealed(req) {
    const body = await req.json()
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'the body must be a JSON object with key_id and the sealed fields')
    const record = body as Record<string, unknown>
    const keyId = record.key_id
    if (typeof keyId !== 'string' || keyId === '') throw new HttpError(400, 'the body has no key_id: send the key_id of the public key you sealed with')
    const sealed = Object.create(null) as Record<F, string>
    for (const field of names) {
      const value = record[field]
      if (typeof value !== 'string') throw new HttpError(400, `sealed field "${field}" is missing or not a base64 string`)
      sealed[field] = openField(ring, keyId, field, value)
    }
    for (const field of names) record[field] = sealed[field]
    req.sealed = sealed
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
  try {
    return STRICT_UTF8.decode(opened)
  } catch {
    throw new HttpError(400, `sealed field "${field}" does not hold UTF-8 text`)
  }
}
