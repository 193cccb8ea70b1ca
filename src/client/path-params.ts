import { configError } from '../errors.js'

/** Values for a route pattern's parameters: `:name` segments and the `*` wildcard. */
export type PathParams = Readonly<Record<string, string | number>>

// `::` is find-my-way's escaped colon; `:name` may carry a regular expression in parentheses, as in
// `:id(^\d+$)`, and a `?` that makes it optional; any other `?` starts the query string
const TOKEN = /::|:([A-Za-z_$][\w$]*)(\((?:\\.|[^\\)])*\))?(\?)?|\*|\?/g

function filled(pattern: string, name: string, value: unknown): string {
  if (value === undefined) configError(`params has no "${name}", which ${JSON.stringify(pattern)} names`)
  if (typeof value !== 'string' && typeof value !== 'number') {
    configError(`params.${name} must be a string or a number, got ${value === null ? 'null' : typeof value}`)
  }
  const text = String(value)
  if (text === '') configError(`params.${name} is empty: ${JSON.stringify(pattern)} needs a value there`)
  // the wildcard takes the rest of the path: its slashes stay, each segment is encoded
  return name === '*' ? text.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(text)
}

/**
 * Fills a route pattern's path with `params`, as the server's router reads it back: each `:name` (and its
 * regular expression, if any) becomes the encoded value, `*` the rest of the path, `::` a colon. Every parameter
 * must be given and nothing else, except that an optional one (`:name?`) may be left out, and its segment with
 * it. The query string, if the pattern has one, is left as it is.
 *
 * @example fillPath('/post/:id/comments', { id: 42 }) // '/post/42/comments'
 */
export function fillPath(pattern: string, params: PathParams): string {
  if (params === null || typeof params !== 'object') configError(`params takes an object of the pattern's parameters, got ${params === null ? 'null' : typeof params}`)
  const used = new Set<string>()
  let out = ''
  let last = 0
  TOKEN.lastIndex = 0
  for (let token = TOKEN.exec(pattern); token !== null; token = TOKEN.exec(pattern)) {
    out += pattern.slice(last, token.index)
    last = TOKEN.lastIndex
    const [match, name, , optional] = token
    if (match === '?') {
      last = token.index
      break
    }
    if (match === '::') {
      out += ':'
      continue
    }
    const key = name ?? '*'
    used.add(key)
    if (optional !== undefined && params[key] === undefined) out = out.replace(/\/$/, '')
    else out += filled(pattern, key, params[key])
  }
  for (const key of Object.keys(params)) {
    if (!used.has(key)) configError(`params.${key} is not a parameter of ${JSON.stringify(pattern)}`)
  }
  return out + pattern.slice(last)
}
