import { sealValue, type PublishedSealKey } from './seal-key-ring.js'

/**
 * A copy of a JSON body with the named fields sealed to a published key (base64 sealed boxes) and `key_id`
 * set, ready for a route with `openSealed()`. Fields absent from the body are left out; a present field that
 * is not a string is refused, since only text round-trips.
 *
 * @example
 * const key = await (await client.get('/secrets/public-key')).json<PublishedSealKey>()
 * await client.put('/secrets/deploy', { json: sealFields({ encrypted_value: token }, ['encrypted_value'], key) })
 */
export function sealFields(body: Readonly<Record<string, unknown>>, fields: readonly string[], key: PublishedSealKey): Record<string, unknown> {
  const sealed: Record<string, unknown> = { ...body }
  for (const field of fields) {
    const value = body[field]
    if (value === undefined) continue
    if (typeof value !== 'string') throw new TypeError(`sealFields: field "${field}" must be a string to be sealed, got ${value === null ? 'null' : typeof value}`)
    sealed[field] = sealValue(value, key.key)
  }
  sealed.key_id = key.key_id
  return sealed
}
