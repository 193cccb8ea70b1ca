// find-my-way's path syntax to an OpenAPI path template: `/users/:userId/files/:name(^\\d+).png` becomes
// `/users/{userId}/files/{name}.png`, `*` becomes `{*}`, and `::` is a literal colon.

/** A route path as OpenAPI writes it, with the names of its path parameters in order. */
export interface PathTemplate {
  readonly template: string
  readonly params: readonly string[]
}

const NAME_END = /[/\-.(:?]/

/** Converts a route path to an OpenAPI path template; an optional param (`:id?`) is written as required. */
export function pathTemplate(path: string): PathTemplate {
  const params: string[] = []
  let template = ''
  for (let i = 0; i < path.length; i++) {
    const c = path[i] as string
    if (c === ':' && path[i + 1] === ':') {
      template += ':'
      i++
    } else if (c === ':') {
      let end = i + 1
      while (end < path.length && !NAME_END.test(path[end] as string)) end++
      const name = path.slice(i + 1, end)
      params.push(name)
      template += `{${name}}`
      if (path[end] === '(') end = closingParen(path, end) + 1
      if (path[end] === '?') end++
      i = end - 1
    } else if (c === '*') {
      params.push('*')
      template += '{*}'
    } else {
      template += c
    }
  }
  return { template, params }
}

/** The index of the `)` that closes the `(` at `open`, counting nested parentheses and skipping escapes. */
function closingParen(path: string, open: number): number {
  let depth = 0
  for (let i = open; i < path.length; i++) {
    const c = path[i]
    if (c === '\\') i++
    else if (c === '(') depth++
    else if (c === ')' && --depth === 0) return i
  }
  return path.length - 1
}
