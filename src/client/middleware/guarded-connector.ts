// The connect-time half of blockPrivateAddresses(): an undici connector that refuses internal addresses,
// whether written in the URL or answered by the resolver, before a socket is opened to them.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { isIPv6, type LookupFunction } from 'node:net'
import { buildConnector } from 'undici'
import { normalizeAddress } from '../../util/ip.js'
import { BlockedAddressError } from '../errors.js'

/**
 * Says whether an address is refused.
 * @example const refuses: RefusesAddress = (address) => address.startsWith('10.')
 */
export type RefusesAddress = (address: string) => boolean

/**
 * What a connect-time refusal names: the connection, as the connector knows nothing of the request. The
 * transport names the request that met it instead.
 */
function connection(protocol: string, host: string): { method: string; url: URL } {
  try {
    return { method: 'CONNECT', url: new URL(`${protocol}//${isIPv6(host) ? `[${host}]` : host}/`) }
  } catch {
    return { method: 'CONNECT', url: new URL(`${protocol}//unknown.invalid/`) }
  }
}

/**
 * Wraps a resolver (same signature as `dns.lookup`) so that it calls back with a {@link BlockedAddressError}
 * when ANY address it answers is refused; otherwise its answer passes on unchanged. Handles both callback
 * forms: one address (`all` unset), and the list Node's `autoSelectFamily` (on by default in Node 20) asks for
 * with `{ all: true }`.
 *
 * @example
 * const lookup = guardedLookup(isInternalAddress)
 * net.connect({ host: 'internal.example', port: 80, lookup }) // errors with BlockedAddressError if it resolves to 10.x
 */
export function guardedLookup(refuses: RefusesAddress, resolve: LookupFunction = dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, options, (error, address, family) => {
      if (error !== null) {
        callback(error, address, family)
        return
      }
      const answers = typeof address === 'string' ? [address] : address.map((answer: LookupAddress) => answer.address)
      const refused = answers.find(refuses)
      if (refused !== undefined) {
        callback(new BlockedAddressError(connection('http:', hostname), refused), options.all === true ? [] : '', family)
        return
      }
      callback(null, address, family)
    })
  }
}

/**
 * An undici connector that refuses internal addresses at connect time, so every connection is checked:
 * redirects, DNS rebinding, a URL changed after a middleware looked at it. An IP-literal host is checked
 * directly (`net.connect` does not look IP literals up); any other goes through undici's own connector with
 * a {@link guardedLookup} in front of the real resolver. A refused connection fails with
 * {@link BlockedAddressError} before any socket reaches the address.
 *
 * @example
 * const agent = new Agent({ connect: guardedConnector(isInternalAddress) })
 */
export function guardedConnector(refuses: RefusesAddress, resolve?: LookupFunction): buildConnector.connector {
  const connect = buildConnector({ lookup: guardedLookup(refuses, resolve) })
  return (options, callback) => {
    // undici hands IPv6 literals over without their brackets; normalizeAddress takes them off if another caller does not
    const literal = normalizeAddress(options.hostname)
    if (literal !== undefined && refuses(literal)) {
      const error = new BlockedAddressError(connection(options.protocol, options.host ?? literal), literal)
      queueMicrotask(() => callback(error, null))
      return
    }
    connect(options, callback)
  }
}
