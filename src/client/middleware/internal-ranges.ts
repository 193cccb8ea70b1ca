// The address ranges blockPrivateAddresses() refuses, and the check of one address against them and an allow list.
import { BlockList, isIPv4 } from 'node:net'
import { configError } from '../../errors.js'
import { addAddressEntry, normalizeAddress } from '../../util/ip.js'

/**
 * One refused range: a CIDR subnet and why nothing outside should be sent there.
 * @example const range: InternalRange = { subnet: '10.0.0.0/8', why: 'private (RFC 1918)' }
 */
export interface InternalRange {
  readonly subnet: string
  readonly why: string
}

/**
 * What {@link blockPrivateAddresses} refuses: addresses that are not on the public internet (IANA's
 * special-purpose registries, RFC 6890). IPv4-mapped `::ffff:0:0/96`, NAT64 `64:ff9b::/96` and 6to4
 * `2002::/16` are not listed: those are judged by the IPv4 address they carry.
 *
 * @example
 * for (const { subnet, why } of INTERNAL_RANGES) console.log(subnet.padEnd(18), why)
 */
export const INTERNAL_RANGES: readonly InternalRange[] = [
  { subnet: '0.0.0.0/8', why: '"this network"; 0.0.0.0 reaches the local host (RFC 1122)' },
  { subnet: '10.0.0.0/8', why: 'private (RFC 1918)' },
  { subnet: '100.64.0.0/10', why: 'carrier-grade NAT shared space, e.g. Alibaba Cloud metadata 100.100.100.200 (RFC 6598)' },
  { subnet: '127.0.0.0/8', why: 'loopback (RFC 1122)' },
  { subnet: '169.254.0.0/16', why: 'link-local, e.g. cloud metadata 169.254.169.254 and ECS 169.254.170.2 (RFC 3927)' },
  { subnet: '172.16.0.0/12', why: 'private (RFC 1918)' },
  { subnet: '192.0.0.0/24', why: 'IETF protocol assignments, e.g. Oracle Cloud metadata 192.0.0.192 (RFC 6890)' },
  { subnet: '192.0.2.0/24', why: 'documentation, TEST-NET-1 (RFC 5737)' },
  { subnet: '192.88.99.0/24', why: 'deprecated 6to4 relay anycast (RFC 7526)' },
  { subnet: '192.168.0.0/16', why: 'private (RFC 1918)' },
  { subnet: '198.18.0.0/15', why: 'benchmarking (RFC 2544)' },
  { subnet: '198.51.100.0/24', why: 'documentation, TEST-NET-2 (RFC 5737)' },
  { subnet: '203.0.113.0/24', why: 'documentation, TEST-NET-3 (RFC 5737)' },
  { subnet: '224.0.0.0/4', why: 'multicast (RFC 5771)' },
  { subnet: '240.0.0.0/4', why: 'reserved, with the broadcast address 255.255.255.255 (RFC 1112, RFC 919)' },
  { subnet: '::/128', why: 'unspecified (RFC 4291)' },
  { subnet: '::1/128', why: 'loopback (RFC 4291)' },
  { subnet: '::/96', why: 'deprecated IPv4-compatible addresses (RFC 4291)' },
  { subnet: '64:ff9b:1::/48', why: 'local-use IPv4/IPv6 translation (RFC 8215)' },
  { subnet: '100::/64', why: 'discard-only (RFC 6666)' },
  { subnet: '2001::/32', why: 'Teredo tunnelling (RFC 4380)' },
  { subnet: '2001:2::/48', why: 'benchmarking (RFC 5180)' },
  { subnet: '2001:db8::/32', why: 'documentation (RFC 3849)' },
  { subnet: '3fff::/20', why: 'documentation (RFC 9637)' },
  { subnet: 'fc00::/7', why: 'unique local, e.g. AWS metadata fd00:ec2::254 (RFC 4193)' },
  { subnet: 'fe80::/10', why: 'link-local (RFC 4291)' },
  { subnet: 'fec0::/10', why: 'deprecated site-local (RFC 3879)' },
  { subnet: 'ff00::/8', why: 'multicast (RFC 4291)' },
]

const internal = new BlockList()
for (const { subnet } of INTERNAL_RANGES) addAddressEntry(internal, subnet)

/**
 * Builds the list `allow` describes, checking each entry: an IPv4 or IPv6 address, or a CIDR subnet of one.
 * Throws a configuration error naming the first entry that is neither.
 *
 * @example
 * const allowed = allowList(['127.0.0.1', '10.20.0.0/16', 'fd00:1::/32'])
 * allowed.check('10.20.3.4', 'ipv4') // true
 */
export function allowList(allow: unknown): BlockList {
  const list = new BlockList()
  if (!Array.isArray(allow)) configError(`blockPrivateAddresses({ allow }) takes a list of addresses or CIDR subnets, got ${typeof allow}`)
  for (const entry of allow as unknown[]) {
    if (typeof entry !== 'string' || !addAddressEntry(list, entry)) {
      configError(`blockPrivateAddresses({ allow }) takes IP addresses or CIDR subnets such as '127.0.0.1', '10.1.0.0/16' or 'fd00::/8' (no brackets, no zone); got ${typeof entry === 'string' ? `'${entry}'` : typeof entry}`)
    }
  }
  return list
}

/**
 * The check blockPrivateAddresses() applies: a function that says whether an address is refused. It is
 * refused when it is in {@link INTERNAL_RANGES} and not in `allowed`, or when it is not an IP address at all.
 * Mapped, NAT64 and 6to4 IPv6 addresses are judged, for both lists, as the IPv4 address they carry.
 *
 * @example
 * const refuses = addressCheck(allowList(['127.0.0.1']))
 * refuses('10.0.0.1')        // true
 * refuses('::ffff:127.0.0.1') // false: allowed
 * refuses('93.184.215.14')   // false: public
 */
export function addressCheck(allowed: BlockList = new BlockList()): (address: string) => boolean {
  return (address) => {
    const normal = normalizeAddress(address)
    if (normal === undefined) return true
    const type = isIPv4(normal) ? 'ipv4' : 'ipv6'
    return internal.check(normal, type) && !allowed.check(normal, type)
  }
}

/**
 * Whether an address is internal: in {@link INTERNAL_RANGES} (or carries an IPv4 address that is), or not an
 * IP address. Takes URL hosts with brackets too.
 *
 * @example
 * isInternalAddress('169.254.169.254') // true
 * isInternalAddress('[::ffff:7f00:1]') // true
 * isInternalAddress('8.8.8.8')         // false
 */
export const isInternalAddress: (address: string) => boolean = addressCheck()
