import { checkByteLimit, configError } from '../errors.js'
import { HttpError } from './http-error.js'

/** The limits of one multipart body. Past any of them the request is answered 413; nothing is cut short in silence. */
export interface MultipartLimits {
  /** The largest body, in bytes, all parts together. @default the route's or app's `bodyLimit` (1 MiB) */
  total?: number
  /** The largest file, in bytes. @default `total` */
  fileSize?: number
  /** The most files. @default 10 */
  files?: number
  /** The most text fields. @default 1000 */
  fields?: number
  /** The largest text field, in bytes. @default 1 MiB */
  fieldSize?: number
  /** The most parts, files and fields together. @default 1000 */
  parts?: number
  /** The most header lines one part may have (browsers send two). @default 16 */
  headerPairs?: number
  /** The largest header block of one part, in bytes. @default 8 KiB */
  headerSize?: number
}

/** Every limit, resolved. */
export type ResolvedLimits = Required<MultipartLimits>

const COUNTS = ['files', 'fields', 'parts', 'headerPairs'] as const
const SIZES = ['total', 'fileSize', 'fieldSize', 'headerSize'] as const

/** The limits with their defaults filled in; `bodyLimit` is the request's. A limit that is not a count throws. */
export function resolveLimits(given: MultipartLimits | undefined, bodyLimit: number): ResolvedLimits {
  if (given !== undefined && (given === null || typeof given !== 'object')) configError('multipart({ limits }) takes an object of limits')
  for (const name of COUNTS) {
    const value = given?.[name]
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) configError(`multipart({ limits: { ${name} } }) takes a whole number from 1 up, got ${String(value)}`)
  }
  for (const name of SIZES) if (given?.[name] !== undefined) checkByteLimit(`multipart({ limits: { ${name} } })`, given[name])
  const total = given?.total ?? bodyLimit
  return {
    total,
    fileSize: given?.fileSize ?? total,
    files: given?.files ?? 10,
    fields: given?.fields ?? 1000,
    fieldSize: given?.fieldSize ?? 1024 * 1024,
    parts: given?.parts ?? 1000,
    headerPairs: given?.headerPairs ?? 16,
    headerSize: given?.headerSize ?? 8 * 1024,
  }
}

/** The 413 for a multipart body past one of its limits; the rest of it is not read, so the connection closes. */
export function pastLimit(what: string): HttpError {
  return new HttpError(413, what, { headers: { connection: 'close' } })
}

/** The 400 for a multipart body that cannot be read as one. */
export function malformed(what: string): HttpError {
  return new HttpError(400, `malformed multipart body: ${what}`, { headers: { connection: 'close' } })
}

/** The problem with a part's header block, if any: more lines or bytes than allowed, or no Content-Disposition. */
export function headerProblem(header: Record<string, string[]>, limits: ResolvedLimits): HttpError | undefined {
  let pairs = 0
  let size = 0
  for (const name in header) {
    const values = header[name] as string[]
    pairs += values.length
    for (const value of values) size += name.length + value.length + 4 // "name: value\r\n"
  }
  if (pairs > limits.headerPairs) return pastLimit(`a part has more than ${limits.headerPairs} header lines`)
  if (size > limits.headerSize) return pastLimit(`a part's headers are larger than ${limits.headerSize} bytes`)
  if (header['content-disposition'] === undefined) return malformed('a part has no Content-Disposition')
  return undefined
}
