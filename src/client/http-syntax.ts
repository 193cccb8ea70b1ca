// What may stand in a request's method and header lines (RFC 9110 §5.1, §5.5), checked before undici sees them,
// so a bad value is a configuration error naming the field rather than undici's UND_ERR_INVALID_ARG.

// tchar: the characters of a token, such as a method or a header name
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
// field-vchar, space and tab; no CR, LF, NUL or other control character (undici refuses the same)
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/

/**
 * Whether `text` is an HTTP token, as a method or a header name must be.
 *
 * @example
 * isToken('x-request-id') // true
 * isToken('x request')    // false
 */
export function isToken(text: string): boolean {
  return TOKEN.test(text)
}

/**
 * Whether `text` may be sent as a header value: no CR, LF, NUL or other control character but tab, and no
 * character beyond U+00FF.
 *
 * @example
 * isFieldValue('Bearer abc')        // true
 * isFieldValue('a\r\nx-evil: 1')    // false
 */
export function isFieldValue(text: string): boolean {
  return FIELD_VALUE.test(text)
}
