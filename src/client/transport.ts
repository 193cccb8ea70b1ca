import type { Readable } from 'node:stream'
import type { Dispatcher } from 'undici'
import { AttemptSignal } from './attempt-signal.js'
import { TooManyRedirectsError } from './errors.js'
import { bodyForAttempt, checkMs, dropCredentialsAcrossOrigins, isReplayable, withoutBodyHeaders, type ClientRequest } from './request.js'
import { ClientResponse } from './response.js'
import { toClientError } from './to-client-error.js'

const REDIRECTS = new Set([301, 302, 303, 307, 308])

/**
 * The request a redirect leads to, or `undefined` when it cannot be followed: a 307 or 308 whose body was a
 * stream, or a `Location` that is not an http(s) URL.
 */
function redirected(req: ClientRequest, status: number, location: string | string[] | undefined): ClientRequest | undefined {
  if (location === undefined) return undefined
  let url: URL
  try {
    url = new URL(Array.isArray(location) ? location.join(', ') : location, req.url)
  } catch {
    return undefined
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined
  // 303, and 301/302 after a POST, become a GET without a body, as browsers and fetch do
  const toGet = status === 303 ? req.method !== 'HEAD' : (status === 301 || status === 302) && req.method === 'POST'
  if (!toGet && !isReplayable(req.body)) return undefined
  const headers = toGet ? withoutBodyHeaders(req.headers) : { ...req.headers }
  dropCredentialsAcrossOrigins(headers, req.url, url)
  return { ...req, url, headers, method: toGet ? 'GET' : req.method, body: toGet ? undefined : req.body }
}

/** Sends one hop: one request, once, no redirect followed; what it throws is the client's error for it. */
async function exchange(req: ClientRequest, dispatcher: Dispatcher, attempt: AttemptSignal | undefined): Promise<Dispatcher.ResponseData> {
  const { url } = req
  try {
    return await dispatcher.request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: req.method as Dispatcher.HttpMethod,
      headers: req.headers,
      body: (bodyForAttempt(req.body) ?? null) as string | Uint8Array | Readable | null,
      signal: attempt?.signal ?? null,
    })
  } catch (error) {
    throw toClientError(error, req, attempt?.timedOut === true)
  }
}

/**
 * Sends a request through `fallback` (or the dispatcher a middleware set) and follows redirects up to
 * `req.maxRedirects`. Every hop goes through the same dispatcher, so a connect-time check (blockPrivateAddresses)
 * sees each one.
 *
 * `req.timeout` is one deadline for the whole attempt: every hop, and the reading of the final response's
 * body. Its timer and the listening to `req.signal` stop as soon as that body is read, fails or is dropped,
 * or the attempt fails, so neither outlives the response.
 */
export async function send(req: ClientRequest, fallback: Dispatcher): Promise<ClientResponse> {
  const dispatcher = req.dispatcher ?? fallback
  // checked again here: a middleware may have set it, and past the timer's range it would fire at once
  if (req.timeout !== undefined) checkMs('timeout', req.timeout, 1)
  // hot path: with neither a timeout nor a signal, nothing is made per request
  const attempt = req.timeout === undefined && req.signal === undefined ? undefined : new AttemptSignal(req.timeout, req.signal)
  let current = req
  try {
    for (let redirects = 0; ; redirects++) {
      const hop = current
      const data = await exchange(hop, dispatcher, attempt)
      const next = REDIRECTS.has(data.statusCode) && req.maxRedirects !== 0 ? redirected(hop, data.statusCode, data.headers.location) : undefined
      const res = new ClientResponse(
        { status: data.statusCode, headers: data.headers, body: data.body, url: hop.url, redirects },
        (error) => toClientError(error, hop, attempt?.timedOut === true),
        // the attempt runs on through the hops, and ends with the body of the response returned
        next === undefined && attempt !== undefined ? () => attempt.release() : undefined,
      )
      if (next === undefined) return res
      await res.discard()
      if (redirects >= req.maxRedirects) throw new TooManyRedirectsError(req, req.maxRedirects)
      current = next
    }
  } catch (error) {
    attempt?.release()
    throw error
  }
}
