import type { Readable } from 'node:stream'
import type { FormFields } from './body.js'
import type { MultipartLimits } from './multipart-limits.js'

/** Options for `req.multipart()`. */
export interface MultipartOptions {
  /** Past any of these the request is answered 413. */
  limits?: MultipartLimits
  /** Where `collect()` writes uploaded files. @default the system's temporary directory */
  tmpDir?: string
}

/** A text field of a multipart body. */
export interface MultipartField {
  readonly kind: 'field'
  readonly name: string
  readonly value: string
  /** The part's media type, `text/plain` unless it said otherwise. */
  readonly type: string
}

/** A file of a multipart body, as it streams in. Read `stream` before asking for the next part, or it is skipped. */
export interface MultipartFile {
  readonly kind: 'file'
  /** The form field's name. */
  readonly name: string
  /** The file name the client gave, without any directory part; `''` for a file input left empty. */
  readonly filename: string
  /** The media type the client gave, `application/octet-stream` unless it said otherwise. */
  readonly type: string
  /** The file's bytes. It fails with a 413 HttpError past `limits.fileSize`, never ending short in silence. */
  readonly stream: Readable
}

/** One part of a multipart body. */
export type MultipartPart = MultipartField | MultipartFile

/** A file `collect()` wrote to a temporary file, which is removed once the response is sent. */
export interface SavedFile {
  readonly name: string
  readonly filename: string
  readonly type: string
  /** Its size in bytes. */
  readonly size: number
  /** The temporary file. Move it (`fs.rename`) to keep it past the response. */
  readonly path: string
}

/** A multipart form read whole: its text fields, and its files saved to temporary files. */
export interface CollectedForm {
  readonly fields: FormFields
  readonly files: SavedFile[]
}

/** What a request gives the multipart reader: its body, and hooks into the request's end. */
export interface BodySource {
  readonly stream: Readable
  /** Whether the transport holds the body to its declared Content-Length (node's parser does; a web Request need not). */
  readonly heldToLength: boolean
  /** The body will not be read to its end: the connection is not kept for the rest of it. */
  leftUnread(): void
  /**
   * Runs `cleanup` once the response has been sent, or the request has failed or gone. In process, the response
   * is handed over once the promise `cleanup` returns has settled.
   */
  whenDone(cleanup: () => void | Promise<void>): void
}

/** Adds a field to a form: a repeated name becomes a list, as for urlencoded forms. */
export function addField(fields: FormFields, name: string, value: string): void {
  const existing = fields[name]
  fields[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value]
}
