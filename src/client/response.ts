import { finished as streamFinished, Readable } from 'node:stream'

// past this much, dropping a body closes its connection rather than reading the rest
const DISCARD_LIMIT = 128 * 1024

/** What a {@link ClientResponse} is made of; a middleware can make one to answer without the network (a cache). */
export interface ClientResponseInit {
  status: number
  headers?: Record<string, string | string[] | undefined>
  /** The body: a stream, text or bytes. @default empty */
  body?: Readable | string | Uint8Array
  /** The URL that answered (after redirects). */
  url: URL
  /** How many redirects led here. @default 0 */
  redirects?: number
}

/**
 * A response. The body can be read once, by one of `json()`, `text()`, `bytes()` or the `body` stream; a
 * middleware that drops a response without reading it calls `discard()` so its connection is reused.
 */
export class ClientResponse {
  /** The status code. */
  readonly status: number
  /** Header names in lower case; `set-cookie` is an array. */
  readonly headers: Record<string, string | string[] | undefined>
  /** The URL that answered, after any redirects. */
  readonly url: URL
  /** How many redirects were followed to get here. */
  readonly redirects: number
  /** The body as a stream. */
  readonly body: Readable
  readonly #translate: (error: unknown) => unknown

  /**
   * Makes a response; a middleware passes only `init`. The transport also passes `translate`, which turns an
   * error met while reading the body into the client's error for it, and `finished`, called once when the
   * body stream is done: read to its end, failed, or destroyed (dropped).
   */
  constructor(init: ClientResponseInit, translate: (error: unknown) => unknown = (error) => error, finished?: () => void) {
    this.status = init.status
    this.headers = init.headers ?? {}
    this.url = init.url
    this.redirects = init.redirects ?? 0
    const body = init.body ?? ''
    this.body = body instanceof Readable ? body : Readable.from(typeof body === 'string' ? [Buffer.from(body)] : [body])
    this.#translate = translate
    if (finished !== undefined) streamFinished(this.body, () => finished())
  }

  /** Whether the status is 200–299. */
  get ok(): boolean {
    return this.status >= 200 && this.status < 300
  }

  /** One header's value; several values of a header other than `set-cookie` are joined with `, `. */
  header(name: string): string | undefined {
    const value = this.headers[name.toLowerCase()]
    return Array.isArray(value) ? value.join(', ') : value
  }

  /** The body as bytes. */
  async bytes(): Promise<Uint8Array> {
    const chunks: Buffer[] = []
    try {
      for await (const chunk of this.body) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer))
    } catch (error) {
      throw this.#translate(error)
    }
    return Buffer.concat(chunks)
  }

  /** The body as UTF-8 text. */
  async text(): Promise<string> {
    return Buffer.from(await this.bytes()).toString('utf8')
  }

  /** The body parsed as JSON. */
  async json<T = unknown>(): Promise<T> {
    return JSON.parse(await this.text()) as T
  }

  /**
   * Drops the body. A small rest is read so the connection can serve another request; past 128 KiB the
   * connection is closed instead. Never throws.
   */
  async discard(): Promise<void> {
    let size = 0
    try {
      for await (const chunk of this.body) {
        size += (chunk as Uint8Array).length
        if (size > DISCARD_LIMIT) {
          this.body.destroy()
          return
        }
      }
    } catch {
      // a body that fails while being dropped needs nothing more
    }
  }
}
