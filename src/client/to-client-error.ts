// How the transport names what undici, or the network under it, threw: one client error per kind of failure,
// for the exchange and for the reading of its body alike.
import { BlockedAddressError, ClientClosedError, ConnectionError, RequestAbortedError, RequestTimeoutError } from './errors.js'
import type { ClientRequest } from './request.js'

// codes that mean the server could not be reached, the connection broke, or what came back was not HTTP undici could read
const CONNECTION_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL',
  'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT',
  // TLS: a certificate that cannot be trusted (the others start CERT_, ERR_TLS_ or ERR_SSL_)
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  // a response undici could not take: headers too large, a body not matching its length or past maxResponseSize
  'UND_ERR_HEADERS_OVERFLOW', 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'UND_ERR_RES_EXCEEDED_MAX_SIZE',
])
// TLS and OpenSSL codes, and llhttp's parser errors
const CONNECTION_PREFIX = /^(?:ERR_SSL_|ERR_TLS_|CERT_|HPE_)/
// the dispatcher was closed or destroyed: no later request will pass either
const CLOSED_CODES = new Set(['UND_ERR_CLOSED', 'UND_ERR_DESTROYED'])
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])

/** The `code` of what was thrown, or for undici 7's parser errors (which carry none) their name. */
function codeOf(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object') return undefined
  const { code, name } = error as { code?: unknown; name?: unknown }
  if (typeof code === 'string' && code !== '') return code
  return name === 'HTTPParserError' ? name : undefined
}

/**
 * Turns what the exchange of `req` threw, or what its body failed with, into the client's error for it:
 * RequestTimeoutError when the attempt's deadline passed (`timedOut`) or undici's own timeout did,
 * RequestAbortedError when the request's signal aborted, ClientClosedError when the dispatcher was closed,
 * ConnectionError (its `reason` the code) for network, TLS and protocol failures, BlockedAddressError named
 * after `req`. Anything else, a thrown `null` included, passes through as it is.
 *
 * @example
 * try { await dispatcher.request(options) } catch (error) { throw toClientError(error, req, attempt?.timedOut === true) }
 */
export function toClientError(error: unknown, req: ClientRequest, timedOut: boolean): unknown {
  // undici hands a connector's error over as it is, but a connector knows only the connection: name this hop's request
  const blocked = error instanceof BlockedAddressError ? error : (error as { cause?: unknown } | null | undefined)?.cause
  if (blocked instanceof BlockedAddressError) return new BlockedAddressError(req, blocked.address)
  if (error instanceof RequestTimeoutError || error instanceof RequestAbortedError || error instanceof ConnectionError || error instanceof ClientClosedError) return error
  if (timedOut) return new RequestTimeoutError(req, req.timeout, error)
  if (req.signal?.aborted === true) return new RequestAbortedError(req, error)
  const code = codeOf(error)
  if (code === undefined) return error
  // our deadline did not pass, so this is undici's headersTimeout or bodyTimeout: the message says so
  if (TIMEOUT_CODES.has(code)) return new RequestTimeoutError(req, undefined, error)
  if (CLOSED_CODES.has(code)) return new ClientClosedError(req, error)
  if (CONNECTION_CODES.has(code) || CONNECTION_PREFIX.test(code) || code === 'HTTPParserError') return new ConnectionError(req, code, error)
  return error
}
