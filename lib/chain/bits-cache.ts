import { decodeBits, workOfTarget } from './compact.js';

/** What a `bits` value means: its target (also as little-endian bytes, for a fast comparison) and its work. */
export interface BitsInfo {
  /** Why it is unusable (negative, overflowing, zero), or undefined when valid. */
  invalid: string | undefined;
  /** The target. */
  target: bigint;
  /** The target as 32 little-endian bytes. */
  targetLE: Uint8Array;
  /** Work of one block at this target. */
  work: bigint;
}

const MAX_CACHED = 4096;
const cache = new Map<number, BitsInfo>();

/** Decode `bits` once and remember it (a chain sees one value per retarget period). */
export function bitsInfo(bits: number): BitsInfo {
  let info = cache.get(bits);
  if (info !== undefined) return info;
  const { target, negative, overflow } = decodeBits(bits);
  const invalid = negative ? 'negative' : overflow ? 'overflows 256 bits' : target === 0n ? 'zero' : undefined;
  const targetLE = new Uint8Array(32);
  for (let i = 0, t = target; i < 32; i++, t >>= 8n) targetLE[i] = Number(t & 0xffn);
  info = { invalid, target, targetLE, work: invalid ? 0n : workOfTarget(target) };
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(bits, info);
  return info;
}

/** Whether a hash given as a latin1 key (little-endian bytes) is at most the target, compared from the top byte down. */
export function keyMeetsTarget(key: string, targetLE: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    const h = key.charCodeAt(i);
    const t = targetLE[i]!;
    if (h !== t) return h < t;
  }
  return true;
}
