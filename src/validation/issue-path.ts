import type { StandardSchemaV1 } from '@standard-schema/spec'

/** An issue's path as a JSON pointer (RFC 6901): `['tags', 0]` is `/tags/0`; no path is `''`, the whole part. */
export function jsonPointer(path: StandardSchemaV1.Issue['path']): string {
  if (path === undefined || path.length === 0) return ''
  let pointer = ''
  for (const segment of path) {
    // a segment is a key, or an object holding one (valibot's)
    const key = typeof segment === 'object' && segment !== null ? segment.key : segment
    pointer += `/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`
  }
  return pointer
}
