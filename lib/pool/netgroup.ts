import { ipFromString, isIpv4Mapped } from '../wire/netaddress.js';
import { unmapIpv4 } from './endpoint.js';

/**
 * The network group of a host, the unit of outbound diversity: an IPv4
 * address's /16 (`127.1.0.1` and `127.2.0.1` differ), an IPv6 address's /32,
 * for Tor and I2P names the network plus the first 4 bits of the name (as
 * Bitcoin Core groups them), and any other host name by itself.
 * @param host - an IP address or a host name
 * @returns a string key; equal keys mean the same group
 */
export function netgroup(host: string): string {
  const name = unmapIpv4(host.toLowerCase());
  for (const suffix of ['.onion', '.i2p'] as const) {
    if (name.endsWith(suffix)) return `${suffix.slice(1)}:${(BASE32_VALUE.get(name[0] ?? '') ?? 0) >> 1}`;
  }
  let ip: Uint8Array;
  try {
    ip = ipFromString(name);
  } catch {
    return `name:${name}`;
  }
  if (isIpv4Mapped(ip)) return `ipv4:${ip[12]}.${ip[13]}`;
  return `ipv6:${Array.from(ip.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** RFC 4648 base32 digit values (Tor and I2P names are lowercase base32). */
const BASE32_VALUE = new Map(Array.from('abcdefghijklmnopqrstuvwxyz234567', (c, i) => [c, i] as const));
