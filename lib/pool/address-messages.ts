import { sha3_256 } from '@noble/hashes/sha3.js';
import { base32nopad } from '@scure/base';
import type { TimedNetAddress } from '../wire/messages/addr.js';
import { AddrV2Network, type AddrV2Entry } from '../wire/messages/addrv2.js';
import { ipFromString, ipToString, isIpv4Mapped } from '../wire/netaddress.js';
import type { KnownAddress } from './address-book.js';

const TOR_V3_VERSION = 3;
const ONION_CHECKSUM = new TextEncoder().encode('.onion checksum');

/** A Tor v3 public key as its `.onion` name (rend-spec-v3: key, 2-byte SHA3 checksum, version). */
function onionName(pubkey: Uint8Array): string {
  const checksum = sha3_256(Uint8Array.from([...ONION_CHECKSUM, ...pubkey, TOR_V3_VERSION])).subarray(0, 2);
  return `${base32nopad.encode(Uint8Array.from([...pubkey, ...checksum, TOR_V3_VERSION])).toLowerCase()}.onion`;
}

/** The 32-byte key of a Tor v3 `.onion` name, or undefined when the name or its checksum is wrong. */
function onionKey(name: string): Uint8Array | undefined {
  const m = /^([a-z2-7]{56})\.onion$/.exec(name);
  if (!m) return undefined;
  const raw = base32nopad.decode(m[1]!.toUpperCase());
  const key = raw.subarray(0, 32);
  return raw[34] === TOR_V3_VERSION && onionName(key) === name ? key : undefined;
}

/** An I2P address's 32-byte hash as its `.b32.i2p` name. */
const i2pName = (hash: Uint8Array): string => `${base32nopad.encode(hash).toLowerCase()}.b32.i2p`;

/** Addresses from an `addr` message, IPv4-mapped ones in dotted form; port 0 dropped. */
export function addressesFromAddr(addresses: readonly TimedNetAddress[]): KnownAddress[] {
  return addresses
    .filter((a) => a.port !== 0)
    .map((a) => ({ host: ipToString(a.ip), port: a.port, services: a.services, timestamp: a.timestamp }));
}

/**
 * Addresses from an `addrv2` message (BIP155): IPv4, IPv6 and CJDNS as IP
 * text, Tor v3 as its `.onion` name, I2P as its `.b32.i2p` name (port 0
 * kept: I2P has none); retired Tor v2 and unknown networks dropped.
 */
export function addressesFromAddrV2(entries: readonly AddrV2Entry[]): KnownAddress[] {
  const out: KnownAddress[] = [];
  for (const e of entries) {
    let host: string | undefined;
    if (e.network === AddrV2Network.IPv4) host = Array.from(e.address).join('.');
    else if (e.network === AddrV2Network.IPv6 || e.network === AddrV2Network.CJDNS) host = ipToString(e.address);
    else if (e.network === AddrV2Network.TorV3) host = onionName(e.address);
    else if (e.network === AddrV2Network.I2P) host = i2pName(e.address);
    if (host !== undefined && (e.port !== 0 || e.network === AddrV2Network.I2P)) {
      out.push({ host, port: e.port, services: e.services, timestamp: e.timestamp });
    }
  }
  return out;
}

/** Our addresses as `addr` entries: only IP hosts can be carried. */
export function addrEntries(addresses: readonly KnownAddress[]): TimedNetAddress[] {
  return addresses.flatMap((a) => {
    try {
      return [{ ip: ipFromString(a.host), port: a.port, services: a.services, timestamp: a.timestamp }];
    } catch {
      return [];
    }
  });
}

/** Our addresses as `addrv2` entries: IPs, Tor v3 and I2P names. */
export function addrV2Entries(addresses: readonly KnownAddress[]): AddrV2Entry[] {
  return addresses.flatMap((a): AddrV2Entry[] => {
    const base = { timestamp: a.timestamp, services: a.services, port: a.port };
    const onion = onionKey(a.host);
    if (onion) return [{ ...base, network: AddrV2Network.TorV3, address: onion }];
    const i2p = /^([a-z2-7]{52})\.b32\.i2p$/.exec(a.host);
    if (i2p) return [{ ...base, network: AddrV2Network.I2P, address: base32nopad.decode(i2p[1]!.toUpperCase()) }];
    try {
      const ip = ipFromString(a.host);
      return [
        isIpv4Mapped(ip)
          ? { ...base, network: AddrV2Network.IPv4, address: ip.slice(12) }
          : { ...base, network: AddrV2Network.IPv6, address: ip },
      ];
    } catch {
      return [];
    }
  });
}
