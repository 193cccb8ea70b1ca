// What of a URL may be shown in log lines and error messages: the one rule the client redacts URLs by.

/** What a redacted value is replaced by. */
export const REDACTED = '[redacted]'

// query fields and headers whose values are secrets whatever the rest of the name: api_key, access_token, X-Amz-Signature, …
const SENSITIVE_PART = /token|key|secret|passw|signature|credential|auth|session|cookie/i
// short names that are secrets only when they are the whole name: an OAuth code, an Azure SAS sig
const SENSITIVE_NAME = /^(code|sig|pwd|pass|jwt|otp|pin|sid)$/i
// a scheme (optional, for a network-path reference such as //host/x) and the authority after it
const AUTHORITY = /^(?:[a-z][a-z\d+.-]*:)?\/\/([^/?#]*)/i

/**
 * Whether a query field or header name looks like it holds a secret: it contains token, key, secret, passw,
 * signature, credential, auth, session or cookie, or is exactly code, sig, pwd, pass, jwt, otp, pin or sid.
 *
 * @example
 * isSecretName('X-Api-Key') // true
 * isSecretName('page')      // false
 */
export function isSecretName(name: string): boolean {
  return SENSITIVE_PART.test(name) || SENSITIVE_NAME.test(name)
}

function decodedName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '))
  } catch {
    return raw
  }
}

/** A query string (without its `?`), the values of fields with secret-looking names redacted, the rest as written. */
function redactQuery(query: string): string {
  return query.split('&').map((field) => {
    const at = field.indexOf('=')
    return at !== -1 && isSecretName(decodedName(field.slice(0, at))) ? `${field.slice(0, at)}=${REDACTED}` : field
  }).join('&')
}

/**
 * A URL as text that is safe to log or show in an error: no user name or password, no fragment, and the
 * values of query fields whose names look secret ({@link isSecretName}) replaced by `[redacted]`. Everything
 * else is left exactly as written. Takes a `URL`, or the text of one as a header carries it, relative or not.
 * Secrets in the path cannot be told apart and are left as they are.
 *
 * @example
 * redactUrl(new URL('https://u:pw@api.example.com/x?page=2&access_token=abc#top'))
 * // 'https://api.example.com/x?page=2&access_token=[redacted]'
 * redactUrl('/next?sig=abc') // '/next?sig=[redacted]'
 */
export function redactUrl(url: URL | string): string {
  let text = typeof url === 'string' ? url : url.href
  const hash = text.indexOf('#')
  if (hash !== -1) text = text.slice(0, hash)
  const authority = AUTHORITY.exec(text)
  const userinfo = authority?.[1]?.lastIndexOf('@') ?? -1
  if (authority !== null && userinfo !== -1) {
    const start = authority[0].length - (authority[1] as string).length
    text = text.slice(0, start) + text.slice(start + userinfo + 1)
  }
  const query = text.indexOf('?')
  return query === -1 ? text : `${text.slice(0, query + 1)}${redactQuery(text.slice(query + 1))}`
}
