import { ProtocolErrorCode } from '../errors.js';
import type { ByteReader } from '../reader.js';
import { checkLimit, type ByteWriter } from '../writer.js';
import { MAX_ADDR_PER_MESSAGE } from './addr.js';

/** BIP155 network identifiers. */
export const AddrV2Network = {
  /** IPv4, 4 bytes. */
  IPv4: 1,
  /** IPv6, 16 bytes. */
  IPv6: 2,
  /** Tor v2 onion, 10 bytes (retired). */
  TorV2: 3,
  /** Tor v3 onion, 32 bytes. */
  TorV3: 4,
  /** I2P, 32 bytes. */
  I2P: 5,
  /** CJDNS, 16 bytes. */
  CJDNS: 6,
} as const;

/** Address length each known BIP155 network requires. */
export const ADDRV2_ADDRESS_LENGTHS: Readonly<Record<number, number>> = { 1: 4, 2: 16, 3: 10, 4: 32, 5: 32, 6: 16 };

/** Longest address field accepted (BIP155). */
export const MAX_ADDRV2_ADDRESS_SIZE = 512;

/** A BIP155 address entry. */
export interface AddrV2Entry {
  /** Last seen, seconds since 1970. */
  timestamp: number;
  /** Services (CompactSize on the wire). */
  services: bigint;
  /** A {@link AddrV2Network} id; unknown ids are kept. */
  network: number;
  /** Address bytes, length fixed per known network. */
  address: Uint8Array;
  /** TCP port (0 for I2P). */
  port: number;
}

/** `addrv2` (BIP155): addresses of any network. */
export interface AddrV2Message {
  /** Command name. */
  command: 'addrv2';
  /** At most 1000 entries. */
  addresses: AddrV2Entry[];
}

/** A decoded BIP155 entry; built by a constructor, not a literal (see `transaction.ts` on V8's pretenuring). */
class Entry implements AddrV2Entry {
  timestamp: number;
  services: bigint;
  network: number;
  address: Uint8Array;
  port: number;
  constructor(timestamp: number, services: bigint, network: number, address: Uint8Array, port: number) {
    this.timestamp = timestamp;
    this.services = services;
    this.network = network;
    this.address = address;
    this.port = port;
  }
}

/** A decoded `addrv2` message (see {@link Entry}). */
class AddrV2 implements AddrV2Message {
  readonly command = 'addrv2';
  addresses: AddrV2Entry[];
  constructor(addresses: AddrV2Entry[]) {
    this.addresses = addresses;
  }
}

/** Decode an `addrv2` payload; a known network with the wrong address length is malformed. */
export function decodeAddrV2(r: ByteReader): AddrV2Message {
  const n = r.count(MAX_ADDR_PER_MESSAGE, 4 + 1 + 1 + 1 + 2, 'address');
  const addresses = new Array<AddrV2Entry>(n);
  for (let i = 0; i < n; i++) {
    const timestamp = r.u32le();
    const services = r.varBigInt();
    const network = r.u8();
    const address = r.varBytes(MAX_ADDRV2_ADDRESS_SIZE, 'address');
    const want = ADDRV2_ADDRESS_LENGTHS[network];
    if (want !== undefined && want !== address.length) {
      r.fail(`network ${network} address must be ${want} bytes, got ${address.length}`, ProtocolErrorCode.Malformed);
    }
    addresses[i] = new Entry(timestamp, services, network, address, r.u16be());
  }
  return new AddrV2(addresses);
}

/** Encode an `addrv2` payload. */
export function encodeAddrV2(w: ByteWriter, m: AddrV2Message): void {
  checkLimit(m.addresses.length, MAX_ADDR_PER_MESSAGE, 'addrv2');
  w.varint(m.addresses.length);
  for (const a of m.addresses) {
    checkLimit(a.address.length, MAX_ADDRV2_ADDRESS_SIZE, 'addrv2 address');
    w.u32le(a.timestamp).varBigInt(a.services).u8(a.network).varBytes(a.address).u16be(a.port);
  }
}
