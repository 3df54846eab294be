import { ProtocolError, ProtocolErrorCode } from '../wire/errors.js';
import { ByteReader } from '../wire/reader.js';
import { ByteWriter } from '../wire/writer.js';
import { siphash24Into, sipKey, type SipKey } from './siphash.js';

/** BIP158 basic filter: bits of the Golomb-Rice remainder. */
export const BASIC_FILTER_P = 19;
/** BIP158 basic filter: the inverse false-positive rate. */
export const BASIC_FILTER_M = 784931;
/** Largest filter size accepted, as for a `cfilter` payload. */
export const MAX_GCS_FILTER_SIZE = 4_000_000;
/** Largest N·M accepted: hash_to_range stays exact in doubles below 2^52 (N < 5.7 billion items). */
const MAX_RANGE = 2 ** 52;

/**
 * floor(((hi·2^32 + lo) · f) / 2^64) for a 64-bit hash and f < 2^52, exact
 * in doubles: the 32×32 products are split into 16-bit halves (BIP158's
 * hash_to_range without BigInt).
 */
function mulHigh64(hi: number, lo: number, f: number): number {
  const fh = Math.floor(f / 0x1_0000_0000);
  const fl = f - fh * 0x1_0000_0000;
  return mul32High(hi, fl) + hi * fh + Math.floor((mul32Low(hi, fl) + mul32High(lo, fl) + lo * fh) / 0x1_0000_0000);
}

/*
 * The two halves of the exact 64-bit product of two u32, each computed on
 * its own: returning them as a pair allocated an array (and boxed numbers)
 * per call, which across 100 scripts × 65,000 filters was most of what a
 * wallet recovery allocated.
 */

/** High 32 bits of the product of two u32. */
function mul32High(a: number, b: number): number {
  const a1 = a >>> 16;
  const a0 = a & 0xffff;
  const b1 = b >>> 16;
  const b0 = b & 0xffff;
  const mid = a0 * b1 + a1 * b0; // < 2^33
  const t = a0 * b0 + (mid % 0x1_0000) * 0x1_0000; // < 2^33
  return a1 * b1 + Math.floor(mid / 0x1_0000) + Math.floor(t / 0x1_0000_0000);
}

/** Low 32 bits of the product of two u32. */
function mul32Low(a: number, b: number): number {
  const mid = (a & 0xffff) * (b >>> 16) + (a >>> 16) * (b & 0xffff);
  return ((a & 0xffff) * (b & 0xffff) + (mid % 0x1_0000) * 0x1_0000) % 0x1_0000_0000;
}

/**
 * An MSB-first bit reader over the compressed set, in place (no copy: a
 * copy per match was most of what matching allocated, ~20 KB per filter);
 * throws `malformed` when the bits run out.
 */
class BitReader {
  private readonly bytes: Uint8Array;
  private pos = 0;
  private readonly end: number;
  /** The last byte index from which a word's five bytes can be read directly. */
  private readonly lastDirect: number;
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.end = bytes.length * 8;
    this.lastDirect = bytes.length - 5;
  }
  /** The 32 bits from bit `pos` on, as an unsigned word (zeros past the end). */
  private word(pos: number): number {
    const i = pos >>> 3;
    // Near the end the bytes past it read as zeros, never out of bounds (an out-of-bounds read is ~10× slower).
    if (i > this.lastDirect) return this.wordNearEnd(pos);
    const b = this.bytes;
    const w = (b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!;
    const shift = pos & 7;
    return shift === 0 ? w >>> 0 : ((w << shift) | (b[i + 4]! >>> (8 - shift))) >>> 0;
  }
  /** {@link word} within the last five bytes. */
  private wordNearEnd(pos: number): number {
    const i = pos >>> 3;
    const w = (this.byteAt(i) << 24) | (this.byteAt(i + 1) << 16) | (this.byteAt(i + 2) << 8) | this.byteAt(i + 3);
    const shift = pos & 7;
    return shift === 0 ? w >>> 0 : ((w << shift) | (this.byteAt(i + 4) >>> (8 - shift))) >>> 0;
  }
  /** The byte at `i`, 0 past the end. */
  private byteAt(i: number): number {
    return i < this.bytes.length ? this.bytes[i]! : 0;
  }
  /** One Golomb-Rice value with a `p`-bit remainder (p ≤ 32); `scale` is 2^p. */
  golomb(p: number, scale: number): number {
    // The quotient in unary: count leading ones 32 bits at a time.
    let q = 0;
    for (;;) {
      if (this.pos >= this.end) throw new ProtocolError(ProtocolErrorCode.Malformed, 'GCS filter ends inside a value', 'cfilter');
      const ones = Math.clz32(~this.word(this.pos));
      if (ones < 32) {
        q += ones;
        this.pos += ones + 1;
        break;
      }
      q += 32;
      this.pos += 32;
    }
    if (this.pos > this.end) throw new ProtocolError(ProtocolErrorCode.Malformed, 'GCS filter ends inside a value', 'cfilter');
    if (this.pos + p > this.end) throw new ProtocolError(ProtocolErrorCode.Malformed, 'GCS filter ends inside a remainder', 'cfilter');
    const r = p === 0 ? 0 : this.word(this.pos) >>> (32 - p);
    this.pos += p;
    return q * scale + r;
  }
}

