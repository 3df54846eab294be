/** 2^256, the size of the hash space. */
const TWO_256 = 1n << 256n;

/** A compact `bits` value decoded to its 256-bit target, with Bitcoin Core's negative and overflow flags. */
export interface DecodedBits {
  /** The target (0 when the mantissa is 0). */
  target: bigint;
  /** The sign bit is set on a non-zero mantissa. */
  negative: boolean;
  /** The value does not fit 256 bits. */
  overflow: boolean;
}

/** Decode compact `bits` exactly as Core's `arith_uint256::SetCompact`. */
export function decodeBits(bits: number): DecodedBits {
  const size = bits >>> 24;
  const word = size <= 3 ? (bits & 0x007fffff) >>> (8 * (3 - size)) : bits & 0x007fffff; // Core shifts before it checks the flags
  const target = size <= 3 ? BigInt(word) : BigInt(word) << BigInt(8 * (size - 3));
  const negative = word !== 0 && (bits & 0x00800000) !== 0;
  const overflow = word !== 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32));
  return { target: overflow ? 0n : target % TWO_256, negative, overflow };
}

/** Encode a non-negative target as compact `bits`, exactly as Core's `GetCompact`. */
export function encodeBits(target: bigint): number {
  if (target < 0n) throw new RangeError('target must be non-negative');
  let size = target === 0n ? 0 : Math.ceil(target.toString(2).length / 8);
  let compact = size <= 3 ? Number(target << BigInt(8 * (3 - size))) : Number(target >> BigInt(8 * (size - 3)));
  if (compact & 0x00800000) {
    compact >>>= 8;
    size++;
  }
  return (compact | (size << 24)) >>> 0;
}

/** The expected number of hashes to meet `target`: 2^256 / (target + 1), Core's `GetBlockProof`. */
export function workOfTarget(target: bigint): bigint {
  return TWO_256 / (target + 1n);
}

/** Whether a hash (wire order, i.e. little-endian) is at most `target`. */
export function hashMeetsTarget(hash: Uint8Array, target: bigint): boolean {
  let value = 0n;
  for (let i = 31; i >= 0; i--) value = (value << 8n) | BigInt(hash[i]!);
  return value <= target;
}
