import type { IncomingHttpHeaders } from 'node:http'
import type { Readable } from 'node:stream'
import { notModified, notModifiedHeaders } from './conditional.js'
import { toReadable } from './stream-body.js'
import { discardBody, noBodyAllowed, type Reply } from './reply.js'

/**
 * Turns a {@link Reply} and a session's `Set-Cookie` value into a web `Response`, as node:http would send it:
 * `content-length` where the size is known, no body for HEAD, 1xx, 204 and 304, streams passed through.
 * `onStreamError` hears of a stream that fails after the response was handed over. With `conditional` (the
 * request's headers, and whether to add ETags), a 200 GET or HEAD answer can become a 304 when its validators match.
 */
export function toResponse(
  reply: Reply, cookie: string | undefined, method: string, onStreamError: (error: Error) => void,
  conditional?: { readonly request: IncomingHttpHeaders; readonly etag: boolean },
): Response {
  const { body } = reply
  let { status } = reply
  let replyHeaders = reply.headers
  // conditional GET when asked (`conditional` holds the request's headers), on a copy of the reply's headers
  if (conditional !== undefined && status === 200 && (typeof body === 'string' || body instanceof Uint8Array)) {
    replyHeaders = { ...replyHeaders }
    if (notModified(method, conditional.request, status, body, replyHeaders, conditional.etag)) {
      status = 304
      replyHeaders = notModifiedHeaders(replyHeaders)
    }
  }
  const headers = new Headers()
  for (const name of Object.keys(replyHeaders)) {
    const value = replyHeaders[name]
    if (value === undefined) continue
    if (Array.isArray(value)) for (const item of value) headers.append(name, item)
    else headers.set(name, String(value))
  }
  if (cookie !== undefined) headers.append('set-cookie', cookie)
  if (noBodyAllowed(status)) {
    discardBody(body)
    headers.delete('content-length')
    return new Response(null, { status, headers })
  }
  if (body === null || typeof body === 'string' || body instanceof Uint8Array) {
    const length = body === null ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength
    if (!headers.has('content-length')) headers.set('content-length', String(length))
    return new Response(method === 'HEAD' ? null : body, { status, headers })
  }
  if (method === 'HEAD') {
    discardBody(body)
    return new Response(null, { status, headers })
  }
  return new Response(toByteStream(toReadable(body) as Readable, onStreamError), { status, headers })
}

/**
 * A node stream as a web stream of bytes, pulled as the reader asks: text chunks are encoded as UTF-8, as
 * node:http writes them, and anything else fails the stream, as it would fail `res.write()`.
 */
function toByteStream(readable: Readable, onStreamError: (error: Error) => void): ReadableStream<Uint8Array> {
  const chunks = readable[Symbol.asyncIterator]() as AsyncIterator<unknown>
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await chunks.next()
        if (next.done === true) return controller.close()
        const chunk = next.value
        if (typeof chunk === 'string') controller.enqueue(Buffer.from(chunk))
        else if (chunk instanceof Uint8Array) controller.enqueue(chunk)
        else throw new TypeError(`a streamed body gave a ${typeof chunk} chunk: stream strings or bytes`)
      } catch (error) {
        readable.destroy()
        onStreamError(error as Error)
        controller.error(error)
      }
    },
    cancel() {
      readable.destroy()
    },
  })
}
