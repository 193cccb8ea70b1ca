import { configError } from '../errors.js'

/** The `websocket` option of `createApp`: limits and defaults for every WebSocket route. */
export interface WebSocketOptions {
  /** The largest message accepted, in bytes; a larger one closes the socket with 1009. @default 1048576 (1 MiB) */
  maxPayload?: number
  /**
   * Origins a browser page may open sockets from, besides the app's own (`https://blog.example`); others get 403,
   * against cross-site WebSocket hijacking. A request without `Origin` (not from a browser) passes. @default none
   */
  allowedOrigins?: readonly string[]
  /** The most sockets open at once; past it an upgrade gets 503. @default 10000 */
  maxConnections?: number
  /** permessage-deflate compression: off unless asked, as it costs memory per socket and has had attacks. @default false */
  perMessageDeflate?: boolean
  /** Milliseconds between pings; a peer that has not answered the last ping by the next is closed. 0 turns it off. @default 30000 */
  heartbeat?: number
}

/** The WebSocket options, checked, with their defaults. */
export interface ResolvedWebSocketOptions {
  readonly maxPayload: number
  readonly allowedOrigins: ReadonlySet<string>
  readonly maxConnections: number
  readonly perMessageDeflate: boolean
  readonly heartbeat: number
}

const KNOWN = new Set(['maxPayload', 'allowedOrigins', 'maxConnections', 'perMessageDeflate', 'heartbeat'])

function wholeNumber(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) configError(`websocket.${name} must be a whole number from ${min} up, got ${String(value)}`)
  return value
}

/** Checks the `websocket` option at start-up. */
export function resolveWebSocketOptions(options: WebSocketOptions = {}): ResolvedWebSocketOptions {
  if (options === null || typeof options !== 'object') configError('the websocket option takes { maxPayload?, allowedOrigins?, maxConnections?, perMessageDeflate?, heartbeat? }')
  for (const key of Object.keys(options)) if (!KNOWN.has(key)) configError(`the websocket option has no "${key}": it takes ${[...KNOWN].join(', ')}`)
  const origins = options.allowedOrigins ?? []
  if (!Array.isArray(origins)) configError("websocket.allowedOrigins takes a list of origins, ['https://blog.example']")
  for (const origin of origins) {
    let parsed: URL | undefined
    try { parsed = new URL(origin) } catch { parsed = undefined }
    if (parsed === undefined || parsed.origin !== origin) configError(`websocket.allowedOrigins: ${JSON.stringify(origin)} is not an origin (scheme://host[:port], no path)`)
  }
  if (options.perMessageDeflate !== undefined && typeof options.perMessageDeflate !== 'boolean') configError('websocket.perMessageDeflate must be true or false')
  return {
    maxPayload: wholeNumber('maxPayload', options.maxPayload ?? 1024 * 1024, 1),
    allowedOrigins: new Set(origins),
    maxConnections: wholeNumber('maxConnections', options.maxConnections ?? 10_000, 1),
    perMessageDeflate: options.perMessageDeflate ?? false,
    heartbeat: wholeNumber('heartbeat', options.heartbeat ?? 30_000, 0),
  }
}
