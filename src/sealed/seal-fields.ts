import { sealValue, type PublishedSealKey } from './seal-key-ring.js'

/**
 * A copy of a JSON body with the named fields sealed to a published key (base64 sealed boxes) and `key_id`
 * set, ready for a route with `openSealed()`. Fields the body does not have as its own (or holds as
 * `undefined`) are left out; a present field that is not a string is refused with a `TypeError`, since only
 * text round-trips, as is one `sealValue()` refuses (a lone surrogate).
 *
 * @example
 * const key = await (await client.get('/secrets/public-key')).json<PublishedSealKey>()
 * await client.put('/secrets/deploy', { json: sealFields({ encrypted_value: token }, ['encrypted_value'], key) })
 */
export function sealFields(body: Readonly<Record<string, unknown>>, fields: readonly string[], key: PublishedSealKey): Record<string, unknown> {
  const sealed: Record<string, unknown> = { ...body }
  for (const field of fields) {
    // own fields only: `toString` is not a field of every body
    const value = Object.hasOwn(body, field) ? body[field] : undefined
    if (value === undefined) continue
    if (typeof value !== 'string') throw new TypeError(`sealFields: field "${field}" must be a string to be sealed, got ${value === null ? 'null' : typeof value}`)
    // defined rather than assigned, so a field named __proto__ stays a field
    Object.defineProperty(sealed, field, { value: sealValue(value, key.key), enumerable: true, writable: true, configurable: true })
  }
  sealed.key_id = key.key_id
  return sealed
}
