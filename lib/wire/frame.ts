import { ProtocolError, ProtocolErrorCode } from './errors.js';
import { checksum } from './hash.js';
import { decodePayload, maxPayloadOf, wireCommand, writePayload, type Message } from './message.js';
import { findNetwork, type Network } from './networks.js';
import { ByteWriter } from './writer.js';

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
  /** Expected payload checksum (first 4 bytes of hash256, little-endian). */
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

/**
 * Parse and check a frame header: magic, command, and length against both
 * `maxPayload` and the command's own limit, so an oversized frame is
 * refused before any of its payload is buffered.
 * @throws ProtocolError (`bad-magic`, `bad-command`, `oversized-payload`)
 */
export function readFrameHeader(bytes: Uint8Array, offset: number, magic: number, maxPayload = MAX_PAYLOAD_SIZE): FrameHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, MESSAGE_HEADER_SIZE);
  const got = view.getUint32(0, true);
  if (got !== magic) {
    const theirs = findNetwork(got);
    const hint = theirs ? ` (a ${theirs.name} message)` : '';
    throw new ProtocolError(ProtocolErrorCode.BadMagic, `wrong network magic 0x${got.toString(16).padStart(8, '0')}${hint}`);
  }
  const command = readCommand(bytes, offset + 4);
  if (command === undefined) throw new ProtocolError(ProtocolErrorCode.BadCommand, 'command is not NUL-padded printable ASCII');
  const length = view.getUint32(16, true);
  const limit = Math.min(maxPayload, maxPayloadOf(command) ?? maxPayload);
  if (length > limit) {
    throw new ProtocolError(ProtocolErrorCode.OversizedPayload, `payload of ${length} bytes exceeds ${limit}`, command);
  }
  return { command, length, checksum: view.getUint32(20, true) };
}

/**
 * Check a payload against its header and decode it. Unexpected failures
 * inside a decoder are reported as `malformed`, never thrown raw.
 * @throws ProtocolError
 */
export function decodeFramePayload(header: FrameHeader, payload: Uint8Array, verifyChecksum = true): Message {
  if (verifyChecksum && checksum(payload) !== header.checksum) {
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
 * Serialize a message into one complete frame for `network`.
 * @example
 * ```ts
 * import { encodeMessage, networks } from 'rxbtc';
 * const bytes = encodeMessage(networks.mainnet, { command: 'verack' });
 * ```
 * @throws RangeError when the message breaks a protocol limit
 */
export function encodeMessage(network: Network, message: Message): Uint8Array {
  const command = wireCommand(message);
  if (command.length > COMMAND_SIZE || readCommand(padCommand(command), 0) !== command) {
    throw new RangeError(`invalid command ${JSON.stringify(command)}`);
  }
  const w = new ByteWriter(MESSAGE_HEADER_SIZE + 256);
  w.offset = MESSAGE_HEADER_SIZE;
  writePayload(w, message);
  const frame = w.finish();
  const payload = frame.subarray(MESSAGE_HEADER_SIZE);
  const view = new DataView(frame.buffer, frame.byteOffset, MESSAGE_HEADER_SIZE);
  view.setUint32(0, network.magic, true);
  frame.set(padCommand(command), 4);
  view.setUint32(16, payload.length, true);
  view.setUint32(20, checksum(payload), true);
  return frame;
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
    throw new ProtocolError(ProtocolErrorCode.Truncated, `frame holds ${frame.length - MESSAGE_HEADER_SIZE} payload bytes, header says ${header.length}`, header.command);
  }
  return decodeFramePayload(header, frame.subarray(MESSAGE_HEADER_SIZE));
}
