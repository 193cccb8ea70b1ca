import { HttpError } from '../http/http-error.js'
import { problemReply } from '../http/problem.js'
import type { Reply } from '../http/reply.js'

/** Where in the request an invalid value was. */
export type ValidationPart = 'params' | 'query' | 'headers' | 'cookies' | 'body'

/** One invalid value: the part it was in, its place as a JSON pointer (`/tags/0`; `''` for the whole part), and why. */
export interface ValidationIssue {
  readonly in: ValidationPart
  readonly path: string
  readonly message: string
}

/**
 * The error {@link validate} throws for invalid input: a 400 answered as an RFC 9457 problem document
 * (`application/problem+json`) whose `errors` list each invalid value, whatever the app's error format.
 * `app.onError` sees it, so an app can shape every validation answer in one place.
 */
export class ValidationError extends HttpError {
  /** Every invalid value found. */
  readonly errors: readonly ValidationIssue[]

  constructor(errors: readonly ValidationIssue[]) {
    super(400, errors.length === 1 ? 'the request has 1 invalid value' : `the request has ${errors.length} invalid values`)
    this.name = 'ValidationError'
    this.errors = errors
  }

  /** The problem document, in either error format. */
  override toReply(): Reply {
    return problemReply(400, this.message, { errors: this.errors })
  }
}
