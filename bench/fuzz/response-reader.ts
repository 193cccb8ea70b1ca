// Reads one HTTP/1.x response from the bytes a socket delivers, just enough to know its status, headers and
// body and when it is complete: 1xx interim responses are skipped, the body is framed by Content-Length,
// chunked encoding, or the end of the connection, and HEAD, 204 and 304 responses have none.

/** A response as the fuzzer looks at it. */
export interface RawResponse {
  readonly status: number
  /** Header names in lower case; repeated headers joined with ", " (set-cookie with "\n"). */
  readonly headers: Readonly<Record<string, string>>
  /** The first bytes of the body (at most {@link BODY_KEEP}). */
  readonly body: Buffer
}

/** How many body bytes a reader keeps; the rest is counted and dropped. */
export const BODY_KEEP = 64 * 1024
/** A response head larger than this is treated as garbage. */
const HEAD_MAX = 64 * 1024

type Framing = { kind: 'none' } | { kind: 'length'; left: number } | { kind: 'chunked' } | { kind: 'close' }

const CRLF = Buffer.from('\r\n')
const HEAD_END = Buffer.from('\r\n\r\n')

/** Incremental reader for one response: feed it chunks with {@link ResponseReader.push}. */
export class ResponseReader {
  readonly #headRequest: boolean
  #buffer: Buffer = Buffer.alloc(0)
  #status = 0
  #headers: Record<string, string> = {}
  #framing: Framing | undefined
  #body: Buffer[] = []
  #kept = 0
  #chunkLeft = -1 // chunked: bytes left in the current chunk, -1 while reading a size line, -2 in trailers
  #done = false
  #invalid: string | undefined

  /** `headRequest`: the request was HEAD, so the response carries no body whatever its headers say. */
  constructor(headRequest: boolean) {
    this.#headRequest = headRequest
  }

  /** A head was read: the status is known (the body may still be coming). */
  get started(): boolean {
    return this.#framing !== undefined
  }

  /** The whole response has been read. */
  get done(): boolean {
    return this.#done
  }

  /** Why the bytes received are not an HTTP response, if they are not. */
  get invalid(): string | undefined {
    return this.#invalid
  }

  /** The response so far (complete once {@link ResponseReader.done}). */
  response(): RawResponse {
    return { status: this.#status, headers: this.#headers, body: Buffer.concat(this.#body) }
  }

  /** Feeds bytes from the socket. */
  push(chunk: Buffer): void {
    if (this.#done || this.#invalid !== undefined) return
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk])
    this.#advance()
  }

  /** The connection ended (closed or reset): a response framed by the end of the connection is complete now. */
  end(): void {
    if (this.#framing?.kind === 'close') this.#done = true
  }

  #advance(): void {
    while (!this.#done && this.#invalid === undefined) {
      if (this.#framing === undefined) {
        if (!this.#readHead()) return
      } else if (!this.#readBody()) {
        return
      }
    }
  }

  // returns false when more bytes are needed
  #readHead(): boolean {
    const end = this.#buffer.indexOf(HEAD_END)
    if (end === -1) {
      if (this.#buffer.length > HEAD_MAX) this.#invalid = 'response head too large'
      return false
    }
    const lines = this.#buffer.subarray(0, end).toString('latin1').split('\r\n')
    this.#buffer = this.#buffer.subarray(end + HEAD_END.length)
    const match = /^HTTP\/\d\.\d (\d{3})(?: |$)/.exec(lines[0] ?? '')
    if (match === null) {
      this.#invalid = `not a status line: ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`
      return false
    }
    const status = Number(match[1])
    if (status >= 100 && status < 200 && status !== 101) return true // interim (100 Continue): the real one follows
    const headers: Record<string, string> = {}
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':')
      if (colon <= 0) continue
      const name = line.slice(0, colon).trim().toLowerCase()
      const value = line.slice(colon + 1).trim()
      const before = headers[name]
      headers[name] = before === undefined ? value : `${before}${name === 'set-cookie' ? '\n' : ', '}${value}`
    }
    this.#status = status
    this.#headers = headers
    this.#framing = this.#framingOf(status, headers)
    if (this.#framing.kind === 'none' || (this.#framing.kind === 'length' && this.#framing.left === 0)) this.#done = true
    return true
  }

  #framingOf(status: number, headers: Record<string, string>): Framing {
    if (this.#headRequest || status === 204 || status === 304 || status === 101) return { kind: 'none' }
    if (/(?:^|,)\s*chunked\s*$/i.test(headers['transfer-encoding'] ?? '')) return { kind: 'chunked' }
    const length = headers['content-length']
    if (length !== undefined && /^\d+$/.test(length)) return { kind: 'length', left: Number(length) }
    return { kind: 'close' }
  }

  #keep(bytes: Buffer): void {
    if (this.#kept >= BODY_KEEP) return
    const slice = bytes.subarray(0, BODY_KEEP - this.#kept)
    this.#body.push(Buffer.from(slice))
    this.#kept += slice.length
  }

  // returns false when more bytes are needed
  #readBody(): boolean {
    const framing = this.#framing as Framing
    if (framing.kind === 'close') {
      this.#keep(this.#buffer)
      this.#buffer = Buffer.alloc(0)
      return false
    }
    if (framing.kind === 'length') {
      const take = Math.min(framing.left, this.#buffer.length)
      this.#keep(this.#buffer.subarray(0, take))
      this.#buffer = this.#buffer.subarray(take)
      framing.left -= take
      if (framing.left === 0) this.#done = true
      return this.#done
    }
    return this.#readChunk()
  }

  #readChunk(): boolean {
    if (this.#chunkLeft === -1 || this.#chunkLeft === -2) {
      const eol = this.#buffer.indexOf(CRLF)
      if (eol === -1) return false
      const line = this.#buffer.subarray(0, eol).toString('latin1')
      this.#buffer = this.#buffer.subarray(eol + 2)
      if (this.#chunkLeft === -2) {
        if (line === '') this.#done = true // the empty line after the trailers
        return true
      }
      const size = /^([0-9a-fA-F]+)/.exec(line)
      if (size === null) {
        this.#invalid = `bad chunk size line ${JSON.stringify(line.slice(0, 40))}`
        return false
      }
      this.#chunkLeft = Number.parseInt(size[1] as string, 16)
      if (this.#chunkLeft === 0) this.#chunkLeft = -2
      return true
    }
    // chunk data, then its CRLF
    if (this.#buffer.length < this.#chunkLeft + 2) {
      const take = Math.min(this.#chunkLeft, this.#buffer.length)
      this.#keep(this.#buffer.subarray(0, take))
      this.#buffer = this.#buffer.subarray(take)
      this.#chunkLeft -= take
      return false
    }
    this.#keep(this.#buffer.subarray(0, this.#chunkLeft))
    this.#buffer = this.#buffer.subarray(this.#chunkLeft + 2)
    this.#chunkLeft = -1
    return true
  }
}
