import type { OutgoingHttpHeaders } from 'node:http'
import { RoutechainError } from '../errors.js'
import { Reply, TEXT_TYPE } from './reply.js'

/** Options for {@link HttpError}. */
export interface HttpErrorOptions {
  /** Show `message` to the client. @default true for 4xx, false for 5xx */
  expose?: boolean
  /** Headers sent with the error response (e.g. `www-authenticate`, `allow`). */
  headers?: OutgoingHttpHeaders
  /** The error that caused this one; logged, never sent. */
  cause?: unknown
}

/**
 * An error that becomes an HTTP response. Throw it from any step: 4xx messages are
 * shown to the client, 5xx messages are logged and hidden.
 *
 * @example
 * if (!req.headers.authorization) throw new HttpError(401, 'unauthenticated')
 */
export class HttpError extends RoutechainError {
  /** The HTTP status code, 400 to 599. */
  readonly status: number
  /** Whether `message` is sent to the client. */
  readonly expose: boolean
  /** Headers to send with the response. */
  readonly headers: OutgoingHttpHeaders

  constructor(status: number, message?: string, options: HttpErrorOptions = {}) {
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RoutechainError('ERR_ROUTECHAIN_CONFIG', `HttpError status must be an integer from 400 to 599, got ${String(status)}`)
    }
    super('ERR_ROUTECHAIN_HTTP', message ?? statusText(status), { cause: options.cause })
    this.name = 'HttpError'
    this.status = status
    this.expose = options.expose ?? status < 500
    this.headers = options.headers ?? {}
  }

  /** The response this error becomes: its status, its headers, and its message when exposed. */
  toReply(): Reply {
    const body = this.expose ? this.message : statusText(this.status)
    const headers: OutgoingHttpHeaders = { 'content-type': TEXT_TYPE }
    for (const [name, value] of Object.entries(this.headers)) if (value !== undefined) headers[name.toLowerCase()] = value
    return new Reply(body, this.status, headers)
  }
}

/** The error for a chain that ended without a response: every step returned undefined. */
export class NoResponseError extends RoutechainError {
  constructor() {
    super('ERR_ROUTECHAIN_NO_RESPONSE', 'the chain ended without a response: every step returned undefined')
    this.name = 'NoResponseError'
  }
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 408: 'Request Timeout', 413: 'Payload Too Large',
  415: 'Unsupported Media Type', 422: 'Unprocessable Entity', 429: 'Too Many Requests', 499: 'Client Closed Request',
  500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
}

/** The standard reason phrase for a status, or `Error` when it has none we know. */
export function statusText(status: number): string {
  return STATUS_TEXT[status] ?? (status >= 500 ? 'Server Error' : 'Error')
}
