// What every middleware contender serves (#16): GET /secure behind helmet's headers (or a framework's own
// equivalent), and POST /upload reading a multipart form of one field and one 64 KiB file, answering the
// field and the file's size. Each is checked before anything is timed.

/** The report's names for the two measures. */
export const SECURE_ROUTE = "GET /secure (helmet's security headers)"
export const UPLOAD_ROUTE = 'POST /upload (multipart: a field and a 64 KiB file; 16 connections)'

export const BOUNDARY = '----routechain-bench-7MA4YWxk'
export const UPLOAD_TYPE = `multipart/form-data; boundary=${BOUNDARY}`
export const FILE_SIZE = 64 * 1024

/** The upload every timed request sends (ASCII, so the load tool can send it as text). */
export const UPLOAD_BODY = [
  `--${BOUNDARY}`, 'Content-Disposition: form-data; name="title"', '', 'bench',
  `--${BOUNDARY}`, 'Content-Disposition: form-data; name="file"; filename="data.bin"', 'Content-Type: application/octet-stream', '',
  'x'.repeat(FILE_SIZE),
  `--${BOUNDARY}--`, '',
].join('\r\n')

/** The answer to the upload. */
export const UPLOAD_ANSWER = JSON.stringify({ title: 'bench', bytes: FILE_SIZE })

/** Helmet 8's default headers, as raw node:http sets them by hand. */
export const HELMET_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' https: 'unsafe-inline';upgrade-insecure-requests",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
}
