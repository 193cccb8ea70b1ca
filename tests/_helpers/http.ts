import { connect } from 'node:net'
import type { Server } from 'node:http'
import { request as undiciRequest, type Dispatcher } from 'undici'
import type { App } from '../../src/index.js'

/** A response as tests look at it: status, headers and the body as text. */
export interface TestResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

type RequestOptions = Omit<Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & { method?: Dispatcher.HttpMethod }

/** A running app on 127.0.0.1 with a random port, and a way to call it over real HTTP. */
export interface TestServer {
  readonly url: string
  readonly server: Server
  fetch(path: string, options?: RequestOptions): Promise<TestResponse>
  close(): Promise<void>
}

/** Starts an app on port 0 and returns helpers to call it with undici. */
export async function serve(app: App): Promise<TestServer> {
  const server = await app.listen({ port: 0, host: '127.0.0.1' })
  const { url } = server
  return {
    url,
    server,
    async fetch(path, options = {}) {
      const res = await undiciRequest(url + path, options as Dispatcher.RequestOptions)
      return { status: res.statusCode, headers: res.headers, body: await res.body.text() }
    },
    close: () => app.close({ timeout: 1000 }),
  }
}

/** A logger that records what it is given, for asserting on log lines. */
export function recordingLogger(): { lines: string[]; logger: { error(...a: unknown[]): void; warn(...a: unknown[]): void; info(...a: unknown[]): void; debug(...a: unknown[]): void } } {
  const lines: string[] = []
  const record = (level: string) => (...args: unknown[]): void => {
    lines.push(`${level} ${args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : String(a))).join(' ')}`)
  }
  return { lines, logger: { error: record('error'), warn: record('warn'), info: record('info'), debug: record('debug') } }
}

/** Serves `app` for the length of `run`, and always closes it. */
export async function withServer(app: App, run: (server: TestServer) => Promise<void>): Promise<void> {
  const server = await serve(app)
  try {
    await run(server)
  } finally {
    await server.close()
  }
}

/** Sends raw bytes to a server and resolves with everything it answers until it closes the connection. */
export function rawExchange(url: string, request: string): Promise<string> {
  const { port } = new URL(url)
  return new Promise((resolve, reject) => {
    let answer = ''
    const socket = connect(Number(port), '127.0.0.1', () => socket.end(request))
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => { answer += chunk })
    socket.on('end', () => resolve(answer))
    socket.on('error', reject)
  })
}

/** One response read off a raw connection: status, headers (names in lower case) and the body as UTF-8 text. */
export interface RawResponse {
  status: number
  /** Header values by lower-case name; a repeated header's values are joined with ', '. */
  headers: Record<string, string>
  body: string
}

/**
 * Splits what a server sent on one connection into its responses, in order: bodies are delimited by
 * Content-Length, chunked encoding, or the end of the data (node's own parser-error answers have neither).
 * Not for answers to HEAD requests, whose Content-Length describes a body that is not there.
 */
export function parseResponses(data: Buffer): RawResponse[] {
  const responses: RawResponse[] = []
  let at = 0
  while (at < data.length) {
    const headEnd = data.indexOf('\r\n\r\n', at)
    if (headEnd === -1) break
    const [statusLine = '', ...lines] = data.subarray(at, headEnd).toString('latin1').split('\r\n')
    const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)
    if (match === null) break
    const status = Number(match[1])
    const headers: Record<string, string> = Object.create(null) as Record<string, string>
    for (const line of lines) {
      const colon = line.indexOf(':')
      if (colon <= 0) continue
      const name = line.slice(0, colon).trim().toLowerCase()
      const value = line.slice(colon + 1).trim()
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`
    }
    let body: Buffer
    at = headEnd + 4
    if (status === 204 || status === 304 || status < 200) {
      body = Buffer.alloc(0)
    } else if (headers['content-length'] !== undefined) {
      const end = at + Number(headers['content-length'])
      body = data.subarray(at, end)
      at = end
    } else if (/\bchunked\b/i.test(headers['transfer-encoding'] ?? '')) {
      const parts: Buffer[] = []
      for (;;) {
        const sizeEnd = data.indexOf('\r\n', at)
        if (sizeEnd === -1) { at = data.length; break }
        const size = Number.parseInt(data.subarray(at, sizeEnd).toString('latin1'), 16)
        at = sizeEnd + 2
        if (!(size > 0)) { // the last chunk (or garbage): skip the trailer section
          const trailerEnd = data.indexOf('\r\n\r\n', at - 2)
          at = trailerEnd === -1 ? data.length : trailerEnd + 4
          break
        }
        parts.push(data.subarray(at, at + size))
        at += size + 2
      }
      body = Buffer.concat(parts)
    } else {
      body = data.subarray(at)
      at = data.length
    }
    responses.push({ status, headers, body: body.toString('utf8') })
  }
  return responses
}

/** Options for {@link sendRaw}. */
export interface SendRawOptions {
  /** Milliseconds to wait after writing each part before the next one: a slow client. @default 0 */
  gap?: number
  /**
   * Half-close the connection after the last part (as {@link rawExchange} does). With false the client goes
   * silent after its last part and keeps the connection open: only the server, or the timeout, ends it.
   * @default true
   */
  end?: boolean
  /** How long to wait for the server to close the connection, in ms; then the socket is destroyed. @default 5000 */
  timeout?: number
}

/** What {@link sendRaw} saw. */
export interface RawAnswer {
  /** Every byte the server sent. */
  data: Buffer
  /** `data` as UTF-8 text. */
  text: string
  /** The responses in `data`, parsed with {@link parseResponses}. */
  responses: RawResponse[]
  /** How many of the parts were written before the server ended the connection (all, when it waited). */
  written: number
  /** True when the server closed (or reset) the connection; false when the timeout cut it. */
  closed: boolean
  /** The socket error's code when the connection ended with one (ECONNRESET, EPIPE), else undefined. */
  error: string | undefined
}

/**
 * Sends raw bytes over a new connection, part by part (`gap` ms apart, for a slow client), and collects all the
 * server answers until it closes the connection. Stops writing once the server has ended the connection. Never
 * waits longer than `timeout`: it then destroys the socket and resolves with `closed: false`. Never rejects.
 * @example const { responses } = await sendRaw(s.url, ['GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'])
 */
export function sendRaw(url: string, parts: readonly (string | Buffer)[], options: SendRawOptions = {}): Promise<RawAnswer> {
  const { gap = 0, end = true, timeout = 5000 } = options
  const { port } = new URL(url)
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let written = 0
    let ended = false
    let settled = false
    let error: string | undefined
    const socket = connect(Number(port), '127.0.0.1')
    const finish = (closed: boolean): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      const data = Buffer.concat(chunks)
      resolve({ data, text: data.toString('utf8'), responses: parseResponses(data), written, closed, error })
    }
    const timer = setTimeout(() => finish(false), timeout)
    socket.on('data', (chunk: Buffer) => { chunks.push(chunk) })
    socket.on('end', () => { ended = true })
    socket.on('error', (e: NodeJS.ErrnoException) => { error ??= e.code ?? e.message; ended = true })
    socket.on('close', () => finish(true))
    socket.on('connect', () => {
      void (async () => {
        for (const part of parts) {
          if (ended || settled) return
          socket.write(part)
          written++
          if (gap > 0) await new Promise((r) => setTimeout(r, gap))
        }
        if (end && !ended && !settled) socket.end()
      })()
    })
  })
}
