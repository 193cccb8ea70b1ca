import { configError } from '../errors.js'

/** Cookie attributes for the session cookie. */
export interface CookieOptions {
  /** The cookie's name. @default 'session' (aiohttp_session's default is 'AIOHTTP_SESSION') */
  name?: string
  /** @default '/' */
  path?: string
  /** @default none: the cookie goes back to this host only */
  domain?: string
  /**
   * `Secure`: `'auto'` sets it when the request came over TLS, or over HTTPS to a proxy the app trusts
   * (`createApp({ trustProxy })`). @default 'auto'
   */
  secure?: boolean | 'auto'
  /** `HttpOnly`: scripts in the page cannot read the cookie. @default true */
  httpOnly?: boolean
  /** `SameSite`. @default 'lax' */
  sameSite?: 'lax' | 'strict' | 'none'
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const ATTRIBUTE = /^[\x21-\x3a\x3c-\x7e]*$/ // no controls, spaces or ';'

/** Checks cookie options at start-up and fills in the defaults. */
export function resolveCookie(options: CookieOptions = {}): Required<Omit<CookieOptions, 'domain'>> & { domain: string | undefined } {
  const { name = 'session', path = '/', domain, secure = 'auto', httpOnly = true, sameSite = 'lax' } = options
  if (!TOKEN.test(name)) configError(`session cookie name ${JSON.stringify(name)} is not a valid cookie name (letters, digits and !#$%&'*+-.^_\`|~)`)
  if (!path.startsWith('/') || !ATTRIBUTE.test(path)) configError(`session cookie path must start with '/' and hold no spaces or ';', got ${JSON.stringify(path)}`)
  if (domain !== undefined && (domain === '' || !ATTRIBUTE.test(domain))) configError(`session cookie domain ${JSON.stringify(domain)} is not valid`)
  if (!['lax', 'strict', 'none'].includes(sameSite)) configError(`session cookie sameSite must be 'lax', 'strict' or 'none', got ${String(sameSite)}`)
  if (sameSite === 'none' && secure !== true) configError("sameSite 'none' needs secure: true (browsers drop SameSite=None cookies without Secure)")
  return { name, path, domain, secure, httpOnly, sameSite }
}

// Python's http.cookies quotes values with characters outside its legal set and escapes some inside
// the quotes: \" and \\ as such, others (',' ';' controls) as a backslash and three octal digits.
/** Reads a value Python may have quoted: strips the quotes and undoes its escapes; others pass unchanged. */
export function unquote(value: string): string {
  if (value.length < 2 || value[0] !== '"' || value[value.length - 1] !== '"') return value
  const inner = value.slice(1, -1)
  if (!inner.includes('\\')) return inner
  return inner.replace(/\\([0-3][0-7]{2}|.)/g, (_, escaped: string) =>
    escaped.length === 3 ? String.fromCharCode(parseInt(escaped, 8)) : escaped)
}

/** Finds a cookie's raw value in a Cookie header, reading Python-quoted values; the first wins. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined
  let start = 0
  while (start < header.length) {
    let end = header.indexOf(';', start)
    if (end === -1) end = header.length
    const eq = header.indexOf('=', start)
    if (eq !== -1 && eq < end && header.slice(start, eq).trim() === name) {
      return unquote(header.slice(eq + 1, end).trim())
    }
    start = end + 1
  }
  return undefined
}

/** Quotes a value the way Python's http.cookies does when it holds characters a cookie value cannot. */
export function quoteLikePython(value: string): string {
  if (/^[\w!#$%&'*+\-.^`|~:]*$/.test(value)) return value
  const escaped = value.replace(/[\\"]|[^\x20-\x7e]|[,;]/g, (c) =>
    c === '\\' || c === '"' ? `\\${c}` : `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`)
  return `"${escaped}"`
}

/** The attributes a Set-Cookie header gets, resolved for one response. */
export interface SetCookieAttributes {
  readonly path: string
  readonly domain: string | undefined
  readonly secure: boolean
  readonly httpOnly: boolean
  readonly sameSite: 'lax' | 'strict' | 'none'
  /** Seconds; 0 deletes the cookie; undefined makes it a browser-session cookie. */
  readonly maxAge: number | undefined
}

const SAME_SITE = { lax: 'Lax', strict: 'Strict', none: 'None' } as const

/** Builds a Set-Cookie header value. The value is written as given: storages produce cookie-safe values. */
export function serializeCookie(name: string, value: string, attrs: SetCookieAttributes, nowMs: number): string {
  let header = `${name}=${value}; Path=${attrs.path}`
  if (attrs.domain !== undefined) header += `; Domain=${attrs.domain}`
  if (attrs.maxAge !== undefined) {
    header += `; Max-Age=${attrs.maxAge}; Expires=${new Date(attrs.maxAge === 0 ? 0 : nowMs + attrs.maxAge * 1000).toUTCString()}`
  }
  if (attrs.httpOnly) header += '; HttpOnly'
  if (attrs.secure) header += '; Secure'
  header += `; SameSite=${SAME_SITE[attrs.sameSite]}`
  return header
}
