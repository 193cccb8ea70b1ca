import { configError } from '../../errors.js'
import { sealFields } from '../../sealed/seal-fields.js'
import { decodeBase64, type PublishedSealKey } from '../../sealed/seal-key-ring.js'
import { ClientError } from '../errors.js'
import type { ClientMiddleware, ClientNext } from '../middleware.js'
import { dropCredentialsAcrossOrigins, type ClientRequest } from '../request.js'

/** Options for {@link sealBodyFields}. */
export interface SealBodyFieldsOptions {
  /** Where the server publishes its key as `{ key_id, key }`; relative URLs resolve against each request's. */
  keyUrl: string | URL
  /** The names of the JSON body fields to seal, when a body has them. */
  fields: readonly string[]
  /** How long a fetched key is used before it is fetched again, in seconds. @default 300 */
  maxAge?: number
}

interface CachedKey {
  readonly key: PublishedSealKey
  readonly until: number
}

function isPublishedKey(value: unknown): value is PublishedSealKey {
  const key = value as Partial<PublishedSealKey> | null
  return typeof key?.key_id === 'string' && typeof key.key === 'string' && decodeBase64(key.key)?.length === 32
}

/** The request's JSON body as an object, or `undefined` when it has none to seal. */
function jsonBody(req: ClientRequest): Record<string, unknown> | undefined {
  if (typeof req.body !== 'string' || !/^application\/(?:[\w.+-]+\+)?json\b/i.test(req.headers['content-type'] ?? '')) return undefined
  try {
    const body: unknown = JSON.parse(req.body)
    return body !== null && typeof body === 'object' && !Array.isArray(body) ? body as Record<string, unknown> : undefined
  } catch {
    return undefined
  }
}

/**
 * A client middleware that seals the named fields of outgoing JSON bodies to the server's published key (see
 * `openSealed()` on the server), so they stay encrypted through proxies, logs and middle tiers. It fetches the
 * key from `keyUrl` through the rest of the chain, keeps it for `maxAge`, and shares one fetch between
 * concurrent requests. When the server answers 400 to a value sealed with a cached key that has since been
 * rotated, it fetches the new key and sends once more.
 *
 * @example
 * const client = createClient({ baseUrl, middlewares: [sealBodyFields({ keyUrl: '/secrets/public-key', fields: ['encrypted_value'] })] })
 * await client.put('/secrets/deploy', { json: { encrypted_value: token } })   // sent sealed, with key_id
 */
export function sealBodyFields(options: SealBodyFieldsOptions): ClientMiddleware {
  const { keyUrl, fields, maxAge = 300 } = options ?? ({} as SealBodyFieldsOptions)
  if (typeof keyUrl !== 'string' && !(keyUrl instanceof URL)) configError('sealBodyFields() needs keyUrl, where the server publishes { key_id, key }')
  if (!Array.isArray(fields) || fields.length === 0 || fields.some((f) => typeof f !== 'string' || f === '')) configError('sealBodyFields() needs fields, a non-empty list of body field names')
  if (typeof maxAge !== 'number' || !(maxAge >= 0)) configError(`sealBodyFields() maxAge is in seconds, from 0 up; got ${String(maxAge)}`)
  // one key per key URL: a client without a baseUrl may talk to several services, each with its own key
  const cache = new Map<string, CachedKey>()
  const fetching = new Map<string, Promise<PublishedSealKey>>()

  const fetchKey = async (url: URL, req: ClientRequest, next: ClientNext): Promise<PublishedSealKey> => {
    const headers: Record<string, string> = { ...req.headers, accept: 'application/json' }
    delete headers['content-type']
    delete headers['content-length']
    // credentials meant for the API do not go to a key server elsewhere, as with redirects
    dropCredentialsAcrossOrigins(headers, req.url, url)
    const res = await next({ ...req, method: 'GET', url, headers, body: undefined })
    const key: unknown = res.status === 200 ? await res.json().catch(() => undefined) : (await res.discard(), undefined)
    if (!isPublishedKey(key)) throw new ClientError('ERR_ROUTECHAIN_CLIENT_SEAL_KEY', `the sealing key at ${url.href} answered ${res.status}, not { key_id, key } with a 32-byte base64 key`, req)
    cache.set(url.href, { key, until: Date.now() + maxAge * 1000 })
    return key
  }

  /** The cached key for this request's key URL, or one fetch of it shared by every request that needs it now. */
  const currentKey = (req: ClientRequest, next: ClientNext): Promise<PublishedSealKey> => {
    const url = new URL(keyUrl, req.url)
    const cached = cache.get(url.href)
    if (cached !== undefined && cached.until > Date.now()) return Promise.resolve(cached.key)
    let pending = fetching.get(url.href)
    if (pending === undefined) {
      pending = fetchKey(url, req, next).finally(() => fetching.delete(url.href))
      fetching.set(url.href, pending)
    }
    return pending
  }

  const isCached = (req: ClientRequest): boolean => {
    const cached = cache.get(new URL(keyUrl, req.url).href)
    return cached !== undefined && cached.until > Date.now()
  }

  return async function sealBodyFields(req, next) {
    const body = jsonBody(req)
    if (body === undefined || !fields.some((field) => body[field] !== undefined)) return next(req)
    const fromCache = isCached(req)
    const key = await currentKey(req, next)
    const res = await next({ ...req, body: JSON.stringify(sealFields(body, fields, key)) })
    if (res.status !== 400 || !fromCache) return res
    // the key may have been rotated since it was cached: look again, and send once more only if it changed
    cache.delete(new URL(keyUrl, req.url).href)
    let fresh: PublishedSealKey
    try {
      fresh = await currentKey(req, next)
    } catch {
      return res // the 400 stands: it says more than a failed look at the key would
    }
    if (fresh.key_id === key.key_id) return res
    await res.discard()
    return next({ ...req, body: JSON.stringify(sealFields(body, fields, fresh)) })
  }
}
