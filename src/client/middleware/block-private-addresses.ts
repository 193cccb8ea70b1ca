import type { LookupFunction } from 'node:net'
import { Agent } from 'undici'
import { configError } from '../../errors.js'
import { normalizeAddress } from '../../util/ip.js'
import { BlockedAddressError } from '../errors.js'
import type { ClientMiddleware } from '../middleware.js'
import { guardedConnector } from './guarded-connector.js'
import { addressCheck, allowList } from './internal-ranges.js'

/**
 * Options for {@link blockPrivateAddresses}.
 * @example const options: BlockPrivateAddressesOptions = { allow: ['10.20.0.0/16'], lookup: dns.lookup }
 */
export interface BlockPrivateAddressesOptions {
  /**
   * Addresses and CIDR subnets let through though internal, such as `['127.0.0.1']` in tests or
   * `['10.20.0.0/16']` for a known service. The mapped, NAT64 and 6to4 IPv6 forms of an allowed IPv4
   * address are allowed too. @default none
   */
  allow?: readonly string[]
  /**
   * The resolver, with the signature of `dns.lookup` (both its one-address and its `{ all: true }` forms).
   * Every address it answers is checked before a connection is made. @default dns.lookup
   */
  lookup?: LookupFunction
}

/**
 * The middleware {@link blockPrivateAddresses} makes: a client middleware that can close its connection pool.
 * @example
 * const guard: BlockPrivateAddresses = blockPrivateAddresses()
 * const client = createClient({ middlewares: [guard] })
 * // at shutdown
 * await client.close()
 * await guard.close()
 */
export interface BlockPrivateAddresses extends ClientMiddleware {
  /** Closes the middleware's connection pool once requests in flight are done; a later request opens a new one. */
  close(): Promise<void>
}

const OPTIONS = new Set(['allow', 'lookup'])

function checkOptions(options: unknown): BlockPrivateAddressesOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) configError('blockPrivateAddresses() takes an options object { allow?, lookup? }, or nothing')
  const unknown = Object.keys(options).find((key) => !OPTIONS.has(key))
  if (unknown !== undefined) configError(`blockPrivateAddresses() has no option "${unknown}"; it takes allow and lookup`)
  const { lookup } = options as BlockPrivateAddressesOptions
  if (lookup !== undefined && typeof lookup !== 'function') configError('blockPrivateAddresses({ lookup }) takes a function with the signature of dns.lookup')
  return options as BlockPrivateAddressesOptions
}

/**
 * SSRF protection: refuses requests to loopback, private, link-local (cloud metadata), CGNAT, multicast,
 * unspecified, unique-local, reserved, benchmarking and documentation addresses (the list is
 * `INTERNAL_RANGES`). IPv4-mapped, NAT64 and 6to4 IPv6 addresses are judged by the IPv4 address they carry.
 *
 * The check is made on the address actually connected to: the middleware sends the request through an undici
 * `Agent` of its own (created at the first request) whose connector refuses an internal IP-literal host, and
 * resolves any other host through a guarded `lookup` that refuses it if ANY address it resolves to is
 * internal. So redirects into the internal network and DNS rebinding are refused too, on every hop and every
 * new connection. An IP-literal URL is also refused up front. A refused request fails with
 * `BlockedAddressError` (code `ERR_ROUTECHAIN_CLIENT_BLOCKED_ADDRESS`, the refused address in `address`)
 * and never connects.
 *
 * It sets `req.dispatcher`, replacing any an outer middleware or the client's `dispatcher` option gave; a
 * middleware after it that sets another dispatcher takes the protection away.
 *
 * @example
 * const client = createClient({ middlewares: [blockPrivateAddresses()] })
 * await client.get(userGivenUrl) // BlockedAddressError for http://169.254.169.254/, http://[::1]/, a name resolving to 10.0.0.1…
 *
 * @example
 * // tests, or a known internal service
 * blockPrivateAddresses({ allow: ['127.0.0.1', '10.20.0.0/16'] })
 */
export function blockPrivateAddresses(options: BlockPrivateAddressesOptions = {}): BlockPrivateAddresses {
  const { allow = [], lookup } = checkOptions(options)
  const refuses = addressCheck(allowList(allow))
  let agent: Agent | undefined
  const middleware: ClientMiddleware = async (req, next) => {
    // an IP literal is refused at once, named as it is judged (a mapped or NAT64 IPv6 address as its IPv4 one)
    const literal = normalizeAddress(req.url.hostname)
    if (literal !== undefined && refuses(literal)) throw new BlockedAddressError(req, literal)
    agent ??= new Agent({ connect: guardedConnector(refuses, lookup) })
    return next({ ...req, dispatcher: agent })
  }
  return Object.assign(middleware, {
    async close(): Promise<void> {
      const closing = agent
      agent = undefined
      await closing?.close()
    },
  })
}
