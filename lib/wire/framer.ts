import { ProtocolError } from './errors.js';
import { MAX_PAYLOAD_SIZE, MESSAGE_HEADER_SIZE, decodeFramePayload, readFrameHeader, type FrameHeader } from './frame.js';
import type { Message } from './message.js';
import type { Network } from './networks.js';

/** Options for {@link MessageFramer} and `decodeMessages`. */
export interface FramerOptions {
  /**
   * Largest payload accepted for any command, in bytes. Each command's own
   * limit (e.g. 8 bytes for `ping`) applies as well.
   * @default 33554432 (32 MiB)
   */
  maxPayloadSize?: number;
  /**
   * Verify each payload's checksum.
   * @default true
   */
  verifyChecksum?: boolean;
}

/**
 * An incremental frame decoder: feed it byte chunks cut anywhere, get
 * messages. A frame that lies inside one chunk is decoded from a view of
 * that chunk (no copy); a frame spread over chunks is copied once, when its
 * last byte arrives, so memory grows only with bytes actually received.
 *
 * Framing errors (magic, command, length, checksum) are fatal: every later
 * `push` throws the same error. A malformed payload is not: the framer
 * stays at the next frame boundary, and the rest of the chunk that held it
 * is decoded at the next `push` (an empty chunk will do).
 */
export class MessageFramer {
  private readonly magic: number;
  private readonly maxPayload: number;
  private readonly verifyChecksum: boolean;
  private readonly head = new Uint8Array(MESSAGE_HEADER_SIZE);
  private headFill = 0;
  private frame: FrameHeader | null = null;
  private parts: Uint8Array[] = [];
  private partsBytes = 0;
  private failed: ProtocolError | null = null;
  /** Bytes after a malformed payload, in the chunk that held it: decoded at the next `push`. */
  private carry: Uint8Array | null = null;

  /**
   * @param network - network whose magic frames must carry
   * @param options - limits
   * @throws RangeError when `maxPayloadSize` is not a non-negative integer
   */
  constructor(network: Network, options: FramerOptions = {}) {
    const max = options.maxPayloadSize ?? MAX_PAYLOAD_SIZE;
    if (!Number.isSafeInteger(max) || max < 0) throw new RangeError(`maxPayloadSize must be a non-negative integer, got ${max}`);
    this.magic = network.magic;
    this.maxPayload = max;
    this.verifyChecksum = options.verifyChecksum ?? true;
  }

  /** Bytes received but not yet part of a decoded message. */
  get buffered(): number {
    return this.headFill + (this.frame ? MESSAGE_HEADER_SIZE : 0) + this.partsBytes + (this.carry?.length ?? 0);
  }

  /** The command of the frame being received, if its header has arrived. */
  get pendingCommand(): string | undefined {
    return this.frame?.command;
  }

  /**
   * Consume a chunk, calling `emit` for each complete message.
   * @throws ProtocolError on the first invalid frame
   */
  push(input: Uint8Array, emit: (message: Message) => void): void {
    if (this.failed) throw this.failed;
    if (this.carry) {
      const carry = this.carry;
      this.carry = null;
      this.push(carry, emit);
    }
    // A Node Buffer's subarray() goes through its species constructor, several
    // times slower than a plain view; decode from a plain Uint8Array instead.
    const chunk = input.constructor === Uint8Array ? input : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    let off = 0;
    const end = chunk.length;
    for (;;) {
      let frame = this.frame;
      if (frame === null) {
        if (off === end) return;
        if (this.headFill === 0 && end - off >= MESSAGE_HEADER_SIZE) {
          frame = this.header(chunk, off);
          off += MESSAGE_HEADER_SIZE;
        } else {
          const take = Math.min(MESSAGE_HEADER_SIZE - this.headFill, end - off);
          this.head.set(chunk.subarray(off, off + take), this.headFill);
          this.headFill += take;
          off += take;
          if (this.headFill < MESSAGE_HEADER_SIZE) return;
          this.headFill = 0;
          frame = this.header(this.head, 0);
        }
        this.frame = frame;
      }
      const length = frame.length;
      let payload: Uint8Array;
      if (this.partsBytes === 0 && end - off >= length) {
        payload = chunk.subarray(off, off + length);
        off += length;
      } else {
        if (off === end) return;
        const take = Math.min(length - this.partsBytes, end - off);
        this.parts.push(chunk.subarray(off, off + take));
        this.partsBytes += take;
        off += take;
        if (this.partsBytes < length) return;
        payload = this.joinParts(length);
      }
      this.frame = null;
      let message: Message;
      try {
        message = decodeFramePayload(frame, payload, this.verifyChecksum);
      } catch (error) {
        if (error instanceof ProtocolError && error.code === 'bad-checksum') this.failed = error;
        else if (off < end) this.carry = chunk.subarray(off);
        throw error;
      }
      emit(message);
    }
  }

  private header(bytes: Uint8Array, offset: number): FrameHeader {
    try {
      return readFrameHeader(bytes, offset, this.magic, this.maxPayload);
    } catch (error) {
      this.failed = error as ProtocolError;
      throw error;
    }
  }

  private joinParts(length: number): Uint8Array {
    const out = new Uint8Array(length);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    this.parts = [];
    this.partsBytes = 0;
    return out;
  }
}
