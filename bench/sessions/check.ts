import { request } from 'undici'
import { answerFor, REPEATED_USER, tamper, UNAUTHENTICATED, type Minter, type SessionContender } from './spec.js'

interface SessionCase {
  readonly name: string
  readonly headers: Record<string, string>
  readonly status: number
  readonly body: string
}

/** The cases a contender must answer exactly: its session is read (not the header), and only a valid one. */
function casesFor(contender: SessionContender, mint: Minter, distinct: readonly Record<string, string>[]): SessionCase[] {
  const alice = mint(REPEATED_USER)
  if (contender.noSession === true) {
    return [
      { name: 'x-user header → its user', headers: { cookie: alice, 'x-user': REPEATED_USER }, status: 200, body: answerFor(REPEATED_USER) },
      { name: 'no x-user header → 401', headers: { cookie: alice }, status: 401, body: UNAUTHENTICATED },
    ]
  }
  const cases: SessionCase[] = [
    { name: 'session cookie → its user (no x-user header)', headers: { cookie: alice }, status: 200, body: answerFor(REPEATED_USER) },
    { name: 'no cookie → 401', headers: { 'x-user': REPEATED_USER }, status: 401, body: UNAUTHENTICATED },
  ]
  if (contender.verifies) {
    cases.push({ name: 'tampered cookie → 401', headers: { cookie: tamper(alice), 'x-user': REPEATED_USER }, status: 401, body: UNAUTHENTICATED })
  }
  for (const at of [0, distinct.length >> 1, distinct.length - 1]) {
    const headers = distinct[at]
    if (headers === undefined) continue
    cases.push({ name: `distinct cookie #${at} → its user`, headers: { cookie: headers.cookie as string }, status: 200, body: answerFor(headers['x-user'] as string) })
  }
  return cases
}

/**
 * Calls GET /me on a running contender for every case; returns what came back wrong (empty when all is
 * right). A valid cookie must not be written back: the timed requests read the session and change nothing.
 */
export async function checkSessionAnswers(port: number, contender: SessionContender, mint: Minter, distinct: readonly Record<string, string>[] = []): Promise<string[]> {
  const wrong: string[] = []
  for (const c of casesFor(contender, mint, distinct)) {
    const res = await request(`http://127.0.0.1:${port}/me`, { headers: c.headers })
    const body = await res.body.text()
    if (res.statusCode !== c.status || body !== c.body) {
      wrong.push(`${c.name}: expected ${c.status} ${JSON.stringify(c.body)}, got ${res.statusCode} ${JSON.stringify(body)}`)
    } else if (c.status === 200 && res.headers['set-cookie'] !== undefined) {
      wrong.push(`${c.name}: an unchanged session was written back (set-cookie: ${String(res.headers['set-cookie'])})`)
    }
  }
  return wrong
}
