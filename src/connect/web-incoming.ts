import { EventEmitter } from 'node:events'
import type { IncomingHttpHeaders } from 'node:http'
import { Readable } from 'node:stream'

/** What a connect middleware may ask of `req.socket`: the peer's address and whether it came over TLS. */
class PeerSocket extends EventEmitter {
  readonly remoteAddress: string
  readonly remotePort = 0
  readonly encrypted: true | undefined
  readable = true
  writable = true

  constructor(address: string, encrypted: boolean) {
    super()
    this.remoteAddress = address
    this.encrypted = encrypted ? true : undefined
  }

  destroy(): this {
    return this
  }

  setTimeout(): this {
    return this
  }
}

/**
 * The `IncomingMessage` a connect middleware sees for a request that came as a web `Request` (`app.fetch()`,
 * `app.request()`): a readable stream of its body with node's request fields. Node's own IncomingMessage
 * serves requests over `node:http`.
 */
export class WebIncoming extends Readable {
  readonly method: string
  url: string
  readonly headers: IncomingHttpHeaders
  readonly rawHeaders: string[]
  readonly httpVersion = '1.1'
  readonly httpVersionMajor = 1
  readonly httpVersionMinor = 1
  readonly trailers: Record<string, string> = {}
  readonly rawTrailers: string[] = []
  readonly socket: PeerSocket
  readonly connection: PeerSocket
  complete = false
  aborted = false
  readonly #reader: ReadableStreamDefaultReader<Uint8Array> | undefined

  constructor(request: Request, url: string, headers: IncomingHttpHeaders, ip: string, secure: boolean) {
    super()
    this.method = request.method
    this.url = url
    const own = { ...headers }
    // a Request built in code has no framing header; without one, body parsers (type-is) think it has no body
    if (request.body !== null && own['content-length'] === undefined && own['transfer-encoding'] === undefined) own['transfer-encoding'] = 'chunked'
    this.headers = own
    this.rawHeaders = Object.entries(own).flatMap(([name, value]) => (Array.isArray(value) ? value : [String(value)]).flatMap((v) => [name, v]))
    this.socket = this.connection = new PeerSocket(ip, secure)
    this.#reader = request.body?.getReader()
    if (this.#reader === undefined) {
      this.complete = true
      this.push(null)
    }
  }

  override _read(): void {
    const reader = this.#reader
    if (reader === undefined) return
    reader.read().then(({ done, value }) => {
      if (done) {
        this.complete = true
        this.push(null)
      } else {
        this.push(value)
      }
    }, (error: unknown) => {
      this.aborted = true
      this.destroy(error instanceof Error ? error : new Error(String(error)))
    })
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.complete) void this.#reader?.cancel().catch(() => {})
    callback(error)
  }
}
