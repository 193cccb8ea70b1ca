import { Readable } from 'node:stream'
import type { StreamBody } from './reply.js'

/** A stream body as a node Readable, whatever kind of stream or iterable it is. */
export function toReadable(body: StreamBody): NodeJS.ReadableStream {
  if (body instanceof ReadableStream) return Readable.fromWeb(body as import('node:stream/web').ReadableStream)
  if (typeof (body as NodeJS.ReadableStream).pipe === 'function') return body as NodeJS.ReadableStream
  return Readable.from(body as AsyncIterable<unknown>)
}
