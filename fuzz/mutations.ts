import { KNOWN_COMMANDS, MAX_PAYLOAD_SIZE, MESSAGE_HEADER_SIZE, checksum, type Network } from '../lib/index.js';
import { concatBytes } from '@noble/hashes/utils.js';
import type { Random } from './random.js';

/** A fuzz input: the bytes of one (usually broken) frame and how they were made. */
export interface Mutant {
  /** Which mutation made it. */
  mutation: MutationName;
  /** The bytes to feed. */
  bytes: Uint8Array;
}

/** CompactSize encodings that lie: counts and lengths far beyond any payload, and non-canonical forms. */
export const HUGE_VARINTS: readonly Uint8Array[] = [
  Uint8Array.of(0xfd, 0xff, 0xff), // 65,535
  Uint8Array.of(0xfe, 0x00, 0x00, 0x00, 0x80), // 2^31
  Uint8Array.of(0xfe, 0xff, 0xff, 0xff, 0xff), // 2^32 - 1
  Uint8Array.of(0xff, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00), // 2^32
  Uint8Array.of(0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00), // 2^53
  Uint8Array.of(0xff, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00), // 2^53 + 1
  Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), // 2^64 - 1
  Uint8Array.of(0xfd, 0x01, 0x00), // non-canonical 1
  Uint8Array.of(0xfe, 0xfc, 0x00, 0x00, 0x00), // non-canonical 252
];

/** Header length fields that lie about the payload that follows. */
function lyingLengths(actual: number): number[] {
  return [0, Math.max(0, actual - 1), actual + 1, actual * 2 + 7, 0xffff_ffff, 0x8000_0000, MAX_PAYLOAD_SIZE, MAX_PAYLOAD_SIZE + 1];
}

const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xfc, 0xfd, 0xfe, 0xff];

/** Build a frame with a correct length and checksum around `payload`. */
export function frameOf(network: Network, command: string, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(MESSAGE_HEADER_SIZE + payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, network.magic, true);
  for (let i = 0; i < command.length && i < 12; i++) out[4 + i] = command.charCodeAt(i);
  view.setUint32(16, payload.length, true);
  view.setUint32(20, checksum(payload), true);
  out.set(payload, MESSAGE_HEADER_SIZE);
  return out;
}

/** The command of a well-formed frame header. */
export function commandOf(frame: Uint8Array): string {
  let s = '';
  for (let i = 4; i < 16 && frame[i]; i++) s += String.fromCharCode(frame[i]!);
  return s;
}

/** Payload-level mutations: the result is re-framed with a correct length and checksum, so it reaches the payload decoder. */
const PAYLOAD_MUTATIONS = {
  'bit-flip': (p: Uint8Array, rnd: Random): Uint8Array => {
    const out = p.slice();
    for (let n = 1 + rnd.int(8); n > 0 && out.length; n--) out[rnd.int(out.length)]! ^= 1 << rnd.int(8);
    return out;
  },
  'interesting-byte': (p: Uint8Array, rnd: Random): Uint8Array => {
    const out = p.slice();
    if (out.length) out[rnd.int(out.length)] = rnd.pick(INTERESTING_BYTES);
    return out;
  },
  'huge-varint': (p: Uint8Array, rnd: Random): Uint8Array => {
    const at = rnd.int(p.length + 1);
    const v = rnd.pick(HUGE_VARINTS);
    // Either replace the byte at `at` (a one-byte count becomes a huge one) or overwrite in place.
    if (rnd.chance(0.5)) return concatBytes(p.subarray(0, at), v, p.subarray(at + 1));
    const out = p.slice();
    out.set(v.subarray(0, Math.max(0, out.length - at)), at);
    return out;
  },
  'payload-truncate': (p: Uint8Array, rnd: Random): Uint8Array => p.subarray(0, rnd.int(p.length + 1)),
  'payload-extend': (p: Uint8Array, rnd: Random): Uint8Array => concatBytes(p, rnd.bytes(1 + rnd.int(64))),
  splice: (p: Uint8Array, rnd: Random): Uint8Array => {
    const a = rnd.int(p.length + 1);
    const b = a + rnd.int(p.length - a + 1);
    switch (rnd.int(3)) {
      case 0:
        return concatBytes(p.subarray(0, a), p.subarray(b)); // delete a range
      case 1:
        return concatBytes(p.subarray(0, b), p.subarray(a, b), p.subarray(b)); // duplicate a range
      default:
        return concatBytes(p.subarray(0, a), rnd.bytes(1 + rnd.int(32)), p.subarray(a)); // insert noise
    }
  },
  'random-payload': (p: Uint8Array, rnd: Random): Uint8Array => rnd.bytes(rnd.int(Math.min(p.length, 512) + 9)),
} as const;

