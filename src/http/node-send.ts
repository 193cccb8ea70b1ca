import type { OutgoingHttpHeaders, ServerResponse } from 'node:http'
import { pipeline } from 'node:stream'
import { discardBody, headersWithCookie, JSON_TYPE, noBodyAllowed, TEXT_TYPE, toReply, type Reply } from './reply.js'
import { toReadable } from './stream-body.js'

function isPlainData(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown
  return proto === Object.prototype || proto === null || Array.isArray(value)
}

/**
 * Writes a step's return value as the response, with a session's `Set-Cookie` value when one is given. Text
 * and plain data go straight out; everything else becomes a {@link Reply} first. `onStreamError` hears of a
 * stream that failed after the headers went out.
 */
export function sendValue(res: ServerResponse, value: unknown, cookie: string | undefined, onStreamError: (error: Error) => void): void {
  // hot path: the two commonest answers skip the Reply allocation; what they write is what toReply would make
  if (typeof value === 'string') {
    const headers: OutgoingHttpHeaders = { 'content-type': TEXT_TYPE, 'content-length': Buffer.byteLength(value) }
    if (cookie !== undefined) headers['set-cookie'] = cookie
    res.writeHead(200, headers)
    res.end(value)
    return
  }
  if (typeof value === 'object' && value !== null && isPlainData(value)) {
    const body = JSON.stringify(value)
    const headers: OutgoingHttpHeaders = { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(body) }
    if (cookie !== undefined) headers['set-cookie'] = cookie
    res.writeHead(200, headers)
    res.end(body)
    return
  }
  sendReply(res, toReply(value), cookie, onStreamError)
}

function withoutLength(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  if (headers['content-length'] === undefined) return headers
  const { 'content-length': _dropped, ...rest } = headers
  return rest
}

/** Writes a {@link Reply} and a session's `Set-Cookie` value: sets `content-length` where the size is known, streams otherwise. */
export function sendReply(res: ServerResponse, reply: Reply, cookie: string | undefined, onStreamError: (error: Error) => void): void {
  const { status, body } = reply
  const headers = cookie === undefined ? reply.headers : headersWithCookie(reply.headers, cookie)
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
