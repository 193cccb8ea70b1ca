import { BlockList } from 'node:net'
import { configError } from '../errors.js'
import { addAddressEntry, inAddressList, normalizeAddress } from '../util/ip.js'

/**
 * Which proxies may speak for the client through `X-Forwarded-For` and `X-Forwarded-Proto`:
 * - `true`: the peer is a proxy (one hop): the client is the last address it added;
 * - a number: that many proxies in a row, the peer first;
 * - a list: the proxies' addresses and subnets (`['10.0.0.0/8']`), wherever they stand in the chain.
 * Addresses a client wrote into the header itself are never believed: the walk stops at the first hop that
 * is not a trusted proxy.
 */
export type TrustProxy = boolean | number | readonly string[]

/** Decides whether the address at a hop (0: the peer, 1: the last address in X-Forwarded-For, …) is a trusted proxy. */
export type TrustsHop = (address: string, hop: number) => boolean

/** Checks the `trustProxy` option at start-up; `undefined` when no proxy is trusted. */
export function resolveTrustProxy(option: TrustProxy | undefined): TrustsHop | undefined {
  if (option === undefined || option === false) return undefined
  if (option === true) return (_address, hop) => hop === 0
  if (typeof option === 'number') {
    if (!Number.isInteger(option) || option < 0) configError(`trustProxy as a number counts proxies in front of the app (1, 2, …), got ${option}`)
    return option === 0 ? undefined : (_address, hop) => hop < option
  }
  if (!Array.isArray(option)) configError('trustProxy takes true, a number of proxies, or a list of proxy addresses and subnets such as ["10.0.0.0/8"]')
  if (option.length === 0) return undefined
  const trusted = new BlockList()
  for (const entry of option) {
    if (typeof entry !== 'string' || !addAddressEntry(trusted, entry)) {
      configError(`trustProxy: ${JSON.stringify(entry)} is not an IP address or subnet (e.g. "10.0.0.1" or "10.0.0.0/8")`)
    }
  }
  return (address) => inAddressList(trusted, address)
}

/** An X-Forwarded-For entry as an address: some proxies add a port (`1.2.3.4:5555`, `[::1]:80`). */
function forwardedAddress(entry: string): string {
  const trimmed = entry.trim()
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(trimmed)
  if (v4WithPort !== null) return v4WithPort[1] as string
  const v6WithPort = /^\[([^\]]+)\]:\d+$/.exec(trimmed)
  return normalizeAddress(v6WithPort === null ? trimmed : v6WithPort[1] as string) ?? trimmed
}

/**
 * The client's address: walking from the peer back through `X-Forwarded-For`, the first hop that is not a
 * trusted proxy. An entry that is not an address is returned as it stands, never the proxy before it.
 */
export function clientAddress(peer: string, forwardedFor: string | undefined, trusts: TrustsHop): string {
  if (forwardedFor === undefined || !trusts(peer, 0)) return peer
  const hops = forwardedFor.split(',')
  let address = peer
  for (let i = hops.length - 1, hop = 1; i >= 0; i--, hop++) {
    address = forwardedAddress(hops[i] as string)
    if (normalizeAddress(address) === undefined || !trusts(address, hop)) return address
  }
  return address
}

/** The protocol the nearest proxy saw: the last `X-Forwarded-Proto` value, when it is http or https. */
export function forwardedProto(header: string | string[] | undefined): 'http' | 'https' | undefined {
  const value = Array.isArray(header) ? header.join(',') : header
  if (value === undefined) return undefined
  const last = value.slice(value.lastIndexOf(',') + 1).trim().toLowerCase()
  return last === 'https' || last === 'http' ? last : undefined
}
