const textEncoder = new TextEncoder();
/**
 * A growable little-endian byte writer. `finish()` returns a view of what
 * was written; the writer may over-allocate by up to 2×.
 */
export class ByteWriter {
    buf;
    view;
    /** Current write position. */
    offset;
    /** @param capacity - initial capacity in bytes */
    constructor(capacity = 256) {
        this.buf = new Uint8Array(Math.max(16, capacity));
        this.view = new DataView(this.buf.buffer);
        this.offset = 0;
    }
    ensure(n) {
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
    /** Unsigned 8-bit integer. */
    u8(v) {
        const at = this.ensure(1);
        this.view.setUint8(at, v);
        return this;
    }
    /** Unsigned 16-bit little-endian integer. */
    u16le(v) {
        const at = this.ensure(2);
        this.view.setUint16(at, v, true);
        return this;
    }
    /** Unsigned 16-bit big-endian integer (ports). */
    u16be(v) {
        const at = this.ensure(2);
        this.view.setUint16(at, v, false);
        return this;
    }
    /** Unsigned 32-bit little-endian integer. */
    u32le(v) {
        const at = this.ensure(4);
        this.view.setUint32(at, v, true);
        return this;
    }
    /** Signed 32-bit little-endian integer. */
    i32le(v) {
        const at = this.ensure(4);
        this.view.setInt32(at, v, true);
        return this;
    }
    /** Unsigned 64-bit little-endian integer. */
    u64le(v) {
        const at = this.ensure(8);
        this.view.setBigUint64(at, v, true);
        return this;
    }
    /** Signed 64-bit little-endian integer. */
    i64le(v) {
        const at = this.ensure(8);
        this.view.setBigInt64(at, v, true);
        return this;
    }
    /** Unsigned 48-bit little-endian integer (BIP152 short ids). */
    u48le(v) {
        const at = this.ensure(6);
        this.view.setUint32(at, v % 0x1_0000_0000, true);
        this.view.setUint16(at + 4, Math.floor(v / 0x1_0000_0000), true);
        return this;
    }
    /** A boolean byte. */
    bool(v) {
        return this.u8(v ? 1 : 0);
    }
    /** A CompactSize integer in its canonical (shortest) form. */
    varint(v) {
        if (!Number.isSafeInteger(v) || v < 0)
            throw new RangeError(`CompactSize out of range: ${v}`);
        if (v < 0xfd)
            return this.u8(v);
        if (v <= 0xffff)
            return this.u8(0xfd).u16le(v);
        if (v <= 0xffff_ffff)
            return this.u8(0xfe).u32le(v);
        return this.u8(0xff).u64le(BigInt(v));
    }
    /** A CompactSize integer of full u64 range. */
    varBigInt(v) {
        if (v < 0n || v > 0xffffffffffffffffn)
            throw new RangeError(`CompactSize out of range: ${v}`);
        if (v <= 0xffffffffn)
            return this.varint(Number(v));
        return this.u8(0xff).u64le(v);
    }
    /** Raw bytes. */
    bytes(b) {
        const at = this.ensure(b.length); // grow first: `this.buf` may be replaced
        this.buf.set(b, at);
        return this;
    }
    /** A 32-byte hash in wire order. */
    hash(h) {
        if (h.length !== 32)
            throw new RangeError(`hash must be 32 bytes, got ${h.length}`);
        return this.bytes(h);
    }
    /** CompactSize-prefixed bytes. */
    varBytes(b) {
        return this.varint(b.length).bytes(b);
    }
    /** CompactSize-prefixed UTF-8 string. */
    varString(s) {
        return this.varBytes(textEncoder.encode(s));
    }
    /** A view of everything written so far. */
    finish() {
        return this.buf.subarray(0, this.offset);
    }
}
/** Throw a RangeError when an outgoing count exceeds its protocol limit. */
export function checkLimit(count, max, what) {
    if (count > max)
        throw new RangeError(`${what}: ${count} exceeds the protocol limit of ${max}`);
}