/** Frame-level mutations: the header itself lies, or the bytes are cut. */
const FRAME_MUTATIONS = {
  truncate: (f: Uint8Array, rnd: Random): Uint8Array => f.subarray(0, rnd.int(f.length)),
  'lying-length': (f: Uint8Array, rnd: Random): Uint8Array => {
    const out = f.slice();
    new DataView(out.buffer).setUint32(16, rnd.pick(lyingLengths(f.length - MESSAGE_HEADER_SIZE)), true);
    return out;
  },
  'header-bit-flip': (f: Uint8Array, rnd: Random): Uint8Array => {
    const out = f.slice();
    out[rnd.int(MESSAGE_HEADER_SIZE)]! ^= 1 << rnd.int(8);
    return out;
  },
  'stale-checksum': (f: Uint8Array, rnd: Random): Uint8Array => {
    const out = f.slice();
    if (out.length > MESSAGE_HEADER_SIZE) out[MESSAGE_HEADER_SIZE + rnd.int(out.length - MESSAGE_HEADER_SIZE)]! ^= 0x01;
    return out;
  },
  'random-bytes': (f: Uint8Array, rnd: Random): Uint8Array => rnd.bytes(rnd.int(Math.min(f.length, 512) + 1)),
} as const;

/** Names of every mutation. */
export type MutationName = keyof typeof PAYLOAD_MUTATIONS | keyof typeof FRAME_MUTATIONS | 'other-command' | 'stacked';

/** Every mutation name, for reports. */
export const MUTATIONS: readonly MutationName[] = [
  ...(Object.keys(PAYLOAD_MUTATIONS) as MutationName[]),
  ...(Object.keys(FRAME_MUTATIONS) as MutationName[]),
  'other-command',
  'stacked',
];

/**
 * Mutate one valid frame. Two thirds of the mutants are payload mutations
 * re-framed with a correct length and checksum (they exercise the payload
 * decoders); the rest break the frame itself.
 */
export function mutate(network: Network, frame: Uint8Array, rnd: Random): Mutant {
  const command = commandOf(frame);
  const payload = frame.subarray(MESSAGE_HEADER_SIZE);
  const roll = rnd.int(12);
  if (roll < 7) {
    const [mutation, fn] = rnd.pick(Object.entries(PAYLOAD_MUTATIONS));
    return { mutation: mutation as MutationName, bytes: frameOf(network, command, fn(payload, rnd)) };
  }
  if (roll === 7) {
    // Another decoder reads this payload: a `headers` payload read as `block`, and so on.
    return { mutation: 'other-command', bytes: frameOf(network, rnd.pick(KNOWN_COMMANDS), payload) };
  }
  if (roll === 8) {
    let p: Uint8Array = payload;
    for (let n = 2 + rnd.int(3); n > 0; n--) p = rnd.pick(Object.values(PAYLOAD_MUTATIONS))(p, rnd);
    return { mutation: 'stacked', bytes: frameOf(network, command, p) };
  }
  const [mutation, fn] = rnd.pick(Object.entries(FRAME_MUTATIONS));
  return { mutation: mutation as MutationName, bytes: fn(frame, rnd) };
}
