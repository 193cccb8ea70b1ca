/** The media type of a Content-Type header, lower case, without parameters; '' when absent. */
export function mediaType(contentType: string | undefined): string {
  if (contentType === undefined) return ''
  const semicolon = contentType.indexOf(';')
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase()
}

/** Whether a media type is JSON (`application/json` or any `+json` suffix type). */
export function isJsonType(type: string): boolean {
  return type === 'application/json' || type.endsWith('+json')
}
