import {
  MESSAGE_HEADER_SIZE,
  MessageFramer,
  ProtocolError,
  decodePayload,
  toHex,
  type Network,
  type ProtocolErrorCode,
} from '../lib/index.js';
import { trackAllocations } from './allocations.js';
import type { Random } from './random.js';

/** How one fuzz case ended: decoded, or refused with a ProtocolError code. */
export type Outcome = 'decoded' | ProtocolErrorCode;

/** A broken promise: something other than a ProtocolError escaped, or an allocation outgrew its input. */
export class FuzzFailure extends Error {
  /** The input that broke it, hex. */
  readonly input: string;

  /**
   * @param message - what went wrong
   * @param input - the offending bytes
   * @param cause - the error that escaped, if any
   */
  constructor(message: string, input: Uint8Array, cause?: unknown) {
    super(message, { cause });
    this.name = 'FuzzFailure';
    this.input = toHex(input.subarray(0, 4096));
  }
}

/** Small fixed buffers (hashes, headers) any decoder may make regardless of input size. */
const FIXED_ALLOWANCE = 80;

/**
 * Decode `payload` as `command` with the raw payload decoder (not the
 * frame decoder, which would wrap a stray exception as `malformed`).
 * @throws FuzzFailure when anything but a ProtocolError is thrown, or an
 *   array or byte buffer longer than the payload is allocated
 */
export function checkPayload(command: string, payload: Uint8Array): Outcome {
  const run = trackAllocations(() => decodePayload(command, payload));
  const bound = Math.max(payload.length, FIXED_ALLOWANCE);
  if (run.allocations.array > bound || run.allocations.bytes > bound) {
    throw new FuzzFailure(
      `${command}: allocated ${Math.max(run.allocations.array, run.allocations.bytes)} for a ${payload.length}-byte payload`,
      payload,
    );
  }
  if ('value' in run) return 'decoded';
  if (run.error instanceof ProtocolError) return run.error.code;
  throw new FuzzFailure(`${command}: ${String(run.error)}`, payload, run.error);
}

/** What a byte stream gave: messages decoded, then how it ended. */
export interface StreamOutcome {
  /** Messages decoded before the end. */
  messages: number;
  /** `clean` (ended at a frame boundary), `truncated` (ended mid-frame) or the error's code. */
  end: 'clean' | ProtocolErrorCode;
}

/**
 * Feed `bytes` to a {@link MessageFramer} in random chunks, as a socket
 * would. Requires: only ProtocolErrors; the framer never holds more than
 * it was given; no buffer larger than the bytes received so far is made
 * (a header announcing 4 GB is refused from its 24 bytes alone); a framing
 * error is sticky.
 * @throws FuzzFailure on a violation
 */
export function checkStream(network: Network, bytes: Uint8Array, rnd: Random): StreamOutcome {
  const framer = new MessageFramer(network);
  let messages = 0;
  let fed = 0;
  while (fed < bytes.length) {
    const size = rnd.chance(0.3) ? 1 + rnd.int(MESSAGE_HEADER_SIZE) : 1 + rnd.int(bytes.length - fed);
    const chunk = bytes.subarray(fed, Math.min(bytes.length, fed + size));
    fed += chunk.length;
    const run = trackAllocations(() => framer.push(chunk, () => messages++));
    if (run.allocations.bytes > Math.max(fed, MESSAGE_HEADER_SIZE) || run.allocations.array > fed) {
      throw new FuzzFailure(`framer allocated ${Math.max(run.allocations.bytes, run.allocations.array)} after ${fed} bytes`, bytes);
    }
    if (framer.buffered > fed) throw new FuzzFailure(`framer holds ${framer.buffered} of ${fed} bytes fed`, bytes);
    if ('error' in run) {
      if (!(run.error instanceof ProtocolError)) throw new FuzzFailure(`framer threw ${String(run.error)}`, bytes, run.error);
      const framing = ['bad-magic', 'bad-command', 'oversized-payload', 'bad-checksum'].includes(run.error.code);
      if (framing) {
        const again = trackAllocations(() => framer.push(Uint8Array.of(0), () => messages++));
        if (!('error' in again) || again.error !== run.error) throw new FuzzFailure('a framing error was not sticky', bytes);
      }
      return { messages, end: run.error.code };
    }
  }
  return { messages, end: framer.buffered > 0 ? 'truncated' : 'clean' };
}
