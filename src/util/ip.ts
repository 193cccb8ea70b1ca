// IP addresses as the range checks judge them (no URL brackets, no zone, IPv6 in URL's canonical spelling, an
// IPv4 address carried inside an IPv6 one taken out of it), and lists of addresses and subnets to check them against.
import { BlockList, isIPv4, isIPv6 } from 'node:net'

/** An IPv6 prefix whose addresses carry an IPv4 address, and the 16-bit group where those 32 bits start. */
interface Carrier {
  readonly prefix: BlockList
  readonly group: number
}

function carrier(net: string, bits: number, group: number): Carrier {
  const prefix = new BlockList()
  prefix.addSubnet(net, bits, 'ipv6')
  return { prefix, group }
}

// ::ffff:a.b.c.d is the IPv4 host itself on a dual-stack socket; 64:ff9b::a.b.c.d is what a NAT64 gateway
// connects to (RFC 6052); 2002:aabb:ccdd::/48 is 6to4 (RFC 3056), its IPv4 in bits 16 to 47.
const CARRIERS: readonly Carrier[] = [
  carrier('::ffff:0:0', 96, 6),
  carrier('64:ff9b::', 96, 6),
  carrier('2002::', 16, 1),
]

/** The eight 16-bit groups of an IPv6 address in URL's canonical form (lower case, hex only, at most one `::`). */
function groupsOf(canonical: string): number[] {
  const [head = '', tail] = canonical.split('::')
  const left = head === '' ? [] : head.split(':')
  const right = tail === undefined || tail === '' ? [] : tail.split(':')
  const zeros = tail === undefined ? [] : new Array<string>(8 - left.length - right.length).fill('0')
  return [...left, ...zeros, ...right].map((group) => Number.parseInt(group, 16))
}

function ipv4At(groups: readonly number[], at: number): string {
  const high = groups[at] ?? 0
  const low = groups[at + 1] ?? 0
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`
}

/**
 * The address as the range check judges it, or `undefined` when it is not an IP address. Takes a host as
 * `URL` gives it (`[::1]`, brackets and all) or as a resolver answers (`fe80::1%eth0`, with a zone). IPv6
 * comes back in canonical form; an IPv4-mapped (`::ffff:127.0.0.1`, `::ffff:7f00:1`), NAT64
 * (`64:ff9b::7f00:1`) or 6to4 (`2002:7f00:1::`) address comes back as the IPv4 address it carries.
 *
 * @example
 * normalizeAddress('[::ffff:7f00:1]') // '127.0.0.1'
 * normalizeAddress('FE80::1%eth0')    // 'fe80::1'
 * normalizeAddress('example.com')     // undefined
 */
export function normalizeAddress(host: string): string | undefined {
  let address = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
  if (isIPv4(address)) return address
  // a zone (fe80::1%eth0) names the interface, not the address; BlockList and URL both reject it
  const zone = address.indexOf('%')
  if (zone !== -1) address = address.slice(0, zone)
  if (!isIPv6(address)) return undefined
  let canonical: string
  try {
    canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1)
  } catch {
    return undefined
  }
  for (const { prefix, group } of CARRIERS) {
    if (prefix.check(canonical, 'ipv6')) return ipv4At(groupsOf(canonical), group)
  }
  return canonical
}

/** Adds an address or CIDR subnet to a list; false when the entry is neither (a zone, brackets or a bad prefix included). */
export function addAddressEntry(list: BlockList, entry: string): boolean {
  const slash = entry.indexOf('/')
  const address = slash === -1 ? entry : entry.slice(0, slash)
  if (address.includes('%')) return false
  const type = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined
  if (type === undefined) return false
  if (slash === -1) {
    list.addAddress(address, type)
    return true
  }
  const bits = entry.slice(slash + 1)
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > (type === 'ipv4' ? 32 : 128)) return false
  list.addSubnet(address, Number(bits), type)
  return true
}

/**
 * Whether an address is in a list, judged as {@link normalizeAddress} gives it (so `::ffff:10.0.0.1` counts
 * as `10.0.0.1`); false for what is not an IP address.
 * @example inAddressList(list, '[::ffff:7f00:1]')
 */
export function inAddressList(list: BlockList, address: string): boolean {
  const normal = normalizeAddress(address)
  return normal !== undefined && list.check(normal, isIPv4(normal) ? 'ipv4' : 'ipv6')
}
