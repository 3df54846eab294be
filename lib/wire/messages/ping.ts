import type { ByteReader } from '../reader.js';
import type { ByteWriter } from '../writer.js';

/** `ping` (BIP31): asks for a `pong` with the same nonce. */
export interface PingMessage {
  /** Command name. */
  command: 'ping';
  /** Random nonce echoed in the pong. */
  nonce: bigint;
}

/** `pong` (BIP31): answers a `ping`. */
export interface PongMessage {
  /** Command name. */
  command: 'pong';
  /** The nonce of the ping being answered. */
  nonce: bigint;
}

/** A decoded `ping` or `pong`; built by a constructor, not a literal (see `transaction.ts` on V8's pretenuring). */
class Nonce<C extends 'ping' | 'pong'> {
  command: C;
  nonce: bigint;
  constructor(command: C, nonce: bigint) {
    this.command = command;
    this.nonce = nonce;
  }
}

/** Decode a `ping` or `pong` payload. */
export function decodeNonce<C extends 'ping' | 'pong'>(
  command: C,
): (r: ByteReader) => {
  /** `ping` or `pong`. */
  command: C;
  /** The 64-bit nonce. */
  nonce: bigint;
} {
  return (r) => new Nonce(command, r.u64le());
}

/** Encode a `ping` or `pong` payload. */
export function encodeNonce(w: ByteWriter, m: PingMessage | PongMessage): void {
  w.u64le(m.nonce);
}
