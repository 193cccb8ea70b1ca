import { RoutechainError } from '../errors.js'
import type { ClientResponse } from './response.js'

/**
 * The base class of every error the HTTP client throws. `code` is stable across releases, so match on it;
 * `method` and `url` name the request (the URL without its credentials).
 */
export class ClientError extends RoutechainError {
  /** The request's method. */
  readonly method: string
  /** The request's URL, user name and password removed. */
  readonly url: string

  constructor(code: string, message: string, request: { method: string; url: URL }, options?: { cause?: unknown }) {
    const url = redactedUrl(request.url)
    super(code, `${message} (${request.method} ${url})`, options)
    this.name = 'ClientError'
    this.method = request.method
    this.url = url
  }
}

/** The request took longer than its `timeout`. Code `ERR_ROUTECHAIN_CLIENT_TIMEOUT`. */
export class RequestTimeoutError extends ClientError {
  constructor(request: { method: string; url: URL }, timeout: number, cause?: unknown) {
    super('ERR_ROUTECHAIN_CLIENT_TIMEOUT', `no complete response within ${timeout} ms`, request, { cause })
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
 * The server could not be reached or the connection broke: refused, reset, no such host, unreachable.
 * Code `ERR_ROUTECHAIN_CLIENT_CONNECTION`; `cause` holds the system error (its `code`, e.g. `ECONNREFUSED`, is copied to `reason`).
 */
export class ConnectionError extends ClientError {
  /** The system error code, such as `ECONNREFUSED`, `ECONNRESET` or `ENOTFOUND`. */
  readonly reason: string

  constructor(request: { method: string; url: URL }, reason: string, cause?: unknown) {
    super('ERR_ROUTECHAIN_CLIENT_CONNECTION', `connection failed: ${reason}`, request, { cause })
    this.name = 'ConnectionError'
    this.reason = reason
  }
}

/** `blockPrivateAddresses()` refused to connect to an internal address. Code `ERR_ROUTECHAIN_CLIENT_BLOCKED_ADDRESS`. */
export class BlockedAddressError extends ClientError {
  /** The address refused: an IP literal, or what the host name resolved to. */
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
 * `ERR_ROUTECHAIN_CLIENT_HTTP_STATUS`; `response` is the response, its body still unread.
 */
export class HttpStatusError extends ClientError {
  /** The response's status code. */
  readonly status: number
  /** The response, body unread. */
  readonly response: ClientResponse

  constructor(request: { method: string; url: URL }, response: ClientResponse) {
    super('ERR_ROUTECHAIN_CLIENT_HTTP_STATUS', `the server answered ${response.status}`, request)
    this.name = 'HttpStatusError'
    this.status = response.status
    this.response = response
  }
}

/** A URL as text, without the user name and password it may carry. */
export function redactedUrl(url: URL): string {
  if (url.username === '' && url.password === '') return url.href
  const copy = new URL(url.href)
  copy.username = ''
  copy.password = ''
  return copy.href
}
