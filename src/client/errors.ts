import { RoutechainError } from '../errors.js'
import { redactUrl } from './redact-url.js'
import type { ClientResponse } from './response.js'

/**
 * The base class of every error the HTTP client throws. `code` is stable across releases, so match on it;
 * `method` and `url` name the request (the URL redacted as log lines redact it: see `url`).
 */
export class ClientError extends RoutechainError {
  /** The request's method. */
  readonly method: string
  /**
   * The request's URL without user name, password or fragment, and with the values of secret-looking query
   * fields (`token`, `api_key`, `sig`, …) replaced by `[redacted]`.
   */
  readonly url: string

  constructor(code: string, message: string, request: { method: string; url: URL }, options?: { cause?: unknown }) {
    const url = redactUrl(request.url)
    super(code, `${message} (${request.method} ${url})`, options)
    this.name = 'ClientError'
    this.method = request.method
    this.url = url
  }
}

// undici's own limits, by the code of the error it throws when one passes
const UNDICI_TIMEOUTS: Readonly<Record<string, string>> = { UND_ERR_HEADERS_TIMEOUT: 'headersTimeout', UND_ERR_BODY_TIMEOUT: 'bodyTimeout' }

/**
 * The request took longer than its `timeout` (give the number of ms), or than a limit of undici's own, its
 * dispatcher's `headersTimeout` or `bodyTimeout` (give `undefined`, and undici's error as `cause`). Code
 * `ERR_ROUTECHAIN_CLIENT_TIMEOUT`.
 */
export class RequestTimeoutError extends ClientError {
  constructor(request: { method: string; url: URL }, timeout: number | undefined, cause?: unknown) {
    const code = (cause as { code?: unknown } | null | undefined)?.code
    const limit = typeof code === 'string' ? UNDICI_TIMEOUTS[code] : undefined
    const message = timeout !== undefined
      ? `no complete response within ${timeout} ms`
      : `no complete response within undici's own ${limit ?? 'timeout'} (the dispatcher's limit, not the client's timeout)`
    super('ERR_ROUTECHAIN_CLIENT_TIMEOUT', message, request, { cause })
    this.name = 'RequestTimeoutError'
  }
}

/** The request's own `signal` aborted it. Code `ERR_ROUTECHAIN_CLIENT_ABORTED`. */
export class RequestAbortedError extends ClientError {
  constructor(request: { method: string; url: URL }, cause?: unknown) {
    super('ERR_ROUTECHAIN_CLIENT_ABORTED', 'the request was aborted by its signal', request, { cause })
    this.name = 'RequestAbortedError'
  }
}

/**
 * The server could not be reached, the connection broke, or what came back could not be read as HTTP:
 * refused, reset, no such host, unreachable; a TLS failure (an untrusted or expired certificate, a handshake
 * error); a malformed response, headers too large, a body longer than the dispatcher allows or shorter than
 * its Content-Length. Code `ERR_ROUTECHAIN_CLIENT_CONNECTION`; `cause` holds the underlying error, whose
 * `code` is copied to `reason`.
 */
export class ConnectionError extends ClientError {
  /**
   * The underlying error's code: a system one (`ECONNREFUSED`, `ECONNRESET`, `ENOTFOUND`), a TLS one
   * (`ERR_SSL_WRONG_VERSION_NUMBER`, `DEPTH_ZERO_SELF_SIGNED_CERT`, `CERT_HAS_EXPIRED`), undici's
   * (`UND_ERR_SOCKET`, `UND_ERR_HEADERS_OVERFLOW`), or llhttp's `HPE_…`. undici 7 leaves its parser errors
   * without a code: those give `HTTPParserError`.
   */
  readonly reason: string

  constructor(request: { method: string; url: URL }, reason: string, cause?: unknown) {
    super('ERR_ROUTECHAIN_CLIENT_CONNECTION', `connection failed: ${reason}`, request, { cause })
    this.name = 'ConnectionError'
    this.reason = reason
  }
}

/**
 * The client's connection pool, or the dispatcher it was given, was closed or destroyed: a request made after
 * `client.close()`. Code `ERR_ROUTECHAIN_CLIENT_CLOSED`. `retry()` does not retry it: it will not pass.
 */
export class ClientClosedError extends ClientError {
  constructor(request: { method: string; url: URL }, cause?: unknown) {
    super('ERR_ROUTECHAIN_CLIENT_CLOSED', 'the client is closed: its connection pool (or the dispatcher it was given) was closed or destroyed', request, { cause })
    this.name = 'ClientClosedError'
  }
}

/** `blockPrivateAddresses()` refused to connect to an internal address. Code `ERR_ROUTECHAIN_CLIENT_BLOCKED_ADDRESS`. */
export class BlockedAddressError extends ClientError {
  /**
   * The address refused: an IP literal (a mapped, NAT64 or 6to4 IPv6 one as the IPv4 address it carries), or
   * what the host name resolved to.
   */
  readonly address: string

  constructor(request: { method: string; url: URL }, address: string) {
    super('ERR_ROUTECHAIN_CLIENT_BLOCKED_ADDRESS', `refused to connect to ${address}: a private, loopback or otherwise internal address`, request)
    this.name = 'BlockedAddressError'
    this.address = address
  }
}

/** Redirects went past `maxRedirects`. Code `ERR_ROUTECHAIN_CLIENT_TOO_MANY_REDIRECTS`. */
export class TooManyRedirectsError extends ClientError {
  constructor(request: { method: string; url: URL }, max: number) {
    super('ERR_ROUTECHAIN_CLIENT_TOO_MANY_REDIRECTS', `more than ${max} redirects`, request)
    this.name = 'TooManyRedirectsError'
  }
}

/**
 * A response with status 400 or above, when the request asked for `throwOnError`. Code
 * `ERR_ROUTECHAIN_CLIENT_HTTP_STATUS`; `response` is the response, its body still unread (it may be what you
 * need: an error document).
 *
 * Until that body is read or dropped, it holds its pooled connection, up to the request's `timeout` or
 * undici's `bodyTimeout`. So read it, or drop it with `await err.response.discard()`.
 *
 * @example
 * try {
 *   await client.get('/posts/1', { throwOnError: true })
 * } catch (err) {
 *   if (!(err instanceof HttpStatusError)) throw err
 *   if (err.status === 404) await err.response.discard()
 *   else throw new Error(`API error: ${await err.response.text()}`)
 * }
 */
export class HttpStatusError extends ClientError {
  /** The response's status code. */
  readonly status: number
  /** The response, body unread: read it or `await response.discard()`, so its connection goes back to the pool. */
  readonly response: ClientResponse

  constructor(request: { method: string; url: URL }, response: ClientResponse) {
    super('ERR_ROUTECHAIN_CLIENT_HTTP_STATUS', `the server answered ${response.status}`, request)
    this.name = 'HttpStatusError'
    this.status = response.status
    this.response = response
  }
}
