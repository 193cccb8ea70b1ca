// The sealing keys sealBodyFields() has fetched: one per key URL, kept for maxAge, fetched once for all the
// requests that need one at the same time, and each of those waits only as long as its own signal lets it.
import { checkPublicKey, decodeBase64 } from '../../sealed/public-key.js'
import type { PublishedSealKey } from '../../sealed/seal-key-ring.js'
import { ClientError, RequestAbortedError } from '../errors.js'
import type { ClientNext } from '../middleware.js'
import type { ClientRequest } from '../request.js'

/** How many key URLs keep a key; past it the oldest is dropped. A client talks to a few services, not hundreds. */
const KEY_URLS_KEPT = 100
/**
 * How long a key fetch may take when the request that starts it has no timeout. The fetch is shared and has no
 * signal of its own, so without a limit one that hangs would hold every request that needs the key.
 */
const KEY_FETCH_TIMEOUT = 30_000
// credentials for the request's origin, sent to the key URL only when it has that origin
const SAME_ORIGIN_HEADERS = ['authorization', 'cookie'] as const

interface CachedKey {
  readonly key: PublishedSealKey
  readonly until: number
}

/**
 * The headers of a key fetch: `accept`, the request's `user-agent`, and its `authorization` and `cookie` only
 * when the key URL has the request's origin. Nothing else of the request (its content type, its own headers)
 * goes to the key URL.
 */
function keyHeaders(req: ClientRequest, url: URL): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json' }
  const agent = req.headers['user-agent']
  if (agent !== undefined) headers['user-agent'] = agent
  if (url.origin === req.url.origin) {
    for (const name of SAME_ORIGIN_HEADERS) {
      const value = req.headers[name]
      if (value !== undefined) headers[name] = value
    }
  }
  return headers
}

/** `shared`, or a RequestAbortedError naming `req` as soon as `req.signal` aborts; `shared` itself goes on. */
function untilAborted<T>(shared: Promise<T>, req: ClientRequest): Promise<T> {
  const { signal } = req
  if (signal === undefined) return shared
  if (signal.aborted) return Promise.reject(new RequestAbortedError(req, signal.reason))
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new RequestAbortedError(req, signal.reason))
    signal.addEventListener('abort', onAbort, { once: true })
    shared.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

/** What is wrong with what a key URL answered, or `undefined` when it is a key to seal to. */
function keyProblem(value: unknown): string | undefined {
  const key = value as Partial<PublishedSealKey> | null | undefined
  const shaped = typeof key?.key_id === 'string' && key.key_id !== '' && typeof key.key === 'string' && decodeBase64(key.key.trim())?.length === 32
  if (!shaped) return 'not { key_id, key } with a 32-byte base64 key'
  const { problem } = checkPublicKey(key.key as string)
  return problem === undefined ? undefined : `with a key that ${problem}`
}

/**
 * The keys of one `sealBodyFields()`: by key URL (relative ones resolve against each request's URL, so a client
 * without a baseUrl keeps one key per service), at most {@link KEY_URLS_KEPT} of them.
 */
export class SealKeyCache {
  readonly #keyUrl: string | URL
  readonly #maxAgeMs: number
  readonly #keys = new Map<string, CachedKey>()
  readonly #fetching = new Map<string, Promise<PublishedSealKey>>()

  constructor(keyUrl: string | URL, maxAgeSeconds: number) {
    this.#keyUrl = keyUrl
    this.#maxAgeMs = maxAgeSeconds * 1000
  }

  /**
   * The key for this request: the cached one, or one fetch shared by every request that needs it now. The
   * fetch goes through `next` (the middlewares after sealBodyFields see it) with no signal, so a request
   * aborted while waiting fails alone with its own RequestAbortedError, and the fetch goes on for the rest.
   */
  get(req: ClientRequest, next: ClientNext): Promise<PublishedSealKey> {
    const url = new URL(this.#keyUrl, req.url)
    const cached = this.#keys.get(url.href)
    if (cached !== undefined && cached.until > Date.now()) return Promise.resolve(cached.key)
    let pending = this.#fetching.get(url.href)
    if (pending === undefined) {
      pending = this.#fetch(url, req, next).finally(() => this.#fetching.delete(url.href))
      this.#fetching.set(url.href, pending)
    }
    return untilAborted(pending, req)
  }

  /** Drops the key for this request's key URL if it is still `used`: a newer one fetched meanwhile stays. */
  forget(req: ClientRequest, used: PublishedSealKey): void {
    const href = new URL(this.#keyUrl, req.url).href
    if (this.#keys.get(href)?.key === used) this.#keys.delete(href)
  }

  async #fetch(url: URL, req: ClientRequest, next: ClientNext): Promise<PublishedSealKey> {
    const keyReq: ClientRequest = {
      ...req, method: 'GET', url, headers: keyHeaders(req, url), body: undefined, signal: undefined,
      timeout: req.timeout ?? KEY_FETCH_TIMEOUT,
    }
    const res = await next(keyReq)
    const key: unknown = res.status === 200 ? await res.json().catch(() => undefined) : (await res.discard(), undefined)
    const problem = keyProblem(key)
    if (problem !== undefined) {
      throw new ClientError('ERR_ROUTECHAIN_CLIENT_SEAL_KEY', `the sealing key URL answered ${res.status}, ${problem}`, keyReq)
    }
    this.#keys.delete(url.href) // re-inserted last: the Map's order is the age order
    this.#keys.set(url.href, { key: key as PublishedSealKey, until: Date.now() + this.#maxAgeMs })
    if (this.#keys.size > KEY_URLS_KEPT) this.#keys.delete(this.#keys.keys().next().value as string)
    return key as PublishedSealKey
  }
}
