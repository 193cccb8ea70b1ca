import { RoutechainError } from '../errors.js'
import { tooLarge } from './body.js'
import { HttpError } from './http-error.js'

/** Reads the whole body of a web Request into one Buffer, refusing it with 413 once it passes `limit` bytes. */
export async function readWebBody(request: Request, limit: number): Promise<Buffer> {
  const declared = request.headers.get('content-length')
  if (declared !== null && Number(declared) > limit) {
    void request.body?.cancel().catch(() => {})
    throw tooLarge(limit)
  }
  if (request.bodyUsed) {
    throw new RoutechainError('ERR_ROUTECHAIN_BODY_USED', 'the request body was already read from req.raw; read it through the body readers only')
  }
  const stream = request.body
  if (stream === null) return Buffer.alloc(0)
  const reader = stream.getReader()
  const chunks: Buffer[] = []
  let size = 0
  for (;;) {
    let chunk: { done: true; value?: undefined } | { done: false; value: Uint8Array }
    try {
      chunk = await reader.read()
    } catch (error) {
      throw new HttpError(400, 'the request body could not be read', { cause: error })
    }
    if (chunk.done) break
    size += chunk.value.byteLength
    if (size > limit) {
      void reader.cancel().catch(() => {})
      throw tooLarge(limit)
    }
    chunks.push(Buffer.from(chunk.value.buffer, chunk.value.byteOffset, chunk.value.byteLength))
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)
}
