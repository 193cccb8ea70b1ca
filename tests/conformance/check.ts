// Checking an answer against a case's expectation, and the normal form in which the three entry points'
// answers to the same case must be identical.
import * as assert from 'uvu/assert'
import type { Answer } from '../_helpers/entry-points.js'
import type { Expected } from './case.js'

/**
 * Headers that legitimately differ between a socket and an in-process call, left out of the comparison:
 * `date` (the clock), and the connection-level ones node:http adds for HTTP/1.1 framing and keep-alive, which
 * a web Response has no use for (`connection`, `keep-alive`, `transfer-encoding: chunked` on streamed bodies).
 */
export const CONNECTION_HEADERS: readonly string[] = ['date', 'connection', 'keep-alive', 'transfer-encoding']

/** Asserts that `answer` is what `expected` says; `where` names the entry point, case and request. */
export function expectAnswer(answer: Answer | undefined, expected: Expected, where: string): void {
  assert.ok(answer !== undefined, `${where}: no answer`)
  const got = answer as Answer
  const shown = `${got.status} ${JSON.stringify(got.headers)} set-cookie=${JSON.stringify(got.setCookie)} ${JSON.stringify(got.body.slice(0, 300))}`
  assert.is(got.status, expected.status, `${where}: status ${expected.status} expected, got ${shown}`)
  const body = expected.body
  if (typeof body === 'string') assert.is(got.body, body, `${where}: body`)
  else if (body instanceof RegExp) assert.match(got.body, body, `${where}: body should match ${String(body)}`)
  else assert.ok(body.test(got.body), `${where}: body should have ${body.describe}; got ${JSON.stringify(got.body.slice(0, 300))}`)
  for (const [name, want] of Object.entries(expected.headers ?? {})) {
    const value = got.headers[name]
    if (want === null) assert.is(value, undefined, `${where}: no ${name} header expected, got ${JSON.stringify(value)}`)
    else if (typeof want === 'string') assert.is(value, want, `${where}: header ${name}`)
    else assert.ok(value !== undefined && want.test(value), `${where}: header ${name} ${JSON.stringify(value)} should match ${String(want)}`)
  }
  const cookies = expected.setCookie ?? []
  assert.is(got.setCookie.length, cookies.length, `${where}: ${cookies.length} Set-Cookie lines expected, got ${JSON.stringify(got.setCookie)}`)
  cookies.forEach((want, i) => {
    const line = got.setCookie[i] as string
    if (typeof want === 'string') assert.is(line, want, `${where}: Set-Cookie #${i + 1}`)
    else assert.ok(want.test(line), `${where}: Set-Cookie #${i + 1} ${JSON.stringify(line)} should match ${String(want)}`)
  })
}

/**
 * The answer as it must be the same across entry points: without {@link CONNECTION_HEADERS}, with the
 * session cookie's value masked (it is freshly encrypted, with a random IV, each time) and every Expires
 * date masked except the epoch of a cleared cookie (it is now + Max-Age, which can fall on another second).
 */
export function comparable(answer: Answer, sessionCookie: string): Answer {
  const headers: Record<string, string> = {}
  for (const name of Object.keys(answer.headers).sort()) {
    if (!CONNECTION_HEADERS.includes(name)) headers[name] = answer.headers[name] as string
  }
  const setCookie = answer.setCookie.map((line) => line
    .replace(new RegExp(`^${sessionCookie}=[^;]+`), `${sessionCookie}=<encrypted>`)
    .replace(/; Expires=(?!Thu, 01 Jan 1970 00:00:00 GMT)[^;]+/i, '; Expires=<date>'))
  return { status: answer.status, headers, setCookie, body: answer.body }
}
