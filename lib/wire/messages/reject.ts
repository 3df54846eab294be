import type { ByteReader } from '../reader.js';
import type { ByteWriter } from '../writer.js';

/** Longest rejected-command field accepted. */
export const MAX_REJECT_COMMAND_LENGTH = 12;
/** Longest reason accepted (Bitcoin Core's MAX_REJECT_MESSAGE_LENGTH). */
export const MAX_REJECT_REASON_LENGTH = 111;

/** BIP61 reject codes. */
export const RejectCode = {
  /** Could not parse. */
  Malformed: 0x01,
  /** Invalid by consensus. */
  Invalid: 0x10,
  /** Version too old. */
  Obsolete: 0x11,
  /** Already seen. */
  Duplicate: 0x12,
  /** Non-standard. */
  Nonstandard: 0x40,
  /** Dust output. */
  Dust: 0x41,
  /** Fee too low. */
  InsufficientFee: 0x42,
  /** Conflicts with a checkpoint. */
  Checkpoint: 0x43,
} as const;

/** `reject` (BIP61): why a message was refused. */
export interface RejectMessage {
  /** Command name. */
  command: 'reject';
  /** The command being rejected. */
  message: string;
  /** A {@link RejectCode}. */
  code: number;
  /** Human-readable reason. */
  reason: string;
  /** Hash of the rejected block or transaction, when there is one. */
  hash?: Uint8Array;
}

/** A decoded `reject`, one shape with or without its hash; built by a constructor, not a literal (see `transaction.ts`). */
class Reject implements RejectMessage {
  readonly command = 'reject';
  message: string;
  code: number;
  reason: string;
  hash?: Uint8Array;
  constructor(message: string, code: number, reason: string, hash: Uint8Array | undefined) {
    this.message = message;
    this.code = code;
    this.reason = reason;
    if (hash) this.hash = hash;
  }
}

/** Decode a `reject` payload; a trailing 32-byte hash is optional. */
export function decodeReject(r: ByteReader): RejectMessage {
  const message = r.varString(MAX_REJECT_COMMAND_LENGTH, 'rejected command');
  const code = r.u8();
  const reason = r.varString(MAX_REJECT_REASON_LENGTH, 'reason');
  return new Reject(message, code, reason, r.remaining >= 32 ? r.hash() : undefined);
}

/** Encode a `reject` payload. */
export function encodeReject(w: ByteWriter, m: RejectMessage): void {
  w.varString(m.message).u8(m.code).varString(m.reason);
  if (m.hash) w.hash(m.hash);
}
