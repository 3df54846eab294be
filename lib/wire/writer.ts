import { allocBytes } from './byte-pool.js';

const textEncoder = new TextEncoder();
/** A borrowed writer that grew past this is not kept for reuse (a block would pin megabytes). */
const MAX_RETAINED_CAPACITY = 1 << 20;

/**
 * A growable little-endian byte writer. `finish()` returns a view of what
 * was written; the writer may over-allocate by up to 2×.
 */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  /** Current write position. */
  offset: number;

  /** @param capacity - initial capacity in bytes */
  constructor(capacity = 256) {
    this.buf = new Uint8Array(Math.max(16, capacity));
    this.view = new DataView(this.buf.buffer);
    this.offset = 0;
  }

  private ensure(n: number): number {
    const at = this.offset;
    if (at + n > this.buf.length) {
      const grown = new Uint8Array(Math.max(this.buf.length * 2, at + n));
      grown.set(this.buf.subarray(0, at));
      this.buf = grown;
      this.view = new DataView(grown.buffer);
    }
    this.offset = at + n;
    return at;
  }

  /** Reserve `n` bytes (left as they are) and move past them. */
  skip(n: number): this {
    this.ensure(n);
    return this;
  }

  /** Unsigned 8-bit integer. */
  u8(v: number): this {
    const at = this.ensure(1);
    this.view.setUint8(at, v);
    return this;
  }

  /** Unsigned 16-bit little-endian integer. */
  u16le(v: number): this {
    const at = this.ensure(2);
    this.view.setUint16(at, v, true);
    return this;
  }

  /** Unsigned 16-bit big-endian integer (ports). */
  u16be(v: number): this {
    const at = this.ensure(2);
    this.view.setUint16(at, v, false);
    return this;
  }

  /** Unsigned 32-bit little-endian integer. */
  u32le(v: number): this {
    const at = this.ensure(4);
    this.view.setUint32(at, v, true);
    return this;
  }

  /** Signed 32-bit little-endian integer. */
  i32le(v: number): this {
    const at = this.ensure(4);
    this.view.setInt32(at, v, true);
    return this;
  }

  /** Unsigned 64-bit little-endian integer. */
  u64le(v: bigint): this {
    const at = this.ensure(8);
    this.view.setBigUint64(at, v, true);
    return this;
  }

  /** Signed 64-bit little-endian integer. */
  i64le(v: bigint): this {
    const at = this.ensure(8);
    this.view.setBigInt64(at, v, true);
    return this;
  }

  /** Unsigned 48-bit little-endian integer (BIP152 short ids). */
  u48le(v: number): this {
    const at = this.ensure(6);
    this.view.setUint32(at, v % 0x1_0000_0000, true);
    this.view.setUint16(at + 4, Math.floor(v / 0x1_0000_0000), true);
    return this;
  }

  /** A boolean byte. */
  bool(v: boolean): this {
    return this.u8(v ? 1 : 0);
  }

  /** A CompactSize integer in its canonical (shortest) form. */
  varint(v: number): this {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`CompactSize out of range: ${v}`);
    if (v < 0xfd) return this.u8(v);
    if (v <= 0xffff) return this.u8(0xfd).u16le(v);
    if (v <= 0xffff_ffff) return this.u8(0xfe).u32le(v);
    return this.u8(0xff).u64le(BigInt(v));
  }

  /** A CompactSize integer of full u64 range. */
  varBigInt(v: bigint): this {
    if (v < 0n || v > 0xffff_ffff_ffff_ffffn) throw new RangeError(`CompactSize out of range: ${v}`);
    if (v <= 0xffff_ffffn) return this.varint(Number(v));
    return this.u8(0xff).u64le(v);
  }

  /** Raw bytes. */
  bytes(b: Uint8Array): this {
    const at = this.ensure(b.length); // grow first: `this.buf` may be replaced
    this.buf.set(b, at);
    return this;
  }

  /** A 32-byte hash in wire order. */
  hash(h: Uint8Array): this {
    if (h.length !== 32) throw new RangeError(`hash must be 32 bytes, got ${h.length}`);
    return this.bytes(h);
  }

  /** CompactSize-prefixed bytes. */
  varBytes(b: Uint8Array): this {
    return this.varint(b.length).bytes(b);
  }

  /** CompactSize-prefixed UTF-8 string. */
  varString(s: string): this {
    return this.varBytes(textEncoder.encode(s));
  }

  /** A view of everything written so far. */
  finish(): Uint8Array {
    return new Uint8Array(this.buf.buffer, 0, this.offset); // the constructor: cheaper than subarray under Node (see ByteReader)
  }

  /** An exact-size copy of everything written so far (small ones come from a shared slab, see {@link allocBytes}). */
  copy(): Uint8Array {
    const out = allocBytes(this.offset);
    out.set(this.offset === this.buf.length ? this.buf : this.finish());
    return out;
  }

  /** Capacity in bytes. */
  get capacity(): number {
    return this.buf.length;
  }
}

let spare: ByteWriter | undefined;

/**
 * Run `fn` with a reusable writer, emptied first. Encoding through it
 * avoids growing a fresh buffer for every message (the growth copies were
 * most of the time to encode a `tx` or an `inv`). Whatever `fn` returns
 * must not keep a view of the writer: copy it out with `copy()`.
 */
export function withWriter<T>(fn: (w: ByteWriter) => T): T {
  const w = spare ?? new ByteWriter(4096);
  spare = undefined; // a nested call gets a writer of its own
  w.offset = 0;
  try {
    return fn(w);
  } finally {
    if (w.capacity <= MAX_RETAINED_CAPACITY) spare = w;
  }
}

/** Throw a RangeError when an outgoing count exceeds its protocol limit. */
export function checkLimit(count: number, max: number, what: string): void {
  if (count > max) throw new RangeError(`${what}: ${count} exceeds the protocol limit of ${max}`);
}
