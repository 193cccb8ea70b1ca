// Exact text through UTF-8: strict decoding, and the check that a string can be encoded without loss.

// fatal: malformed bytes throw rather than become U+FFFD; ignoreBOM: a leading U+FEFF is text, kept as it was
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
// a high surrogate not followed by a low one, or a low one not preceded by a high one (code units: no `u` flag)
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/**
 * The text that well-formed UTF-8 bytes encode, exactly: a leading byte order mark is kept as U+FEFF. Returns
 * `undefined` when the bytes are not well-formed UTF-8.
 *
 * @example
 * const text = decodeUtf8Strict(opened)
 * if (text === undefined) throw new HttpError(400, 'not UTF-8 text')
 */
export function decodeUtf8Strict(bytes: Uint8Array): string | undefined {
  try {
    return STRICT_UTF8.decode(bytes)
  } catch {
    return undefined
  }
}

/**
 * Whether a string is well-formed UTF-16 (no lone surrogate), so that encoding it as UTF-8 and decoding it
 * again gives it back; `String.prototype.isWellFormed` where the lib has it.
 *
 * @example
 * if (!isWellFormedText(value)) throw new TypeError('the value has a lone surrogate')
 */
export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text)
}
