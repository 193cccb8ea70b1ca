import type { Readable } from 'node:stream'
import type { Dispatcher } from 'undici'
import { BlockedAddressError, ConnectionError, RequestAbortedError, RequestTimeoutError, TooManyRedirectsError } from './errors.js'
import { bodyForAttempt, dropCredentialsAcrossOrigins, isReplayable, type ClientRequest } from './request.js'
import { ClientResponse } from './response.js'

// error codes that mean the server could not be reached or the connection broke
const CONNECTION_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ETIMEDOUT',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_CLOSED',
])
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])
const REDIRECTS = new Set([301, 302, 303, 307, 308])

/** One attempt's abort signals: the request's own, and its timeout. */
interface AttemptSignals {
  readonly signal: AbortSignal | undefined
  readonly timeout: AbortSignal | undefined
}

function signalsFor(req: ClientRequest): AttemptSignals {
  const timeout = req.timeout === undefined ? undefined : AbortSignal.timeout(req.timeout)
  if (timeout === undefined) return { signal: req.signal, timeout }
  return { signal: req.signal === undefined ? timeout : AbortSignal.any([req.signal, timeout]), timeout }
}

/** Turns what undici threw into the client's error for it; anything unknown passes through. */
function translate(req: ClientRequest, signals: AttemptSignals, error: unknown): unknown {
  // undici hands a connector's error over as it is, but a connector knows only the connection: name this hop's request
  const blocked = error instanceof BlockedAddressError ? error : (error as { cause?: unknown } | null)?.cause
  if (blocked instanceof BlockedAddressError) return new BlockedAddressError(req, blocked.address)
  if (error instanceof RequestTimeoutError || error instanceof RequestAbortedError || error instanceof ConnectionError) return error
  if (signals.timeout?.aborted === true) return new RequestTimeoutError(req, req.timeout as number, error)
  if (req.signal?.aborted === true) return new RequestAbortedError(req, error)
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string' && TIMEOUT_CODES.has(code)) return new RequestTimeoutError(req, req.timeout ?? 0, error)
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return new ConnectionError(req, code, error)
  return error
}

/** Sends one request once, no redirects followed. */
async function exchange(req: ClientRequest, dispatcher: Dispatcher, redirects: number): Promise<ClientResponse> {
  const signals = signalsFor(req)
  const { url } = req
  try {
    const data = await dispatcher.request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: req.method as Dispatcher.HttpMethod,
      headers: req.headers,
      body: (bodyForAttempt(req.body) ?? null) as string | Uint8Array | Readable | null,
      signal: signals.signal ?? null,
    })
    return new ClientResponse(
      { status: data.statusCode, headers: data.headers, body: data.body, url, redirects },
      (error) => translate(req, signals, error),
    )
  } catch (error) {
    throw translate(req, signals, error)
  }
}

/**
 * The request a redirect leads to, or `undefined` when it cannot be followed: a 307 or 308 whose body was a
 * stream, or a `Location` that is not an http(s) URL.
 */
function redirected(req: ClientRequest, res: ClientResponse): ClientRequest | undefined {
  const location = res.header('location')
  if (location === undefined) return undefined
  let url: URL
  try {
    url = new URL(location, req.url)
  } catch {
    return undefined
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined
  // 303, and 301/302 after a POST, become a GET without a body, as browsers and fetch do
  const toGet = res.status === 303 ? req.method !== 'HEAD' : (res.status === 301 || res.status === 302) && req.method === 'POST'
  if (!toGet && !isReplayable(req.body)) return undefined
  const headers: Record<string, string> = { ...req.headers }
  if (toGet) {
    delete headers['content-type']
    delete headers['content-length']
  }
  dropCredentialsAcrossOrigins(headers, req.url, url)
  return { ...req, url, headers, method: toGet ? 'GET' : req.method, body: toGet ? undefined : req.body }
}

/**
 * Sends a request through `fallback` (or the dispatcher a middleware set) and follows redirects up to
 * `req.maxRedirects`. Every hop goes through the same dispatcher, so a connect-time check (blockPrivateAddresses)
 * sees each one.
 */
export async function send(req: ClientRequest, fallback: Dispatcher): Promise<ClientResponse> {
  const dispatcher = req.dispatcher ?? fallback
  let current = req
  for (let redirects = 0; ; redirects++) {
    const res = await exchange(current, dispatcher, redirects)
    if (!REDIRECTS.has(res.status) || req.maxRedirects === 0) return res
    const next = redirected(current, res)
    if (next === undefined) return res
    await res.discard()
    if (redirects >= req.maxRedirects) throw new TooManyRedirectsError(req, req.maxRedirects)
    current = next
  }
}
