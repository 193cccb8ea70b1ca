// Checks every request passes before routing, for what node's parser lets through.

/**
 * Whether a request names its host twice, which RFC 9112 says must get 400: node keeps the first and drops the
 * rest, so a proxy that read the other one would route the request elsewhere than the app believes.
 */
export function repeatsHost(rawHeaders: string[]): boolean {
  // hot path: runs on every request, so compare lengths before any lower-casing
  let seen = false
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string
    if (name.length === 4 && (name === 'Host' || name === 'host' || name.toLowerCase() === 'host')) {
      if (seen) return true
      seen = true
    }
  }
  return false
}
