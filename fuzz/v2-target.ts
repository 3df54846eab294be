import {
  ProtocolError,
  V2Error,
  bytesEqual,
  encodeMessage,
  type Message,
  type Network,
  type ProtocolErrorCode,
  type V2ErrorCode,
} from '../lib/index.js';
import { trackAllocations } from './allocations.js';
import type { Random } from './random.js';
import { v2SessionPair } from './v2-pair.js';
import { FuzzFailure } from './targets.js';

/** How a v2 case ended: every packet decoded, the stream ended mid-packet, or a typed error's code. */
export type V2Outcome = 'clean' | 'waiting' | V2ErrorCode | ProtocolErrorCode;

/** Small fixed buffers (keys, nonces, the length field) any packet may need. */
const FIXED_ALLOWANCE = 80;

/** Damage a packet stream the ways a path or a liar could: a flipped bit, a cut, a repeat, inserted bytes, a lying length. */
function damage(bytes: Uint8Array, rnd: Random): Uint8Array {
  const at = rnd.int(bytes.length);
  switch (rnd.int(5)) {
    case 0: {
      const out = bytes.slice();
      out[at]! ^= 1 << rnd.int(8);
      return out;
    }
    case 1:
      return bytes.subarray(0, at);
    case 2: {
      const end = at + rnd.int(Math.min(200, bytes.length - at) + 1);
      return Uint8Array.from([...bytes.subarray(0, end), ...bytes.subarray(at)]);
    }
    case 3:
      return Uint8Array.from([...bytes.subarray(0, at), ...rnd.bytes(1 + rnd.int(40)), ...bytes.subarray(at)]);
    default: {
      const out = bytes.slice();
      out.set(rnd.bytes(3), Math.max(0, at - 3));
      return out;
    }
  }
}

/**
 * A BIP324 session handshaken with a real initiator, then fed that
 * initiator's packets of `messages`, damaged, in random chunks. Requires:
 * only V2Errors and ProtocolErrors; every message decoded is the one sent
 * at its position (a damaged packet never decodes into anything); no array
 * or buffer larger than the bytes fed so far.
 * @throws FuzzFailure on a violation
 */
export function checkV2Stream(network: Network, messages: readonly Message[], rnd: Random): V2Outcome {
  const decoded: Message[] = [];
  const failures: unknown[] = [];
  const { initiator, toResponder } = v2SessionPair(
    network,
    { next: (m) => decoded.push(m), error: (e: unknown) => failures.push(e) },
    { garbageLength: rnd.int(100), decoys: rnd.chance(0.5) ? [rnd.int(50)] : [] },
  );
  if (initiator.transport !== 'v2' || failures.length > 0) throw new FuzzFailure('the v2 handshake did not complete', new Uint8Array(0));
  const packets = messages.map((m) => initiator.encode(m));
  const all = new Uint8Array(packets.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of packets) {
    all.set(p, at);
    at += p.length;
  }
  const bytes = damage(all, rnd);
  let fed = 0;
  while (fed < bytes.length && failures.length === 0) {
    const chunk = bytes.subarray(fed, fed + 1 + rnd.int(rnd.chance(0.3) ? 20 : bytes.length - fed));
    fed += chunk.length;
    const run = trackAllocations(() => toResponder.next(chunk));
    if (run.allocations.bytes > Math.max(fed, FIXED_ALLOWANCE) || run.allocations.array > fed) {
      throw new FuzzFailure(`v2 session allocated ${Math.max(run.allocations.bytes, run.allocations.array)} after ${fed} bytes`, bytes);
    }
    if ('error' in run) throw new FuzzFailure(`v2 session threw ${String(run.error)}`, bytes, run.error);
  }
  decoded.forEach((m, i) => {
    if (!bytesEqual(encodeMessage(network, m), encodeMessage(network, messages[i]!))) {
      throw new FuzzFailure(`v2 message ${i} decoded as something that was not sent`, bytes);
    }
  });
  if (failures.length === 0) return decoded.length === messages.length ? 'clean' : 'waiting';
  const failure = failures[0];
  if (failure instanceof V2Error || failure instanceof ProtocolError) return failure.code;
  throw new FuzzFailure(`v2 session failed with ${failure instanceof Error ? failure.message : typeof failure}`, bytes, failure);
}
