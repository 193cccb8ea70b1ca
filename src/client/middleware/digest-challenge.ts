// Reads the challenges of WWW-Authenticate headers (RFC 9110 §11.6.1) and the parameters of Authentication-Info
// (RFC 7616 §3.5). Lenient with what servers send in practice; never throws.

/**
 * One challenge of a WWW-Authenticate header: its scheme and its parameters, or its token68.
 *
 * @example
 * const [challenge] = parseChallenges('Digest realm="api", nonce="abc"')
 * challenge.scheme // 'digest'; challenge.params.realm // 'api'
 */
export interface AuthChallenge {
  /** The scheme in lower case: `digest`, `basic`, `bearer`. */
  readonly scheme: string
  /** Parameters by lower-case name, quoted strings unescaped. Of a name given twice, the first counts. */
  readonly params: Readonly<Record<string, string>>
  /** The token68 some schemes carry instead of parameters (`Negotiate YII=`). */
  readonly token68: string | undefined
}

interface Building {
  scheme: string
  params: Record<string, string>
  token68: string | undefined
}

const TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]+/y
const TOKEN68 = /[A-Za-z0-9._~+/-]+=*/y
// an unquoted value: a token by the grammar, but servers send paths and the like unquoted, so anything up to a separator
const BARE_VALUE = /[^\s,"]+/y

function match(pattern: RegExp, text: string, at: number): string | undefined {
  pattern.lastIndex = at
  return pattern.exec(text)?.[0]
}

function skipSpace(text: string, at: number): number {
  while (text[at] === ' ' || text[at] === '\t') at++
  return at
}

/** Skips a malformed list item: to the next comma outside a quoted string. */
function skipItem(text: string, at: number): number {
  let quoted = false
  for (; at < text.length; at++) {
    const c = text[at]
    if (quoted && c === '\\') at++
    else if (c === '"') quoted = !quoted
    else if (c === ',' && !quoted) return at
  }
  return at
}

/** A quoted-string's content, quoted-pairs unescaped, and where it ends; `undefined` when it is not closed. */
function quotedString(text: string, at: number): { value: string; end: number } | undefined {
  let value = ''
  for (let i = at + 1; i < text.length; i++) {
    const c = text[i] as string
    if (c === '"') return { value, end: i + 1 }
    if (c === '\\') {
      i++
      if (i >= text.length) return undefined
      value += text[i]
    } else {
      value += c
    }
  }
  return undefined
}

/**
 * Reads one header value into `out`. Parameters before any scheme go to `head` when given (Authentication-Info
 * is parameters alone) and are dropped otherwise.
 */
function readInto(text: string, head: Building | undefined, out: Building[]): void {
  let current = head
  let at = 0
  while (at < text.length) {
    while (at < text.length && (text[at] === ',' || text[at] === ' ' || text[at] === '\t')) at++
    if (at >= text.length) return
    const name = match(TOKEN, text, at)
    if (name === undefined) {
      at = skipItem(text, at)
      continue
    }
    let after = skipSpace(text, at + name.length)
    if (text[after] === '=') {
      // name=value: a parameter of the current challenge
      const start = skipSpace(text, after + 1)
      let value: string | undefined
      if (text[start] === '"') {
        const quoted = quotedString(text, start)
        if (quoted === undefined) return // unclosed: the rest of the header is inside it
        value = quoted.value
        at = quoted.end
      } else {
        value = match(BARE_VALUE, text, start)
        at = value === undefined ? skipItem(text, start) : start + value.length
      }
      const key = name.toLowerCase()
      if (current !== undefined && value !== undefined && !Object.hasOwn(current.params, key)) current.params[key] = value
      continue
    }
    // a bare token: a new challenge's scheme, maybe followed by a token68
    current = { scheme: name.toLowerCase(), params: Object.create(null) as Record<string, string>, token68: undefined }
    out.push(current)
    const token68 = after > at + name.length ? match(TOKEN68, text, after) : undefined
    if (token68 !== undefined) {
      const end = skipSpace(text, after + token68.length)
      if (end >= text.length || text[end] === ',') {
        current.token68 = token68
        current = undefined // no parameters after a token68
        after = end
      }
    }
    at = after
  }
}

/**
 * The challenges in WWW-Authenticate header values: several challenges in one header, several headers, or
 * both. Schemes and parameter names are lower-cased; quoted strings are unescaped; malformed parts are
 * skipped rather than thrown over.
 *
 * @example
 * parseChallenges('Basic realm="x", Digest realm="a \\"b\\"", nonce=abc, qop="auth,auth-int"')
 * // [{ scheme: 'basic', params: { realm: 'x' } }, { scheme: 'digest', params: { realm: 'a "b"', nonce: 'abc', qop: 'auth,auth-int' } }]
 */
export function parseChallenges(header: string | readonly string[] | undefined): AuthChallenge[] {
  const out: Building[] = []
  if (header === undefined) return out
  for (const value of typeof header === 'string' ? [header] : header) readInto(value, undefined, out)
  return out
}

/**
 * The parameters of a header that is a list of them alone, as Authentication-Info is (RFC 7616 §3.5).
 *
 * @example
 * parseAuthParams('nextnonce="n2", qop=auth, rspauth="d3b0…"').nextnonce // 'n2'
 */
export function parseAuthParams(header: string | readonly string[] | undefined): Readonly<Record<string, string>> {
  const head: Building = { scheme: '', params: Object.create(null) as Record<string, string>, token68: undefined }
  if (header === undefined) return head.params
  for (const value of typeof header === 'string' ? [header] : header) readInto(value, head, [])
  return head.params
}
