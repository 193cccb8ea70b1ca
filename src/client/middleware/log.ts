import { performance } from 'node:perf_hooks'
import { configError } from '../../errors.js'
import type { ClientMiddleware } from '../middleware.js'
import { isSecretName, REDACTED, redactUrl } from '../redact-url.js'

/**
 * What {@link logRequests} records of one request. Nothing in it carries a credential.
 *
 * @example
 * logRequests((_line, entry) => { if (entry.status === undefined) alerts.push(`${entry.method} ${entry.url}: ${entry.error}`) })
 */
export interface RequestLogEntry {
  /** The request's method. */
  method: string
  /** The URL, without user name, password or fragment, and with the values of sensitive query fields redacted. */
  url: string
  /** The response's status; `undefined` when the request failed. */
  status: number | undefined
  /** The failure's `code` (`ERR_ROUTECHAIN_CLIENT_CONNECTION`, `ERR_ROUTECHAIN_CLIENT_TIMEOUT`, …) or else its name; `undefined` on a response. */
  error: string | undefined
  /** Milliseconds from sending to the response's headers (or the failure), rounded. */
  durationMs: number
  /** The request's headers, credentials replaced by `[redacted]` (and a `referer` URL redacted as `url` is). */
  requestHeaders: Record<string, string>
  /**
   * The response's headers, credentials (`set-cookie`, …) replaced by `[redacted]` and the URLs in `location`,
   * `content-location` and `link` redacted as `url` is; `{}` when the request failed.
   */
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

// headers whose values are URLs, which may carry credentials and secret query values like the request's own
const URL_HEADERS: ReadonlyMap<string, (value: string) => string> = new Map([
  ['location', redactUrl],
  ['content-location', redactUrl],
  ['referer', redactUrl],
  // Link: <https://api.example.com/items?page=2&access_token=…>; rel="next", <…>; rel="last"
  ['link', (value: string) => value.replace(/<([^>]*)>/g, (_match, url: string) => `<${redactUrl(url)}>`)],
])

function redactValue<V extends string | string[]>(name: string, value: V): V | string {
  if (isSecretName(name)) return REDACTED
  const redact = URL_HEADERS.get(name)
  if (redact === undefined) return value
  return (typeof value === 'string' ? redact(value) : value.map(redact)) as V
}

function redactHeaders<V extends string | string[]>(headers: Readonly<Record<string, V | undefined>>): Record<string, V | string> {
  const out: Record<string, V | string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = redactValue(name, value)
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
 * What it keeps out of the log: the URL's user name, password and fragment; the values of query fields whose
 * names look secret (containing token, key, secret, passw, signature, credential, auth, session or cookie, or
 * exactly code, sig, pwd, pass, jwt, otp, pin or sid); in the entry's headers, the values of `authorization`,
 * `proxy-authorization`, `cookie`, `set-cookie` and any other header whose name looks secret by the same rule
 * (`x-api-key`); and in the URLs of `location`, `content-location`, `link` and `referer` headers, what the URL
 * itself loses. Error messages (`ClientError#url`) redact URLs by the same rule. Secrets in the URL's path
 * cannot be told apart and are logged as they are.
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
    const url = redactUrl(req.url)
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
