import type { IncomingMessage, OutgoingHttpHeader, OutgoingHttpHeaders } from 'node:http'
import { STATUS_CODES } from 'node:http'
import { Readable, Stream } from 'node:stream'
import { RoutechainError } from '../errors.js'

type Callback = (error?: Error | null) => void

/** The output side of a {@link ConnectResponse}: what the middleware (or a compression wrapper) wrote, as a stream. */
class Output extends Readable {
  readonly #drained: () => void
  waiting = false

  constructor(drained: () => void) {
    super()
    this.#drained = drained
  }

  override _read(): void {
    if (!this.waiting) return
    this.waiting = false
    this.#drained()
  }
}

function headersSentError(what: string): RoutechainError {
  return new RoutechainError('ERR_HTTP_HEADERS_SENT', `Cannot ${what} headers after they are sent to the client`)
}

function toChunk(chunk: unknown, encoding: BufferEncoding | undefined): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, encoding ?? 'utf8')
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
  throw new TypeError(`res.write() takes a string or bytes, got ${chunk === null ? 'null' : typeof chunk}`)
}

/**
 * The `res` an Express/connect middleware sees under `fromConnect()`: the `ServerResponse` API the ecosystem
 * calls (headers, `writeHead`, `write`, `end`, the `finish` and `close` events, and the few Express helpers
 * such as `res.redirect()` that popular middleware use). Nothing goes to the client directly: once the
 * headers are sent, they and the body written become a routechain reply, so every transport, `app.request()`
 * and `app.fetch()` included, serves it the same way.
 */
export class ConnectResponse extends Stream {
  statusCode = 200
  statusMessage = ''
  readonly req: IncomingMessage
  /** Express's per-request scratch space, which some middleware (helmet's CSP nonces) reads or writes. */
  readonly locals: Record<string, unknown> = Object.create(null) as Record<string, unknown>
  /** No socket: the transport owns the connection. `null` rather than absent so `on-finished` does not wait for one. */
  readonly socket = null
  readonly connection = null
  sendDate = true
  finished = false
  destroyed = false
  /** node's marker that the head went out; middleware such as `compression` reads it. */
  _header: string | null = null
  readonly #headers = new Map<string, { name: string; value: OutgoingHttpHeader }>()
  #output: Output | undefined
  readonly #onHead: () => void
  #ended = false
  #finishEmitted = false

  /** `onHead` is called once, when the head goes out (by `writeHead`, or the first `write` or `end`). */
  constructor(req: IncomingMessage, onHead: () => void) {
    super()
    this.req = req
    this.#onHead = onHead
  }

  /** Whether the head has gone out, after which headers cannot change. */
  get headersSent(): boolean {
    return this._header !== null
  }

  /** Whether more may be written. */
  get writable(): boolean {
    return !this.#ended && !this.destroyed
  }

  /** Whether `end()` has been called. */
  get writableEnded(): boolean {
    return this.#ended
  }

  /** Whether `finish` has been emitted. */
  get writableFinished(): boolean {
    return this.#finishEmitted
  }

