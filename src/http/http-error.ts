import type { OutgoingHttpHeaders } from 'node:http'
import { RoutechainError } from '../errors.js'
import { errorAnswer, type ErrorFormat } from './problem.js'
import type { Reply } from './reply.js'
import { statusText } from './status-text.js'

export { statusText } from './status-text.js'

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

  /**
   * The response this error becomes: its status, its headers, and its message when exposed, as plain text or
   * as a problem document (`createApp({ errors: 'problem+json' })`).
   */
  toReply(format: ErrorFormat = 'text'): Reply {
    // exposed, the message is the whole text body; as a problem, the detail beside the reason phrase
    if (format === 'text') {
      const reply = errorAnswer('text', this.status, undefined, this.headers)
      reply.body = this.expose ? this.message : statusText(this.status)
      return reply
    }
    return errorAnswer(format, this.status, this.expose && this.message !== statusText(this.status) ? this.message : undefined, this.headers)
  }
}

/** The error for a chain that ended without a response: every step returned undefined. */
export class NoResponseError extends RoutechainError {
  constructor() {
    super('ERR_ROUTECHAIN_NO_RESPONSE', 'the chain ended without a response: every step returned undefined')
    this.name = 'NoResponseError'
  }
}

