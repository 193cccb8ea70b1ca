// Sends one request as raw bytes over a fresh TCP connection to 127.0.0.1 and reads the first response,
// whatever the server does: answers, closes, resets, or says nothing until the time limit.
import { connect } from 'node:net'
import { ResponseReader, type RawResponse } from './response-reader.js'

/** How the bytes are sent. */
export interface SendOptions {
  /** Give up (and close the connection) after this many milliseconds. */
  readonly timeoutMs: number
  /** The request is HEAD: its response has no body. */
  readonly head: boolean
  /** End our side of the connection (half-close) once everything is written. */
  readonly halfClose: boolean
  /** Byte offsets at which to split the write, each piece going out on a later turn of the event loop. */
  readonly splits: readonly number[]
}

/** What came of one request. */
export type Outcome =
  /** A whole response (or, with `truncated`, one whose body the server cut off). */
  | { readonly kind: 'response'; readonly response: RawResponse; readonly truncated: boolean }
  /** The server closed the connection without answering. */
  | { readonly kind: 'closed' }
  /** The connection failed (ECONNRESET, EPIPE…) before any answer; `code` says how. */
  | { readonly kind: 'reset'; readonly code: string }
  /** Nothing complete within the time limit; `started` if a response head had arrived. */
  | { readonly kind: 'timeout'; readonly started: boolean }
  /** Nobody listens on the port (the target is down). */
  | { readonly kind: 'refused' }
  /** The server answered bytes that are not HTTP. */
  | { readonly kind: 'garbled'; readonly reason: string }

/** Sends `bytes` to 127.0.0.1:`port` on a new connection and resolves with the outcome; never rejects. */
export function sendRaw(port: number, bytes: Buffer, options: SendOptions): Promise<Outcome> {
  return new Promise((resolve) => {
    const reader = new ResponseReader(options.head)
    let settled = false
    const socket = connect({ port, host: '127.0.0.1' })
    const finish = (outcome: Outcome): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      resolve(outcome)
    }
    const fromReader = (ending: Outcome): Outcome => {
      if (reader.invalid !== undefined) return { kind: 'garbled', reason: reader.invalid }
      if (reader.done) return { kind: 'response', response: reader.response(), truncated: false }
      if (reader.started) return { kind: 'response', response: reader.response(), truncated: true }
      return ending
    }
    const timer = setTimeout(() => finish({ kind: 'timeout', started: reader.started }), options.timeoutMs)

    socket.on('data', (chunk: Buffer) => {
      reader.push(chunk)
      if (reader.done || reader.invalid !== undefined) finish(fromReader({ kind: 'closed' }))
    })
    socket.on('end', () => {
      reader.end()
      finish(fromReader({ kind: 'closed' }))
    })
    socket.on('close', () => {
      reader.end()
      finish(fromReader({ kind: 'closed' }))
    })
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') {
        finish({ kind: 'refused' })
        return
      }
      reader.end() // a server that answers and closes at once (431, 400) may reset while we still write
      finish(fromReader({ kind: 'reset', code: error.code ?? error.message }))
    })
    socket.on('connect', () => {
      const offsets = [0, ...options.splits.filter((at) => at > 0 && at < bytes.length), bytes.length]
      let piece = 0
      const writeNext = (): void => {
        if (settled || socket.destroyed) return
        const start = offsets[piece] as number
        const end = offsets[piece + 1] as number
        piece++
        const last = piece >= offsets.length - 1
        socket.write(bytes.subarray(start, end))
        if (!last) setImmediate(writeNext)
        else if (options.halfClose) socket.end()
      }
      writeNext()
    })
  })
}
