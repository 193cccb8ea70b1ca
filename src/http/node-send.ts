import type { OutgoingHttpHeaders, ServerResponse } from 'node:http'
import { pipeline } from 'node:stream'
import { discardBody, headersWithCookie, JSON_TYPE, noBodyAllowed, TEXT_TYPE, toReply, type Reply } from './reply.js'
import { toReadable } from './stream-body.js'
import { notModified, notModifiedHeaders } from './conditional.js'

function isPlainData(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown
  return proto === Object.prototype || proto === null || Array.isArray(value)
}

/**
 * Writes a step's return value as the response, with a session's `Set-Cookie` value when one is given. Text
 * and plain data go straight out; everything else becomes a {@link Reply} first. `onStreamError` hears of a
 * stream that failed after the headers went out.
 */
export function sendValue(res: ServerResponse, value: unknown, cookie: string | undefined, onStreamError: (error: Error) => void, etag = false): void {
  // hot path: the two commonest answers skip the Reply allocation; what they write is what toReply would make
  if (typeof value === 'string') return sendText(res, value, TEXT_TYPE, cookie, etag)
  if (typeof value === 'object' && value !== null && isPlainData(value)) return sendText(res, JSON.stringify(value), JSON_TYPE, cookie, etag)
  sendReply(res, toReply(value), cookie, onStreamError, etag)
}

function sendText(res: ServerResponse, body: string, type: string, cookie: string | undefined, etag: boolean): void {
  const headers: OutgoingHttpHeaders = { 'content-type': type, 'content-length': Buffer.byteLength(body) }
  if (cookie !== undefined) headers['set-cookie'] = cookie
  if (etag && notModified(res.req.method as string, res.req.headers, 200, body, headers, true)) return sendNotModified(res, headers)
  res.writeHead(200, headers)
  res.end(body)
}

function sendNotModified(res: ServerResponse, headers: OutgoingHttpHeaders): void {
  res.writeHead(304, notModifiedHeaders(headers))
  res.end()
}

function withoutLength(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  if (headers['content-length'] === undefined) return headers
  const { 'content-length': _dropped, ...rest } = headers
  return rest
}

/** Writes a {@link Reply} and a session's `Set-Cookie` value: sets `content-length` where the size is known, streams otherwise. */
export function sendReply(res: ServerResponse, reply: Reply, cookie: string | undefined, onStreamError: (error: Error) => void, etag = false): void {
  const { status, body } = reply
  const headers = cookie === undefined ? reply.headers : headersWithCookie(reply.headers, cookie)
  if (status === 200 && (typeof body === 'string' || body instanceof Uint8Array)) {
    // a copy before the ETag goes on: a reply's headers may be shared between requests
    const own = headers === reply.headers ? { ...headers } : headers
    if (notModified(res.req.method as string, res.req.headers, status, body, own, etag)) return sendNotModified(res, own)
    res.writeHead(status, own['content-length'] === undefined ? { ...own, 'content-length': typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength } : own)
    res.end(body)
    return
  }
  if (noBodyAllowed(status)) {
    // 1xx, 204 and 304 carry no body, so no Content-Length of one either
    discardBody(body)
    res.writeHead(status, withoutLength(headers))
    res.end()
    return
  }
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const length = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength
    res.writeHead(status, headers['content-length'] === undefined ? { ...headers, 'content-length': length } : headers)
    res.end(body)
    return
  }
  if (body === null) {
    res.writeHead(status, headers['content-length'] !== undefined ? headers : { ...headers, 'content-length': 0 })
    res.end()
    return
  }
  res.writeHead(status, headers)
  if (res.req.method === 'HEAD') {
    discardBody(body)
    res.end()
    return
  }
  pipeline(toReadable(body), res, (error) => {
    if (error && (error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') onStreamError(error)
  })
}
