import { ProtocolError, ProtocolErrorCode } from './errors.js';
import { checksum } from './hash.js';
import { KNOWN_COMMANDS, decodePayload, isKnownCommand, maxPayloadOf, wireCommand, writePayload, type Message } from './message.js';
import { findNetwork, type Network } from './networks.js';
import { withWriter } from './writer.js';

/** Size of the frame header: magic, command, length, checksum. */
export const MESSAGE_HEADER_SIZE = 24;
/** Size of the NUL-padded command field. */
export const COMMAND_SIZE = 12;
/** Largest payload accepted for any command (btcd's MaxMessagePayload, 32 MiB). */
export const MAX_PAYLOAD_SIZE = 32 * 1024 * 1024;

/** A parsed 24-byte frame header. */
export interface FrameHeader {
  /** Command name. */
  command: string;
  /** Payload length in bytes. */
  length: number;
  /**
   * Expected payload checksum: the first 4 bytes of hash256 read as a
   * little-endian *signed* 32-bit integer, so it is always a small integer
   * to V8 (compare with `checksum(payload) | 0`).
   */
  checksum: number;
}

/** Read the NUL-padded ASCII command at `offset`, or undefined when it is not valid. */
function readCommand(bytes: Uint8Array, offset: number): string | undefined {
  let command = '';
  let i = 0;
  for (; i < COMMAND_SIZE; i++) {
    const c = bytes[offset + i]!;
    if (c === 0) break;
    if (c < 0x20 || c > 0x7e) return undefined;
    command += String.fromCharCode(c);
  }
  for (; i < COMMAND_SIZE; i++) if (bytes[offset + i] !== 0) return undefined;
  return command;
}

const le32 = (b: Uint8Array, o: number): number => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;

/** Known commands by their first four bytes, with the other eight: a frame's command is then found without building a string. */
const INTERNED = new Map<number, { w1: number; w2: number; command: string }[]>();
for (const command of KNOWN_COMMANDS) {
  const padded = padCommand(command);
  const entry = { w1: le32(padded, 4), w2: le32(padded, 8), command };
  const w0 = le32(padded, 0);
  INTERNED.set(w0, [...(INTERNED.get(w0) ?? []), entry]);
}

/** The command at `offset`: an interned known command, else the validated string, else undefined. */
function commandAt(bytes: Uint8Array, offset: number): string | undefined {
  const bucket = INTERNED.get(le32(bytes, offset));
  if (bucket !== undefined) {
    const w1 = le32(bytes, offset + 4);
    const w2 = le32(bytes, offset + 8);
    for (const e of bucket) if (e.w1 === w1 && e.w2 === w2) return e.command;
  }
  return readCommand(bytes, offset);
}

/** Built by a constructor, not a literal: V8 pretenures literal allocation sites once an app keeps decoded messages (see transaction.ts). */
class Header implements FrameHeader {
  command: string;
  length: number;
  checksum: number;
  constructor(command: string, length: number, checksum: number) {
    this.command = command;
    this.length = length;
    this.checksum = checksum;
  }
}

/**
 * Parse and check a frame header: magic, command, and length against both
 * `maxPayload` and the command's own limit, so an oversized frame is
 * refused before any of its payload is buffered.
 * @throws ProtocolError (`bad-magic`, `bad-command`, `oversized-payload`)
 */
export function readFrameHeader(bytes: Uint8Array, offset: number, magic: number, maxPayload = MAX_PAYLOAD_SIZE): FrameHeader {
  const got = le32(bytes, offset);
  if (got !== magic) {
    const theirs = findNetwork(got);
    const hint = theirs ? ` (a ${theirs.name} message)` : '';
    throw new ProtocolError(ProtocolErrorCode.BadMagic, `wrong network magic 0x${got.toString(16).padStart(8, '0')}${hint}`);
  }
  const command = commandAt(bytes, offset + 4);
  if (command === undefined) throw new ProtocolError(ProtocolErrorCode.BadCommand, 'command is not NUL-padded printable ASCII');
  const length = le32(bytes, offset + 16);
  const limit = Math.min(maxPayload, maxPayloadOf(command) ?? maxPayload);
  if (length > limit) {
    throw new ProtocolError(ProtocolErrorCode.OversizedPayload, `payload of ${length} bytes exceeds ${limit}`, command);
  }
  return new Header(command, length, le32(bytes, offset + 20) | 0);
}