/** An MSB-first bit writer. */
class BitWriter {
  private readonly out: number[] = [];
  private acc = 0;
  private bits = 0;
  bit(b: number): void {
    this.acc = (this.acc << 1) | b;
    if (++this.bits === 8) {
      this.out.push(this.acc);
      this.acc = 0;
      this.bits = 0;
    }
  }
  golomb(x: number, p: number): void {
    const divisor = 2 ** p;
    for (let q = Math.floor(x / divisor); q > 0; q--) this.bit(1);
    this.bit(0);
    const r = x % divisor;
    for (let i = p - 1; i >= 0; i--) this.bit(Math.floor(r / 2 ** i) % 2);
  }
  bytes(): Uint8Array {
    if (this.bits > 0) this.out.push(this.acc << (8 - this.bits));
    return Uint8Array.from(this.out);
  }
}

/**
 * A Golomb-coded set (BIP158): build one from items, or read one from a
 * `cfilter`, and test items against it. The key is the first 16 bytes of
 * the block hash (wire order). Matching decodes the set in one pass and
 * stops as soon as it can; it never allocates per set member.
 */
export class GcsFilter {
  /** Number of items. */
  readonly n: number;
  /** Remainder bits. */
  readonly p: number;
  /** Inverse false-positive rate. */
  readonly m: number;
  /** The serialized filter: CompactSize N, then the bit stream (what `cfilter` carries). */
  readonly encoded: Uint8Array;
  private readonly key: SipKey;
  private readonly data: Uint8Array;

  private constructor(encoded: Uint8Array, n: number, data: Uint8Array, key: Uint8Array, p: number, m: number) {
    if (n * m >= MAX_RANGE) throw new ProtocolError(ProtocolErrorCode.LimitExceeded, `GCS filter of ${n} items is too large`, 'cfilter');
    this.encoded = encoded;
    this.n = n;
    this.data = data;
    this.key = sipKey(key);
    this.p = p;
    this.m = m;
  }

  /**
   * Read a serialized filter. Its bits are checked as it is matched, or all
   * at once with {@link GcsFilter.values}.
   * @param encoded - CompactSize N, then the compressed set
   * @param key - the block hash (wire order); its first 16 bytes are the SipHash key
   * @throws ProtocolError when N cannot be read or the filter is oversized
   */
  static decode(encoded: Uint8Array, key: Uint8Array, p = BASIC_FILTER_P, m = BASIC_FILTER_M): GcsFilter {
    if (encoded.length > MAX_GCS_FILTER_SIZE)
      throw new ProtocolError(ProtocolErrorCode.LimitExceeded, `filter of ${encoded.length} bytes`, 'cfilter');
    const r = new ByteReader(encoded, 'cfilter');
    const n = r.varint();
    // Each item takes at least p + 1 bits: a count larger than the bits allow is a lie.
    if (n * (p + 1) > r.remaining * 8)
      throw new ProtocolError(ProtocolErrorCode.Malformed, `filter claims ${n} items in ${r.remaining} bytes`, 'cfilter');
    return new GcsFilter(encoded, n, r.rest(), key, p, m);
  }

