import type { IncomingMessage } from 'node:http'
import { RoutechainError } from '../errors.js'
import { tooLarge } from './body.js'
import { HttpError } from './http-error.js'

/**
 * Reads the whole body of a request into one Buffer, refusing it with 413 once it passes `limit` bytes.
 * `stopped` is called when the body is left unread, so the connection is not kept alive for the rest of it.
 */
export function readBody(raw: IncomingMessage, limit: number, stopped: () => void): Promise<Buffer> {
  const declared = raw.headers['content-length']
  if (declared !== undefined && Number(declared) > limit) {
    stopped()
    return Promise.reject(tooLarge(limit))
  }
  // the client may be gone before a step gets round to the body: its events have fired already, so ask
  if (raw.destroyed || (raw.readableEnded && !raw.complete)) {
    return Promise.reject(new HttpError(400, 'the request body could not be read: the client went away'))
  }
  if (raw.readableEnded) {
    return Promise.reject(new RoutechainError('ERR_ROUTECHAIN_BODY_USED', 'the request body was already read from req.raw; read it through the body readers only'))
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const cleanup = (): void => {
      raw.off('data', onData)
      raw.off('end', onEnd)
      raw.off('error', onError)
      raw.off('aborted', onAborted)
      raw.off('close', onClose)
    }
    const onData = (chunk: Buffer): void => {
      size += chunk.length
      if (size > limit) {
        cleanup()
        raw.pause()
        stopped()
        reject(tooLarge(limit))
        return
      }
      chunks.push(chunk)
    }
    const onEnd = (): void => {
      cleanup()
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size))
    }
    const onError = (error: Error): void => {
      cleanup()
      reject(new HttpError(400, 'the request body could not be read', { cause: error }))
    }
    const onAborted = (): void => onError(new Error('request aborted'))
    // 'close' before 'end' means the body will never be complete
    const onClose = (): void => onError(new Error('connection closed before the body ended'))
    raw.on('data', onData)
    raw.on('end', onEnd)
    raw.on('error', onError)
    raw.on('aborted', onAborted)
    raw.on('close', onClose)
  })
}
