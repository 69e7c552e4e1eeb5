import { isIPv4, isIPv6 } from 'node:net';

/**
 * Which addresses a push may reach. Agencies' endpoints are public services, so anything that could
 * land inside our own network (loopback, private, link-local and cloud metadata, carrier-grade NAT,
 * multicast, reserved, documentation) is refused, including IPv6 forms that embed such an IPv4 address.
 */
type Range4 = [base: string, prefix: number, label: string];

const BLOCKED_V4: Range4[] = [
  ['0.0.0.0', 8, '"this network" address'],
  ['10.0.0.0', 8, 'private address'],
  ['100.64.0.0', 10, 'shared (carrier-grade NAT) address'],
  ['127.0.0.0', 8, 'loopback address'],
  ['169.254.0.0', 16, 'link-local address (cloud metadata)'],
  ['172.16.0.0', 12, 'private address'],
  ['192.0.0.0', 24, 'IETF protocol address'],
  ['192.0.2.0', 24, 'documentation address'],
  ['192.88.99.0', 24, '6to4 relay address'],
  ['192.168.0.0', 16, 'private address'],
  ['198.18.0.0', 15, 'benchmarking address'],
  ['198.51.100.0', 24, 'documentation address'],
  ['203.0.113.0', 24, 'documentation address'],
  ['224.0.0.0', 4, 'multicast address'],
  ['240.0.0.0', 4, 'reserved address'],
];

const V4_TABLE = BLOCKED_V4.map(([base, prefix, label]) => ({ base: v4ToInt(base), mask: maskOf(prefix), label }));

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

function v4ToInt(address: string): number {
  return address.split('.').reduce((n, part) => ((n << 8) | Number(part)) >>> 0, 0);
}

/** The 16 bytes of an IPv6 address (zone id dropped), or null when it is not one. */
export function parseIpv6(text: string): number[] | null {
  const address = text.split('%')[0];
  if (!isIPv6(address)) return null;
  let groups = address;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (dotted) {
    const n = v4ToInt(dotted[1]);
    groups = address.slice(0, -dotted[1].length) + `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = groups.split('::');
  const split = (s: string | undefined) => (s ? s.split(':') : []);
  const h = split(head);
  const t = split(tail);
  const zeros = tail === undefined ? [] : new Array<string>(8 - h.length - t.length).fill('0');
  const words = [...h, ...zeros, ...t].map((w) => parseInt(w, 16));
  return words.flatMap((w) => [w >> 8, w & 0xff]);
}

function v4FromBytes(bytes: number[]): string {
  return bytes.join('.');
}

function startsWith(bytes: number[], prefix: number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

function inV6(bytes: number[], base: number[], prefixBits: number): boolean {
  for (let bit = 0; bit < prefixBits; bit += 8) {
    const take = Math.min(8, prefixBits - bit);
    const mask = (0xff << (8 - take)) & 0xff;
    if ((bytes[bit / 8] & mask) !== ((base[bit / 8] ?? 0) & mask)) return false;
  }
  return true;
}

function blockedV6(bytes: number[]): string | null {
  const embedded = (v4: number[], form: string) => {
    const why = blockedReason(v4FromBytes(v4));
    return why ? `${form} ${why}` : null;
  };
  if (startsWith(bytes, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff])) return embedded(bytes.slice(12), 'IPv4-mapped');
  if (startsWith(bytes, [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0])) return embedded(bytes.slice(12), 'NAT64');
  if (startsWith(bytes, [0x20, 0x02])) return embedded(bytes.slice(2, 6), '6to4');
  if (bytes.every((b) => b === 0)) return 'unspecified address';
  if (bytes.slice(0, 15).every((b) => b === 0) && bytes[15] === 1) return 'loopback address';
  if (inV6(bytes, [0xfc], 7)) return 'unique local (private) address';
  if (inV6(bytes, [0xfe, 0x80], 10)) return 'link-local address';
  if (inV6(bytes, [0xff], 8)) return 'multicast address';
  // Global unicast is 2000::/3; everything else is reserved or special-purpose.
  if (!inV6(bytes, [0x20], 3)) return 'reserved address';
  if (inV6(bytes, [0x20, 0x01, 0x0d, 0xb8], 32) || inV6(bytes, [0x3f, 0xff], 20)) return 'documentation address';
  // Includes Teredo (2001::/32), which tunnels to an arbitrary IPv4 address.
  if (inV6(bytes, [0x20, 0x01], 23)) return 'IETF protocol address';
  return null;
}

/** Why a push must not go to this address, or null when it is public. Anything unparseable is refused. */
export function blockedReason(address: string): string | null {
  if (isIPv4(address)) {
    const n = v4ToInt(address);
    return V4_TABLE.find((r) => ((n & r.mask) >>> 0) === r.base)?.label ?? null;
  }
  const bytes = parseIpv6(address);
  return bytes ? blockedV6(bytes) : 'not an IP address';
}