/**
 * Check a payload against its header and decode it. Unexpected failures
 * inside a decoder are reported as `malformed`, never thrown raw.
 * @throws ProtocolError
 */
export function decodeFramePayload(header: FrameHeader, payload: Uint8Array, verifyChecksum = true): Message {
  if (verifyChecksum && (checksum(payload) | 0) !== header.checksum) {
    throw new ProtocolError(ProtocolErrorCode.BadChecksum, 'payload checksum mismatch', header.command);
  }
  try {
    return decodePayload(header.command, payload);
  } catch (error) {
    if (error instanceof ProtocolError) throw error;
    throw new ProtocolError(ProtocolErrorCode.Malformed, String(error), header.command);
  }
}

/**
 * Serialize a message into one complete frame for `network`. A frame of at
 * most 4 KiB is a view into a shared slab (see {@link allocBytes}), like a
 * pooled Node Buffer: use its `byteOffset` if you reach for `.buffer`.
 * @example
 * ```ts
 * import { encodeMessage, networks } from 'rxbtc';
 * const bytes = encodeMessage(networks.mainnet, { command: 'verack' });
 * ```
 * @throws RangeError when the message breaks a protocol limit
 */
export function encodeMessage(network: Network, message: Message): Uint8Array {
  const command = commandBytes(wireCommand(message));
  return withWriter((w) => {
    w.skip(MESSAGE_HEADER_SIZE);
    writePayload(w, message);
    const frame = w.finish();
    const payload = new Uint8Array(frame.buffer, MESSAGE_HEADER_SIZE, frame.length - MESSAGE_HEADER_SIZE);
    frame.set(command, 4);
    putLe32(frame, 0, network.magic);
    putLe32(frame, 16, payload.length);
    putLe32(frame, 20, checksum(payload));
    return w.copy();
  });
}

function putLe32(b: Uint8Array, o: number, v: number): void {
  b[o] = v;
  b[o + 1] = v >>> 8;
  b[o + 2] = v >>> 16;
  b[o + 3] = v >>> 24;
}

/** Padded command bytes, cached for known commands; others are validated each time. */
const PADDED = new Map<string, Uint8Array>();
function commandBytes(command: string): Uint8Array {
  const cached = PADDED.get(command);
  if (cached !== undefined) return cached;
  const bytes = padCommand(command);
  if (command.length > COMMAND_SIZE || readCommand(bytes, 0) !== command)
    throw new RangeError(`invalid command ${JSON.stringify(command)}`);
  if (isKnownCommand(command)) PADDED.set(command, bytes);
  return bytes;
}

function padCommand(command: string): Uint8Array {
  const out = new Uint8Array(COMMAND_SIZE);
  for (let i = 0; i < command.length && i < COMMAND_SIZE; i++) out[i] = command.charCodeAt(i);
  return out;
}

/**
 * Decode exactly one complete frame.
 * @throws ProtocolError when the frame is short, long, or invalid
 */
export function decodeMessage(network: Network, frame: Uint8Array, maxPayload = MAX_PAYLOAD_SIZE): Message {
  if (frame.length < MESSAGE_HEADER_SIZE) throw new ProtocolError(ProtocolErrorCode.Truncated, 'frame shorter than its header');
  const header = readFrameHeader(frame, 0, network.magic, maxPayload);
  if (frame.length !== MESSAGE_HEADER_SIZE + header.length) {
    throw new ProtocolError(
      ProtocolErrorCode.Truncated,
      `frame holds ${frame.length - MESSAGE_HEADER_SIZE} payload bytes, header says ${header.length}`,
      header.command,
    );
  }
  return decodeFramePayload(header, frame.subarray(MESSAGE_HEADER_SIZE));
}
