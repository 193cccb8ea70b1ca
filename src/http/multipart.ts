import { randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { unlink } from 'node:fs/promises'
import type { IncomingHttpHeaders } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { Busboy, Dicer, type BusboyFileStream, type BusboyInstance } from '@fastify/busboy'
import { RoutechainError } from '../errors.js'
import { mediaType } from '../util/media-type.js'
import type { FormFields } from './body.js'
import { HttpError } from './http-error.js'
import { headerProblem, malformed, pastLimit, type ResolvedLimits } from './multipart-limits.js'
import { addField, type BodySource, type CollectedForm, type MultipartFile, type MultipartPart, type SavedFile } from './multipart-parts.js'

const MULTIPART = 'multipart/form-data'

/**
 * A multipart/form-data body read with `@fastify/busboy`: iterate it for its parts as they stream in, or
 * `collect()` it whole. Every limit answers 413 and every malformed body 400, with the rest of the body left
 * unread and every temporary file removed.
 */
export class Multipart implements AsyncIterable<MultipartPart> {
  readonly #headers: IncomingHttpHeaders
  readonly #source: () => BodySource | Error
  readonly #limits: ResolvedLimits
  readonly #tmpDir: string | undefined
  readonly #queue: MultipartPart[] = []
  #body: BodySource | undefined
  #parser: BusboyInstance | undefined
  #failure: Error | undefined
  #ended = false
  #started = false
  #wake: (() => void) | undefined
  /** The file part handed out last, drained if its reader moved on without it. */
  #current: BusboyFileStream | undefined
  #saved: string[] | undefined

  /** @internal created by `req.multipart()` */
  constructor(headers: IncomingHttpHeaders, source: () => BodySource | Error, limits: ResolvedLimits, tmpDir: string | undefined) {
    this.#headers = headers
    this.#source = source
    this.#limits = limits
    this.#tmpDir = tmpDir
  }

  async *[Symbol.asyncIterator](): AsyncIterator<MultipartPart> {
    if (this.#started) throw new RoutechainError('ERR_ROUTECHAIN_BODY_USED', 'a multipart body is read once: iterate req.multipart() or collect() it, not both')
    this.#started = true
    this.#start()
    try {
      for (;;) {
        const current = this.#current
        this.#current = undefined
        if (current !== undefined && !current.readableEnded && !current.destroyed) current.resume()
        if (this.#failure !== undefined) throw this.#failure
        const part = this.#queue.shift()
        if (part !== undefined) {
          if (part.kind === 'file') this.#current = part.stream as BusboyFileStream
          yield part
          continue
        }
        if (this.#ended) return
        await new Promise<void>((resolve) => { this.#wake = resolve })
        this.#wake = undefined
      }
    } finally {
      // the reader stopped early (break, or a throw of its own): stop reading the body
      if (!this.#ended && this.#failure === undefined) this.#stop(new RoutechainError('ERR_ROUTECHAIN_BODY_USED', 'the multipart reader stopped'))
    }
  }

  /**
   * Reads the whole body: text fields into `fields` (a repeated name becomes a list), files into temporary
   * files, removed once the response is sent. A file input left empty (no name, no bytes) is not listed.
   */
  async collect(): Promise<CollectedForm> {
    const fields = Object.create(null) as FormFields
    const files: SavedFile[] = []
    try {
      for await (const part of this) {
        if (part.kind === 'field') addField(fields, part.name, part.value)
        else {
          const saved = await this.#save(part)
          if (saved.filename !== '' || saved.size > 0) files.push(saved)
        }
      }
    } catch (error) {
      await this.#removeSaved()
      throw error
    }
    return { fields, files }
  }

  async #save(part: MultipartFile): Promise<SavedFile> {
    // os.tmpdir() reads the environment on every call: only when a file is saved
    const path = join(this.#tmpDir ?? tmpdir(), `routechain-upload-${randomUUID()}`)
    if (this.#saved === undefined) {
      this.#saved = []
      this.#body?.whenDone(() => this.#removeSaved())
    }
    this.#saved.push(path)
    const file = createWriteStream(path, { flags: 'wx', mode: 0o600 })
    await pipeline(part.stream, file)
    return { name: part.name, filename: part.filename, type: part.type, size: file.bytesWritten, path }
  }

  async #removeSaved(): Promise<void> {
    const paths = this.#saved ?? []
    this.#saved = []
    await Promise.all(paths.map((path) => unlink(path).catch(() => {})))
  }

  #start(): void {
    const type = mediaType(this.#headers['content-type'])
    if (type !== MULTIPART) return this.#fail(new HttpError(415, `expected a ${MULTIPART} body, got content-type ${type || 'none'}`))
    const limits = this.#limits
    const declared = this.#headers['content-length']
    const source = this.#source()
    if (source instanceof Error) return this.#fail(source)
    this.#body = source
    if (declared !== undefined && Number(declared) > limits.total) return this.#fail(pastLimit(`request body is larger than ${limits.total} bytes`))
    let parser: BusboyInstance
    try {
      parser = Busboy({
        headers: this.#headers as IncomingHttpHeaders & { 'content-type': string },
        // one more than allowed, so a part past the limit is seen (and refused) rather than cut off in silence
        limits: { ...limits, headerPairs: limits.headerPairs + 1, headerSize: limits.headerSize + 1024 },
      })
    } catch {
      return this.#fail(malformed('no boundary in its Content-Type'))
    }
    this.#parser = parser
    this.#watch(parser, source.stream)
  }

  #watch(parser: BusboyInstance, stream: Readable): void {
    const limits = this.#limits
    // busboy skips parts it cannot use without a word; the parts it reports are counted against the parts
    // seen, so a skipped one fails the body instead of going missing
    const dicer = (parser as unknown as { _parser?: { parser?: unknown } })._parser?.parser
    if (!(dicer instanceof Dicer)) return this.#fail(new RoutechainError('ERR_ROUTECHAIN_MULTIPART', 'this @fastify/busboy version is not one routechain knows'))
    let seen = 0
    let reported = 0
    dicer.on('part', (part: NodeJS.EventEmitter) => {
      part.once('header', (header: Record<string, string[]>) => {
        seen++
        const problem = headerProblem(header, limits)
        if (problem !== undefined) this.#fail(problem)
      })
    })
    parser.on('field', (name, value, _nameTruncated, valueTruncated, _encoding, type) => {
      if (valueTruncated) return this.#fail(pastLimit(`field "${name}" is larger than ${limits.fieldSize} bytes`))
      reported++
      this.#push({ kind: 'field', name, value, type })
    })
    parser.on('file', (name, file, filename, _encoding, type) => {
      reported++
      // a failed file also fails the iteration, which is where the error reaches the step; without this
      // listener, its 'error' event coming after the reader let go of the stream would crash the process
      file.on('error', () => {})
      file.once('limit', () => {
        const error = pastLimit(`file "${filename}" is larger than ${limits.fileSize} bytes`)
        file.destroy(error)
        this.#fail(error)
      })
      this.#push({ kind: 'file', name, filename, type, stream: file })
    })
    parser.on('partsLimit', () => this.#fail(pastLimit(`the form has more than ${limits.parts} parts`)))
    parser.on('filesLimit', () => this.#fail(pastLimit(`the form has more than ${limits.files} files`)))
    parser.on('fieldsLimit', () => this.#fail(pastLimit(`the form has more than ${limits.fields} fields`)))
    parser.on('error', (error: unknown) => this.#fail(malformed(error instanceof Error ? lowerFirst(error.message.replace(/^Multipart: /, '')) : 'unreadable')))
    parser.on('finish', () => {
      if (seen !== reported) return this.#fail(malformed('a part has no form-data Content-Disposition naming its field'))
      this.#ended = true
      this.#wake?.()
    })
    // a body held to its Content-Length was checked against the limit already; any other is counted as it comes
    if (!(this.#body?.heldToLength === true && this.#headers['content-length'] !== undefined)) {
      let size = 0
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > limits.total) this.#fail(pastLimit(`request body is larger than ${limits.total} bytes`))
      })
    }
    stream.once('error', (error) => this.#fail(new HttpError(400, 'the request body could not be read', { cause: error })))
    stream.once('close', () => {
      if (!stream.readableEnded) this.#fail(new HttpError(400, 'the request body could not be read: the client went away'))
    })
    stream.pipe(parser)
  }

  #push(part: MultipartPart): void {
    if (this.#failure !== undefined) {
      if (part.kind === 'file') part.stream.resume()
      return
    }
    this.#queue.push(part)
    this.#wake?.()
  }

  #fail(error: Error): void {
    if (this.#failure !== undefined || this.#ended) return
    this.#failure = error
    this.#stop(error)
    this.#wake?.()
  }

  /** Stops reading: the body is left where it is, the parts not taken are dropped with the request. */
  #stop(error: Error): void {
    const body = this.#body
    const parser = this.#parser
    if (body !== undefined && parser !== undefined) {
      body.stream.unpipe(parser)
      parser.on('error', () => {})
      if (!body.stream.readableEnded) {
        body.stream.pause()
        body.leftUnread()
      }
    }
    const current = this.#current
    if (current !== undefined && !current.readableEnded) current.destroy(error)
    for (const part of this.#queue.splice(0)) if (part.kind === 'file') part.stream.destroy(error)
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1)
}
