import { BlockList, isIP } from 'node:net'
import { configError } from './errors.js'

/**
 * Which peers may speak for the client through `X-Forwarded-Proto` and `X-Forwarded-For`: `true` for any
 * (only when nothing but the proxy can reach the app), or proxy addresses and subnets such as
 * `['127.0.0.1', '10.0.0.0/8', '::1']`.
 */
export type TrustProxy = boolean | readonly string[]

/** Decides whether an address is a trusted proxy. */
export type TrustsAddress = (address: string) => boolean

/** Checks the `trustProxy` option at start-up; `undefined` when no proxy is trusted. */
export function resolveTrustProxy(option: TrustProxy | undefined): TrustsAddress | undefined {
  if (option === undefined || option === false) return undefined
  if (option === true) return () => true
  if (!Array.isArray(option)) configError('trustProxy takes true, false, or a list of proxy addresses and subnets such as ["10.0.0.0/8"]')
  if (option.length === 0) return undefined
  const trusted = new BlockList()
  for (const entry of option) {
    const [address = '', bits, extra] = String(entry).split('/')
    const family = isIP(address)
    const prefix = bits === undefined ? undefined : Number(bits)
    const maxBits = family === 6 ? 128 : 32
    if (family === 0 || extra !== undefined || (prefix !== undefined && (!Number.isInteger(prefix) || prefix < 0 || prefix > maxBits))) {
      configError(`trustProxy: "${String(entry)}" is not an IP address or subnet (e.g. "10.0.0.1" or "10.0.0.0/8")`)
    }
    const type = family === 6 ? 'ipv6' : 'ipv4'
    if (prefix === undefined) trusted.addAddress(address, type)
    else trusted.addSubnet(address, prefix, type)
  }
  return (address) => {
    const plain = unmapped(address)
    const family = isIP(plain)
    return family !== 0 && trusted.check(plain, family === 6 ? 'ipv6' : 'ipv4')
  }
}

/** An IPv4 address as itself, also when a dual-stack socket reports it as `::ffff:a.b.c.d`. */
function unmapped(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address
}

/**
 * The client's address: walking `X-Forwarded-For` from the nearest hop, the first address that is not a
 * trusted proxy. A client can write anything into the header, so only hops added by trusted proxies count.
 */
export function clientAddress(peer: string, forwardedFor: string | undefined, trusts: TrustsAddress): string {
  if (forwardedFor === undefined || !trusts(peer)) return peer
  const hops = forwardedFor.split(',')
  let address = peer
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = (hops[i] as string).trim()
    if (isIP(unmapped(hop)) === 0) return address
    address = hop
    if (!trusts(hop)) return hop
  }
  return address
}

/** The protocol a trusted proxy says the client used: the first `X-Forwarded-Proto` value, when it is http or https. */
export function forwardedProto(header: string | string[] | undefined): 'http' | 'https' | undefined {
  const value = Array.isArray(header) ? header[0] : header
  if (value === undefined) return undefined
  const comma = value.indexOf(',')
  const first = (comma === -1 ? value : value.slice(0, comma)).trim().toLowerCase()
  return first === 'https' || first === 'http' ? first : undefined
}
