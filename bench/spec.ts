// What every HTTP contender serves, and the answers each must give before it is timed.

/** The users the bench tokens stand for: `t` may read posts, `n` may not. */
export const USERS: Record<string, { name: string; permissions: string[] }> = {
  t: { name: 'alice', permissions: ['post:read'] },
  n: { name: 'nobody', permissions: [] },
}

/** The token at the end of `authorization: Bearer <token>`, or undefined. */
export function tokenOf(header: string | undefined): string | undefined {
  return header !== undefined && header.startsWith('Bearer ') ? header.slice(7) : undefined
}

/** One request and the exact answer it must get. */
export interface Case {
  readonly name: string
  readonly path: string
  readonly headers: Record<string, string>
  readonly status: number
  readonly body: string
}

/** The two timed routes. */
export const TIMED: readonly Case[] = [
  { name: 'GET /post/:id (3 steps)', path: '/post/42', headers: { authorization: 'Bearer t' }, status: 200, body: '{"id":"42","user":"alice"}' },
  { name: 'GET /', path: '/', headers: {}, status: 200, body: 'ok' },
]

/** Everything checked before timing: the timed routes plus each step's refusal. */
export const CHECKED: readonly Case[] = [
  ...TIMED,
  { name: 'no token → 401', path: '/post/42', headers: {}, status: 401, body: 'unauthenticated' },
  { name: 'no permission → 403', path: '/post/42', headers: { authorization: 'Bearer n' }, status: 403, body: 'forbidden' },
]

/** A contender's server, started on a port. */
export interface Running {
  readonly port: number
  close(): Promise<void>
}

/** One HTTP framework set up to serve the spec. */
export interface Contender {
  readonly name: string
  start(port: number): Promise<Running>
}
