import type { ByteReader } from './reader.js';
import type { ByteWriter } from './writer.js';

/** A peer address as carried by `version` and `addr`: IPv6 or IPv4-mapped. */
export interface NetAddress {
  /** Services the address is believed to offer. */
  services: bigint;
  /** 16 bytes: IPv6, or IPv4 mapped as ::ffff:a.b.c.d. */
  ip: Uint8Array;
  /** TCP port. */
  port: number;
}

/** Bytes of a `NetAddress` without timestamp. */
export const NET_ADDRESS_SIZE = 26;

const IPV4_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

/** A decoded address; built by a constructor, not a literal (see `transaction.ts` on V8's pretenuring). */
class Address implements NetAddress {
  services: bigint;
  ip: Uint8Array;
  port: number;
  constructor(services: bigint, ip: Uint8Array, port: number) {
    this.services = services;
    this.ip = ip;
    this.port = port;
  }
}

/** Read services, 16-byte ip and big-endian port. */
export function readNetAddress(r: ByteReader): NetAddress {
  const services = r.u64le();
  const ip = r.bytesView(16);
  return new Address(services, ip, r.u16be());
}

/** Write services, 16-byte ip and big-endian port. */
export function writeNetAddress(w: ByteWriter, a: NetAddress): void {
  if (a.ip.length !== 16) throw new RangeError(`NetAddress ip must be 16 bytes, got ${a.ip.length}`);
  w.u64le(a.services).bytes(a.ip).u16be(a.port);
}

/**
 * Parse a textual IPv4 (`1.2.3.4`) or IPv6 (`::1`, `2001:db8::5`) address
 * into 16 bytes (IPv4 mapped).
 * @throws TypeError when the text is not an IP address
 */
export function ipFromString(text: string): Uint8Array {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const octets = v4.slice(1).map(Number);
    if (octets.some((o) => o > 255)) throw new TypeError(`not an IPv4 address: ${text}`);
    return Uint8Array.from([...IPV4_PREFIX, ...octets]);
  }
  const halves = text.split('::');
  if (halves.length > 2 || !/^[0-9a-fA-F:]+$/.test(text)) throw new TypeError(`not an IP address: ${text}`);
  const parse = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  const fill = 8 - head.length - tail.length;
  if ((halves.length === 1 && fill !== 0) || fill < 0) throw new TypeError(`not an IPv6 address: ${text}`);
  const groups = [...head, ...new Array<number>(fill).fill(0), ...tail];
  if (groups.some((g) => !(g >= 0 && g <= 0xffff))) throw new TypeError(`not an IPv6 address: ${text}`);
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

/** Whether 16 bytes hold an IPv4-mapped address. */
export function isIpv4Mapped(ip: Uint8Array): boolean {
  return ip.length === 16 && IPV4_PREFIX.every((b, i) => ip[i] === b);
}

/** Text form of 16 address bytes: dotted IPv4 when mapped, else full IPv6 groups. */
export function ipToString(ip: Uint8Array): string {
  if (isIpv4Mapped(ip)) return Array.from(ip.subarray(12)).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((ip[i] ?? 0) << 8) | (ip[i + 1] ?? 0)).toString(16));
  return groups.join(':');
}
