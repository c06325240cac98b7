import { isIPv6 } from 'node:net';

/**
 * The unit a client address is throttled by. IPv4 addresses (and IPv4-mapped IPv6 ones) count as themselves; an
 * IPv6 address counts as its /64, because one host or subscriber usually holds a whole /64 (RFC 6177 §2; SLAAC
 * needs it) and could otherwise rotate through 2^64 addresses to dodge a per-address limit.
 */
export function throttleAddress(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped?.[1]) {
    return mapped[1];
  }
  const bare = ip.split('%')[0] ?? ip; // a zone id (`fe80::1%eth0`) names an interface, not a host
  if (!isIPv6(bare)) {
    return ip;
  }
  const groups = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const [head = '', tail] = bare.split('::');
  const left = groups(head);
  // An embedded IPv4 address (`64:ff9b::192.0.2.1`) fills the last two groups.
  const right = tail === undefined ? [] : groups(tail).flatMap((g) => (g.includes('.') ? ['0', '0'] : [g]));
  const all = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const prefix = all.slice(0, 4).map((g) => parseInt(g, 16).toString(16));
  return `${prefix.join(':')}::/64`;
}
