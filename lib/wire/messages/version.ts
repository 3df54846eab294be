import { NET_ADDRESS_SIZE, readNetAddress, writeNetAddress, type NetAddress } from '../netaddress.js';
import type { ByteReader } from '../reader.js';
import type { ByteWriter } from '../writer.js';

/** Longest user agent accepted (Bitcoin Core's MAX_SUBVERSION_LENGTH). */
export const MAX_USER_AGENT_LENGTH = 256;

/** Largest possible `version` payload. */
export const MAX_VERSION_PAYLOAD = 4 + 8 + 8 + NET_ADDRESS_SIZE * 2 + 8 + 3 + MAX_USER_AGENT_LENGTH + 4 + 1;

/** `version`: the first message each side sends. */
export interface VersionMessage {
  /** Command name. */
  command: 'version';
  /** Highest protocol version the sender speaks. */
  version: number;
  /** Services the sender offers. */
  services: bigint;
  /** Sender's clock, seconds since 1970. */
  timestamp: bigint;
  /** The address of the receiver, as the sender sees it. */
  receiver: NetAddress;
  /** The sender's own address (often zeros). */
  sender: NetAddress;
  /** Random nonce used to detect connections to self. */
  nonce: bigint;
  /** BIP14 user agent, e.g. `/rxbtc:0.1.0/`. */
  userAgent: string;
  /** Height of the sender's best block. */
  startHeight: number;
  /** BIP37 relay flag: false asks not to be sent transactions until a filter is loaded. */
  relay: boolean;
}

/** A decoded `version`; built by a constructor, not a literal (see `transaction.ts` on V8's pretenuring). */
class Version implements VersionMessage {
  readonly command = 'version';
  version: number;
  services: bigint;
  timestamp: bigint;
  receiver: NetAddress;
  sender: NetAddress;
  nonce: bigint;
  userAgent: string;
  startHeight: number;
  relay: boolean;
  constructor(
    version: number,
    services: bigint,
    timestamp: bigint,
    receiver: NetAddress,
    sender: NetAddress,
    nonce: bigint,
    userAgent: string,
    startHeight: number,
    relay: boolean,
  ) {
    this.version = version;
    this.services = services;
    this.timestamp = timestamp;
    this.receiver = receiver;
    this.sender = sender;
    this.nonce = nonce;
    this.userAgent = userAgent;
    this.startHeight = startHeight;
    this.relay = relay;
  }
}

/** Decode a `version` payload; the trailing relay flag is optional (defaults to true). */
export function decodeVersion(r: ByteReader): VersionMessage {
  const version = r.i32le();
  const services = r.u64le();
  const timestamp = r.i64le();
  const receiver = readNetAddress(r);
  const sender = readNetAddress(r);
  const nonce = r.u64le();
  const userAgent = r.varString(MAX_USER_AGENT_LENGTH, 'user agent');
  const startHeight = r.i32le();
  const relay = r.remaining > 0 ? r.bool() : true;
  return new Version(version, services, timestamp, receiver, sender, nonce, userAgent, startHeight, relay);
}

/** Encode a `version` payload. */
export function encodeVersion(w: ByteWriter, m: VersionMessage): void {
  w.i32le(m.version).u64le(m.services).i64le(m.timestamp);
  writeNetAddress(w, m.receiver);
  writeNetAddress(w, m.sender);
  w.u64le(m.nonce).varString(m.userAgent).i32le(m.startHeight).bool(m.relay);
}
