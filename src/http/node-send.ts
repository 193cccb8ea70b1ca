import type { OutgoingHttpHeaders, ServerResponse } from 'node:http'
import { Readable, pipeline } from 'node:stream'
import { JSON_TYPE, TEXT_TYPE, toReply, type Reply, type ReplyBody } from './reply.js'

function toReadable(body: Exclude<ReplyBody, string | Uint8Array | null>): NodeJS.ReadableStream {
  if (body instanceof ReadableStream) return Readable.fromWeb(body as import('node:stream/web').ReadableStream)
  if (typeof (body as NodeJS.ReadableStream).pipe === 'function') return body as NodeJS.ReadableStream
  return Readable.from(body as AsyncIterable<unknown>)
}

/** Closes a reply body that will not be sent (a stream is destroyed or cancelled; other bodies need nothing). */
export function discardBody(body: ReplyBody): void {
  if (body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)) discard(body)
}

function discard(body: Exclude<ReplyBody, string | Uint8Array | null>): void {
  if (body instanceof ReadableStream) void body.cancel().catch(() => {})
  else if (typeof (body as Readable).destroy === 'function') (body as Readable).destroy()
}

function isPlainData(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown
  return proto === Object.prototype || proto === null || Array.isArray(value)
}

/**
 * Writes a step's return value as the response. Text and plain data go straight out; everything else
 * becomes a {@link Reply} first. `onStreamError` hears of a stream that failed after the headers went out.
 */
export function sendValue(res: ServerResponse, value: unknown, onStreamError: (error: Error) => void): void {
  // hot path: the two commonest answers skip the Reply allocation
  if (typeof value === 'string') {
    res.writeHead(200, { 'content-type': TEXT_TYPE, 'content-length': Buffer.byteLength(value) })
    res.end(value)
    return
  }
  if (typeof value === 'object' && value !== null && isPlainData(value)) {
    const body = JSON.stringify(value)
    res.writeHead(200, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(body) })
    res.end(body)
    return
  }
  sendReply(res, toReply(value), onStreamError)
}

function withoutLength(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  if (headers['content-length'] === undefined) return headers
  const { 'content-length': _dropped, ...rest } = headers
  return rest
}

function noBodyAllowed(status: number): boolean {
  return status === 204 || status === 304 || status < 200
}

/** Writes a {@link Reply}: sets `content-length` where the size is known, streams otherwise. */
export function sendReply(res: ServerResponse, reply: Reply, onStreamError: (error: Error) => void): void {
  const { status, body } = reply
  const headers: OutgoingHttpHeaders = reply.headers
  if (noBodyAllowed(status)) {
    // 1xx, 204 and 304 carry no body, so no Content-Length of one either
    if (body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)) discard(body)
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
    discard(body)
    res.end()
    return
  }
  pipeline(toReadable(body), res, (error) => {
    if (error && (error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') onStreamError(error)
  })
}
