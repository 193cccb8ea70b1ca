/**
 * The base class of every error routechain throws itself. `code` is stable across
 * releases (`ERR_ROUTECHAIN_…`), so match on it rather than on the message.
 */
export class RoutechainError extends Error {
  /** A stable, machine-readable code such as `ERR_ROUTECHAIN_CONFIG`. */
  readonly code: string

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'RoutechainError'
    this.code = code
  }
}

/** Throws a configuration error with a message that says what to do. */
export function configError(message: string): never {
  throw new RoutechainError('ERR_ROUTECHAIN_CONFIG', message)
}

/** Checks a byte count given by the user: a whole number from 0 up. */
export function checkByteLimit(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    configError(`${name} must be a whole number of bytes, got ${String(value)}`)
  }
  return value
}
