import type { OutgoingHttpHeaders } from 'node:http'
import { Reply, TEXT_TYPE } from './reply.js'
import { statusText } from './status-text.js'

/** The media type of an RFC 9457 problem document. */
export const PROBLEM_TYPE = 'application/problem+json'

/**
 * How routechain words the errors it answers itself (404, 405, 400 for a malformed URL, 413, 415, 500 and an
 * `HttpError`'s answer): plain text, or RFC 9457 problem documents for JSON APIs. Validation errors are
 * problem documents either way.
 */
export type ErrorFormat = 'text' | 'problem+json'

/**
 * An RFC 9457 problem document. routechain's own have `type: 'about:blank'`, the status's reason phrase as
 * `title`, and what went wrong as `detail`; a validation error adds `errors`.
 */
export interface ProblemDocument {
  readonly type: string
  readonly title: string
  readonly status: number
  readonly detail?: string
  readonly [extension: string]: unknown
}

/** A problem document reply: `application/problem+json`, with extension members beside the standard ones. */
export function problemReply(status: number, detail: string | undefined, extensions: Record<string, unknown> = {}, headers: OutgoingHttpHeaders = {}): Reply {
  const document: ProblemDocument = { type: 'about:blank', title: statusText(status), status, ...(detail === undefined ? {} : { detail }), ...extensions }
  return new Reply(JSON.stringify(document), status, { ...lowerCased(headers), 'content-type': PROBLEM_TYPE })
}

/**
 * One of routechain's own error answers in the app's format: as text, the reason phrase, followed by
 * `: detail` when there is one ("Bad Request: malformed URL"); as a problem document, the same in its fields.
 */
export function errorAnswer(format: ErrorFormat, status: number, detail?: string, headers: OutgoingHttpHeaders = {}): Reply {
  if (format === 'problem+json') return problemReply(status, detail, {}, headers)
  const body = detail === undefined ? statusText(status) : `${statusText(status)}: ${detail}`
  return new Reply(body, status, { 'content-type': TEXT_TYPE, ...lowerCased(headers) })
}

function lowerCased(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {}
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name.toLowerCase()] = value
  return out
}
