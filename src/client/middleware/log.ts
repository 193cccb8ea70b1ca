import { performance } from 'node:perf_hooks'
import { configError } from '../../errors.js'
import type { ClientMiddleware } from '../middleware.js'

/**
 * What {@link logRequests} records of one request. Nothing in it carries a credential.
 *
 * @example
 * logRequests((_line, entry) => { if (entry.status === undefined) alerts.push(`${entry.method} ${entry.url}: ${entry.error}`) })
 */
export interface RequestLogEntry {
  /** The request's method. */
  method: string
  /** The URL, without user name and password, and with the values of sensitive query fields redacted. */
  url: string
  /** The response's status; `undefined` when the request failed. */
  status: number | undefined
  /** The failure's `code` (`ERR_ROUTECHAIN_CLIENT_CONNECTION`, `ERR_ROUTECHAIN_CLIENT_TIMEOUT`, …) or else its name; `undefined` on a response. */
  error: string | undefined
  /** Milliseconds from sending to the response's headers (or the failure), rounded. */
  durationMs: number
  /** The request's headers, credentials replaced by `[redacted]`. */
  requestHeaders: Record<string, string>
  /** The response's headers, credentials (`set-cookie`, …) replaced by `[redacted]`; `{}` when the request failed. */
  responseHeaders: Record<string, string | string[]>
}

/**
 * Where {@link logRequests} writes: a function given the line and the entry, or a logger whose `info` is given
 * the line.
 *
 * @example
 * const sink: RequestLogSink = app.logger // or (line, entry) => lines.push(line)
 */
export type RequestLogSink = ((line: string, entry: RequestLogEntry) => void) | { info(line: string): void }

const REDACTED = '[redacted]'
// query fields and headers whose values are secrets whatever the rest of the name: api_key, access_token, X-Amz-Signature, …
const SENSITIVE_PART = /token|key|secret|passw|signature|credential|auth|session|cookie/i
// short names that are secrets only when they are the whole name: an OAuth code, an Azure SAS sig
const SENSITIVE_NAME = /^(code|sig|pwd|pass|jwt|otp|pin|sid)$/i

function isSensitive(name: string): boolean {
  return SENSITIVE_PART.test(name) || SENSITIVE_NAME.test(name)
}

function decodedName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '))
  } catch {
    return raw
  }
}

/**
 * The URL as text for a log line: no user name or password, and the values of query fields whose names look
 * secret replaced by `[redacted]`. The other fields are left exactly as they were written.
 */
function loggedUrl(url: URL): string {
  // built from the parts rather than a copy of the URL: each setter on a URL re-serialises it, and this runs per request
  const base = `${url.protocol}//${url.host}${url.pathname}`
  if (url.search === '') return base
  const fields = url.search.slice(1).split('&').map((field) => {
    const at = field.indexOf('=')
    const name = at === -1 ? field : field.slice(0, at)
    return at !== -1 && isSensitive(decodedName(name)) ? `${name}=${REDACTED}` : field
  })
  return `${base}?${fields.join('&')}`
}

function redactHeaders<V extends string | string[]>(headers: Readonly<Record<string, V | undefined>>): Record<string, V | string> {
  const out: Record<string, V | string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = isSensitive(name) ? REDACTED : value
  }
  return out
}

function failureCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string' && code !== '') return code
  return error instanceof Error ? error.name : 'ERROR'
}

/**
 * Logs one line per request as its response's headers arrive, or as it fails:
 * `GET https://api.example.com/posts?page=2&token=[redacted] 200 35ms`, or with the error's code in place of the
 * status (`ERR_ROUTECHAIN_CLIENT_CONNECTION`).
 *
 * What it keeps out of the log: the URL's user name and password; the values of query fields whose names look
 * secret (containing token, key, secret, passw, signature, credential, auth, session or cookie, or exactly
 * code, sig, pwd, pass, jwt, otp, pin or sid); and in the entry's headers, the values of `authorization`,
 * `proxy-authorization`, `cookie`, `set-cookie` and any other header whose name looks secret by the same rule
 * (`x-api-key`). Secrets in the URL's path cannot be told apart and are logged as they are.
 *
 * A sink that throws (or returns a promise that rejects) is ignored: logging never fails a request. Placed
 * outside `retry()`, it logs one line per call; inside, one per attempt.
 *
 * @example
 * const client = createClient({ middlewares: [logRequests(console)] })
 * // or, with the structured entry:
 * logRequests((line, entry) => metrics.observe(entry.method, entry.status, entry.durationMs))
 */
export function logRequests(sink: RequestLogSink): ClientMiddleware {
  const write = typeof sink === 'function'
    ? sink
    : sink !== null && typeof sink === 'object' && typeof sink.info === 'function'
      ? (line: string): void => sink.info(line)
      : configError('logRequests() takes a function (line, entry) => void, or a logger with an info(line) method')

  const emit = (entry: RequestLogEntry): void => {
    const outcome = entry.status === undefined ? entry.error : String(entry.status)
    const line = `${entry.method} ${entry.url} ${outcome ?? ''} ${entry.durationMs}ms`
    try {
      const out: unknown = write(line, entry)
      if (typeof (out as PromiseLike<unknown> | null)?.then === 'function') (out as PromiseLike<unknown>).then(undefined, () => {})
    } catch {
      // a broken sink must not break the request it logs
    }
  }

  return async function logRequests(req, next) {
    const started = performance.now()
    const url = loggedUrl(req.url)
    const requestHeaders = redactHeaders(req.headers)
    // entries are object literals, not spreads of a shared base: a spread plus more keys is a slow path on Node 20
    try {
      const res = await next(req)
      const durationMs = Math.round(performance.now() - started)
      emit({ method: req.method, url, status: res.status, error: undefined, durationMs, requestHeaders, responseHeaders: redactHeaders(res.headers) })
      return res
    } catch (error) {
      const durationMs = Math.round(performance.now() - started)
      emit({ method: req.method, url, status: undefined, error: failureCode(error), durationMs, requestHeaders, responseHeaders: {} })
      throw error
    }
  }
}
