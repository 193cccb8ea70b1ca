import { configError } from '../errors.js'

/** Values for a route pattern's parameters: `:name` segments and the `*` wildcard. */
export type PathParams = Readonly<Record<string, string | number>>

// `::` is find-my-way's escaped colon; `:name` may carry a regular expression in parentheses, as in `:id(^\d+$)`
const PARAM = /::|:([A-Za-z_$][\w$]*)(\((?:\\.|[^\\)])*\))?|\*/g

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
 * must be given and nothing else; the query string, if the pattern has one, is left as it is.
 *
 * @example fillPath('/post/:id/comments', { id: 42 }) // '/post/42/comments'
 */
export function fillPath(pattern: string, params: PathParams): string {
  if (params === null || typeof params !== 'object') configError(`params takes an object of the pattern's parameters, got ${params === null ? 'null' : typeof params}`)
  const query = pattern.indexOf('?')
  const path = query === -1 ? pattern : pattern.slice(0, query)
  const used = new Set<string>()
  const out = path.replace(PARAM, (match, name: string | undefined) => {
    if (match === '::') return ':'
    const key = name ?? '*'
    used.add(key)
    return filled(pattern, key, params[key])
  })
  for (const key of Object.keys(params)) {
    if (!used.has(key)) configError(`params.${key} is not a parameter of ${JSON.stringify(pattern)}`)
  }
  return query === -1 ? out : out + pattern.slice(query)
}