  /**
   * Build a filter of the distinct `items`.
   * @param items - raw items (duplicates count once)
   * @param key - the block hash (wire order)
   */
  static build(items: readonly Uint8Array[], key: Uint8Array, p = BASIC_FILTER_P, m = BASIC_FILTER_M): GcsFilter {
    const unique = new Map<string, Uint8Array>();
    for (const item of items) unique.set(latin1(item), item);
    const n = unique.size;
    const f = n * m;
    if (f >= MAX_RANGE) throw new RangeError(`${n} items are too many for one filter`);
    const k = sipKey(key);
    const values = [...unique.values()].map((item) => hashToRange(k, item, f)).sort((a, b) => a - b);
    const bits = new BitWriter();
    let last = 0;
    for (const v of values) {
      bits.golomb(v - last, p);
      last = v;
    }
    const w = new ByteWriter(16);
    w.varint(n);
    const body = n === 0 ? new Uint8Array(0) : bits.bytes();
    w.bytes(body);
    return new GcsFilter(w.finish().slice(), n, body, key, p, m);
  }

  /** Every set member in order (checks that the whole filter decodes). */
  values(): number[] {
    const r = new BitReader(this.data);
    const scale = 2 ** this.p;
    const out: number[] = [];
    let last = 0;
    for (let i = 0; i < this.n; i++) out.push((last += r.golomb(this.p, scale)));
    return out;
  }

  /** Whether `item` may be in the set (false positives at a rate of 1/M). */
  match(item: Uint8Array): boolean {
    return this.matchAny([item]);
  }

  /** Whether any of `items` may be in the set: one pass over the set against the sorted hashed queries. */
  matchAny(items: readonly Uint8Array[]): boolean {
    if (this.n === 0 || items.length === 0) return false;
    const f = this.n * this.m;
    const queries = new Float64Array(items.length);
    for (let i = 0; i < items.length; i++) queries[i] = hashToRange(this.key, items[i]!, f);
    queries.sort();
    const r = new BitReader(this.data);
    const scale = 2 ** this.p;
    let value = 0;
    let q = 0;
    for (let i = 0; i < this.n; i++) {
      value += r.golomb(this.p, scale);
      while (queries[q]! < value) if (++q === queries.length) return false;
      if (queries[q] === value) return true;
    }
    return false;
  }

  /**
   * The positions of `items` that may be in the set (each at a false
   * positive rate of 1/M), ascending: one pass over the set against the
   * sorted hashed queries, however many items (checking them one by one
   * decodes the set once per item).
   */
  matching(items: readonly Uint8Array[]): number[] {
    if (this.n === 0 || items.length === 0) return [];
    const f = this.n * this.m;
    const hashes = new Float64Array(items.length);
    for (let i = 0; i < items.length; i++) hashes[i] = hashToRange(this.key, items[i]!, f);
    const order = Array.from(hashes.keys()).sort((a, b) => hashes[a]! - hashes[b]!);
    const sorted = Float64Array.from(order, (i) => hashes[i]!);
    const r = new BitReader(this.data);
    const scale = 2 ** this.p;
    const found: number[] = [];
    let value = 0;
    let q = 0;
    for (let i = 0; i < this.n && q < sorted.length; i++) {
      value += r.golomb(this.p, scale);
      while (q < sorted.length && sorted[q]! < value) q++;
      while (q < sorted.length && sorted[q] === value) found.push(order[q++]!);
    }
    return found.sort((a, b) => a - b);
  }
}

/**
 * The positions of `items` that may be in `filter`, ascending.
 * @deprecated the same as {@link GcsFilter.matching}, kept for callers of earlier releases
 */
export function matchingItems(filter: GcsFilter, items: readonly Uint8Array[]): number[] {
  return filter.matching(items);
}

/** Where {@link hashToRange} has SipHash write its result (one buffer, reused: hashing runs to completion, never interleaved). */
const sipOut = new Uint32Array(2);

function hashToRange(key: SipKey, item: Uint8Array, f: number): number {
  siphash24Into(key, item, sipOut);
  return mulHigh64(sipOut[0]!, sipOut[1]!, f);
}

function latin1(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return s;
}
