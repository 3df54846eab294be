import { NET_ADDRESS_SIZE, readNetAddress, writeNetAddress, type NetAddress } from '../netaddress.js';
import type { ByteReader } from '../reader.js';
import { checkLimit, type ByteWriter } from '../writer.js';

/** Most addresses in one `addr` or `addrv2` message. */
export const MAX_ADDR_PER_MESSAGE = 1000;

/** An address with the time it was last seen. */
export interface TimedNetAddress extends NetAddress {
  /** Last seen, seconds since 1970. */
  timestamp: number;
}

/** `addr`: known peer addresses. */
export interface AddrMessage {
  /** Command name. */
  command: 'addr';
  /** At most {@link MAX_ADDR_PER_MESSAGE} addresses. */
  addresses: TimedNetAddress[];
}

/** A decoded `addr` entry; built by a constructor, not a literal (see `transaction.ts` on V8's pretenuring). */
class TimedAddress implements TimedNetAddress {
  timestamp: number;
  services: bigint;
  ip: Uint8Array;
  port: number;
  constructor(timestamp: number, a: NetAddress) {
    this.timestamp = timestamp;
    this.services = a.services;
    this.ip = a.ip;
    this.port = a.port;
  }
}

/** A decoded `addr` message (see {@link TimedAddress}). */
class Addr implements AddrMessage {
  readonly command = 'addr';
  addresses: TimedNetAddress[];
  constructor(addresses: TimedNetAddress[]) {
    this.addresses = addresses;
  }
}

/** Decode an `addr` payload. */
export function decodeAddr(r: ByteReader): AddrMessage {
  const n = r.count(MAX_ADDR_PER_MESSAGE, 4 + NET_ADDRESS_SIZE, 'address');
  const addresses = new Array<TimedNetAddress>(n);
  for (let i = 0; i < n; i++) {
    const timestamp = r.u32le();
    addresses[i] = new TimedAddress(timestamp, readNetAddress(r));
  }
  return new Addr(addresses);
}

/** Encode an `addr` payload. */
export function encodeAddr(w: ByteWriter, m: AddrMessage): void {
  checkLimit(m.addresses.length, MAX_ADDR_PER_MESSAGE, 'addr');
  w.varint(m.addresses.length);
  for (const a of m.addresses) {
    w.u32le(a.timestamp);
    writeNetAddress(w, a);
  }
}