  /** The body written so far, as a stream that ends when the response does (made on first use: most never write). */
  get output(): Readable {
    return (this.#output ??= new Output(() => this.emit('drain')))
  }

  /** Whether the whole body has been written already (then {@link takeBody} has all of it). */
  get ended(): boolean {
    return this.#ended
  }

  /** The whole body as bytes, once {@link ended}: what went into the output, taken out of it. */
  takeBody(): Buffer {
    return (this.#output?.read() as Buffer | null | undefined) ?? Buffer.alloc(0)
  }

  /** Sets a header (name case-insensitive); throws once the head has gone out, as node does. */
  setHeader(name: string, value: OutgoingHttpHeader): this {
    if (this._header !== null) throw headersSentError('set')
    this.#headers.set(name.toLowerCase(), { name, value })
    return this
  }

  /** Adds values to a header, keeping those already set. */
  appendHeader(name: string, value: OutgoingHttpHeader): this {
    const existing = this.getHeader(name)
    if (existing === undefined) return this.setHeader(name, value)
    const list = [...(Array.isArray(existing) ? existing : [String(existing)]), ...(Array.isArray(value) ? value : [String(value)])]
    return this.setHeader(name, list)
  }

  /** A header's value, or `undefined`. */
  getHeader(name: string): OutgoingHttpHeader | undefined {
    return this.#headers.get(name.toLowerCase())?.value
  }

  /** The names of the headers set, lower case. */
  getHeaderNames(): string[] {
    return [...this.#headers.keys()]
  }

  /** Calls `each` with every header set, by lower-case name: what {@link getHeaders} copies, without the copy. */
  eachHeader(each: (name: string, value: OutgoingHttpHeader) => void): void {
    for (const [key, { value }] of this.#headers) each(key, value)
  }

  /** How many headers are set. */
  get headerCount(): number {
    return this.#headers.size
  }

  /** A copy of the headers set, by lower-case name. */
  getHeaders(): OutgoingHttpHeaders {
    const headers = Object.create(null) as OutgoingHttpHeaders
    for (const [key, { value }] of this.#headers) headers[key] = value
    return headers
  }

  /** Whether a header is set. */
  hasHeader(name: string): boolean {
    return this.#headers.has(name.toLowerCase())
  }

  /** Removes a header; throws once the head has gone out. */
  removeHeader(name: string): void {
    if (this._header !== null) throw headersSentError('remove')
    this.#headers.delete(name.toLowerCase())
  }

  /** Sends the head: the status, an optional reason phrase, and headers over those set. */
  writeHead(status: number, reason?: string | OutgoingHttpHeaders | OutgoingHttpHeader[], headers?: OutgoingHttpHeaders | OutgoingHttpHeader[]): this {
    if (this._header !== null) throw headersSentError('write')
    if (typeof reason === 'string') this.statusMessage = reason
    else headers = reason
    this.statusCode = status
    if (Array.isArray(headers)) {
      // node's flat [name, value, name, value…] form
      for (let i = 0; i + 1 < headers.length; i += 2) this.appendHeader(String(headers[i]), headers[i + 1] as OutgoingHttpHeader)
    } else if (headers !== undefined) {
      for (const name of Object.keys(headers)) {
        const value = headers[name]
        if (value !== undefined) this.setHeader(name, value)
      }
    }
    this.statusMessage ||= STATUS_CODES[status] ?? ''
    this._header = `HTTP/1.1 ${status} ${this.statusMessage}`
    this.#onHead()
    return this
  }

  /** node's hook for a head sent by the first write: through `this.writeHead`, which `on-headers` wraps. */
  _implicitHeader(): void {
    this.writeHead(this.statusCode)
  }

  flushHeaders(): void {
    if (this._header === null) this._implicitHeader()
  }

  /** Writes part of the body (sending the head first if it has not gone out). */
  write(chunk: unknown, encoding?: BufferEncoding | Callback, callback?: Callback): boolean {
    if (typeof encoding === 'function') {
      callback = encoding
      encoding = undefined
    }
    if (this.#ended) {
      const error = new RoutechainError('ERR_STREAM_WRITE_AFTER_END', 'write after end')
      process.nextTick(() => callback?.(error))
      return false
    }
    if (this._header === null) this._implicitHeader()
    const more = this.#push(toChunk(chunk, encoding))
    if (callback !== undefined) process.nextTick(callback)
    return more
  }

  /** Ends the body, with a last chunk if given; a head not yet sent gets the body's Content-Length. */
  end(chunk?: unknown, encoding?: BufferEncoding | Callback, callback?: Callback): this {
    if (typeof chunk === 'function') {
      callback = chunk as Callback
      chunk = undefined
    } else if (typeof encoding === 'function') {
      callback = encoding
      encoding = undefined
    }
    if (this.#ended) {
      if (callback !== undefined) process.nextTick(callback)
      return this
    }
    const body = chunk === undefined || chunk === null ? undefined : toChunk(chunk, encoding as BufferEncoding | undefined)
    if (this._header === null) {
      if (!this.hasHeader('content-length')) this.setHeader('Content-Length', body?.length ?? 0)
      this._implicitHeader()
    }
    if (body !== undefined && body.length > 0) this.#push(body)
    this.#ended = true
    // node's `finished` turns true when end() is called; `on-finished` reads it for listeners added after
    this.finished = true
    this.output.push(null)
    process.nextTick(() => {
      this.#finishEmitted = true
      this.emit('prefinish')
      this.emit('finish')
      callback?.()
      this.emit('close')
    })
    return this
  }

  #push(chunk: Buffer): boolean {
    if (this.destroyed) return false
    const output = this.output as Output
    const more = output.push(chunk)
    if (!more) output.waiting = true
    return more
  }

  /** Cuts the response: the output fails with `error` (or just stops), and `close` is emitted. */
  destroy(error?: Error): this {
    if (this.destroyed) return this
    this.destroyed = true
    this.#output?.destroy(error)
    process.nextTick(() => this.emit('close'))
    return this
  }

  /** No-ops node's response has, which some middleware calls. */
  cork(): void {}
  uncork(): void {}
  setTimeout(): this {
    return this
  }
  addTrailers(): void {}
  writeContinue(): void {}

  // The parts of Express's response that common middleware call (passport's successRedirect, for one).

  /** Express: sets the status, for chaining. */
  status(code: number): this {
    this.statusCode = code
    return this
  }

  /** Express: sets a header, or several from an object. */
  set(name: string | Record<string, OutgoingHttpHeader>, value?: OutgoingHttpHeader): this {
    if (typeof name === 'string') return this.setHeader(name, value as OutgoingHttpHeader)
    for (const key of Object.keys(name)) this.setHeader(key, name[key] as OutgoingHttpHeader)
    return this
  }

  /** Express: sends text, bytes, or anything else as JSON. */
  send(body?: unknown): this {
    if (body === undefined || body === null) return this.end()
    if (typeof body === 'string') {
      if (!this.hasHeader('content-type')) this.setHeader('Content-Type', 'text/html; charset=utf-8')
      return this.end(body)
    }
    if (body instanceof Uint8Array) {
      if (!this.hasHeader('content-type')) this.setHeader('Content-Type', 'application/octet-stream')
      return this.end(body)
    }
    return this.json(body)
  }

  /** Express: sends JSON. */
  json(body: unknown): this {
    if (!this.hasHeader('content-type')) this.setHeader('Content-Type', 'application/json; charset=utf-8')
    return this.end(JSON.stringify(body))
  }

  /** Express: `redirect(url)` (302) or `redirect(status, url)`. */
  redirect(statusOrUrl: number | string, url?: string): void {
    const [status, location] = typeof statusOrUrl === 'number' ? [statusOrUrl, url ?? '/'] : [302, statusOrUrl]
    this.statusCode = status
    this.setHeader('Location', encodeURI(location).replace(/%25([0-9a-f]{2})/gi, '%$1'))
    this.end()
  }
}
