// What the soak server and the soak driver agree on: routes, roles, the key's variable and the status answer.

/** The variable the driver hands the server its session key in (a fresh `generateKey()` per run). */
export const KEY_ENV = 'ROUTECHAIN_SOAK_KEY'

/** GET: reads the session through authenticate → authorise → handler; answers `{ user, visits, changed: false }`. */
export const READ_PATH = '/account'

/** POST: the same chain, and the handler counts a visit in the session, so the session is saved (Set-Cookie). */
export const WRITE_PATH = '/account/visit'

/** The server's memory and connection counts; `?gc=1` forces a full garbage collection first. */
export const STATUS_PATH = '/__soak/status'

/** One request in this many changes its session (10 %). */
export const WRITE_EVERY = 10

/** What each role may do; sessions carry a role, `authenticate` turns it into permissions. */
export const ROLES: Record<string, readonly string[]> = {
  member: ['account:read', 'account:write'],
  reader: ['account:read'],
}

/** The session data the soak's cookies hold. */
export interface SoakSession {
  user: string
  role: string
  visits?: number
}

/** The answer of the read and write routes. */
export interface AccountAnswer {
  readonly user: string
  readonly visits: number
  readonly changed: boolean
}

/** What the status route answers. Connections are counted from their first request; status requests' own are left out. */
export interface ServerStatus {
  readonly rssBytes: number
  readonly heapUsedBytes: number
  readonly heapTotalBytes: number
  readonly externalBytes: number
  /** Whether a full collection ran just before these figures were taken. */
  readonly gc: boolean
  /** Load connections open now. */
  readonly open: number
  /** Load connections accepted since the server started. */
  readonly accepted: number
  /** The most load connections open at once since the previous status answer (reset by each answer). */
  readonly peakOpen: number
  /** Load connections whose socket saw an error (a reset, a parse error), each counted once, since the server started. */
  readonly socketErrors: number
}
