import { ProtocolError, ProtocolErrorCode } from './errors.js';
const textDecoder = new TextDecoder('utf-8', { fatal: false });
/**
 * A bounds-checked cursor over a payload. Every read checks the remaining
 * length first and throws {@link ProtocolError} (`malformed`) instead of
 * reading past the end; `bytes` and `hash` return views, not copies.
 */
export class ByteReader {
    /** The bytes being read. */
    bytes;
    /** Command of the message being decoded, for error reports. */
    command;
    /** Current read position. */
    offset;
    view;
    /**
     * @param bytes - payload to read
     * @param command - command name used in error messages
     */
    constructor(bytes, command) {
        this.bytes = bytes;
        this.command = command;
        this.offset = 0;
        this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    /** Bytes left to read. */
    get remaining() {
        return this.bytes.length - this.offset;
    }
    /** Throw a `malformed` error naming this message. */
    fail(message, code = ProtocolErrorCode.Malformed) {
        throw new ProtocolError(code, message, this.command);
    }
    need(n) {
        const at = this.offset;
        if (n > this.bytes.length - at)
            this.fail(`needs ${n} bytes at offset ${at}, has ${this.bytes.length - at}`);
        this.offset = at + n;
        return at;
    }
    /** Unsigned 8-bit integer. */
    u8() {
        return this.view.getUint8(this.need(1));
    }
    /** Unsigned 16-bit little-endian integer. */
    u16le() {
        return this.view.getUint16(this.need(2), true);
    }
    /** Unsigned 16-bit big-endian integer (network order, used for ports). */
    u16be() {
        return this.view.getUint16(this.need(2), false);
    }
    /** Unsigned 32-bit little-endian integer. */
    u32le() {
        return this.view.getUint32(this.need(4), true);
    }
    /** Signed 32-bit little-endian integer. */
    i32le() {
        return this.view.getInt32(this.need(4), true);
    }
    /** Unsigned 64-bit little-endian integer. */
    u64le() {
        return this.view.getBigUint64(this.need(8), true);
    }
    /** Signed 64-bit little-endian integer. */
    i64le() {
        return this.view.getBigInt64(this.need(8), true);
    }
    /** Unsigned 48-bit little-endian integer (BIP152 short ids). */
    u48le() {
        const at = this.need(6);
        return this.view.getUint32(at, true) + this.view.getUint16(at + 4, true) * 0x1_0000_0000;
    }
    /** A boolean byte: zero is false, anything else true. */
    bool() {
        return this.u8() !== 0;
    }
    /**
     * A CompactSize integer. Non-canonical encodings (a value that fits a
     * shorter form) and values above 2^53 are refused, as Bitcoin Core does.
     */
    varint() {
        const first = this.u8();
        if (first < 0xfd)
            return first;
        let value;
        let min;
        if (first === 0xfd) {
            value = this.u16le();
            min = 0xfd;
        }
        else if (first === 0xfe) {
            value = this.u32le();
            min = 0x1_0000;
        }
        else {
            const big = this.u64le();
            if (big > BigInt(Number.MAX_SAFE_INTEGER))
                this.fail(`CompactSize ${big} too large`, ProtocolErrorCode.LimitExceeded);
            value = Number(big);
            min = 0x1_0000_0000;
        }
        if (value < min)
            this.fail(`non-canonical CompactSize ${value}`);
        return value;
    }
    /** A CompactSize integer of full u64 range (BIP155 services). */
    varBigInt() {
        const first = this.u8();
        if (first < 0xfd)
            return BigInt(first);
        if (first === 0xfd)
            return BigInt(this.checkCanonical(this.u16le(), 0xfd));
        if (first === 0xfe)
            return BigInt(this.checkCanonical(this.u32le(), 0x1_0000));
        const v = this.u64le();
        if (v < 0x100000000n)
            this.fail(`non-canonical CompactSize ${v}`);
        return v;
    }
    checkCanonical(value, min) {
        if (value < min)
            this.fail(`non-canonical CompactSize ${value}`);
        return value;
    }
    /**
     * A CompactSize item count, checked against `max` and against the bytes
     * left (each item needs at least `minItemSize` bytes) before the caller
     * allocates anything for the items.
     */
    count(max, minItemSize, what) {
        const n = this.varint();
        if (n > max)
            this.fail(`${what} count ${n} exceeds ${max}`, ProtocolErrorCode.LimitExceeded);
        if (n * minItemSize > this.remaining)
            this.fail(`${what} count ${n} exceeds the ${this.remaining} bytes left`);
        return n;
    }
    /** A view of the next `n` bytes (no copy). */
    bytesView(n) {
        const at = this.need(n);
        return this.bytes.subarray(at, at + n);
    }
    /** A 32-byte hash, as a view in wire (internal) byte order. */
    hash() {
        return this.bytesView(32);
    }
    /** CompactSize-prefixed bytes bounded only by the payload (scripts, witness items), as a view. */
    script() {
        const n = this.varint();
        const at = this.offset;
        if (n > this.bytes.length - at)
            this.fail(`script of ${n} bytes at offset ${at} runs past the payload`);
        this.offset = at + n;
        return this.bytes.subarray(at, at + n);
    }
    /** CompactSize-prefixed bytes of at most `max` bytes, as a view. */
    varBytes(max, what) {
        const n = this.varint();
        if (n > max)
            this.fail(`${what} length ${n} exceeds ${max}`, ProtocolErrorCode.LimitExceeded);
        return this.bytesView(n);
    }
    /** CompactSize-prefixed UTF-8 string of at most `max` bytes. */
    varString(max, what) {
        return textDecoder.decode(this.varBytes(max, what));
    }
    /** All bytes not yet read, as a view. */
    rest() {
        return this.bytesView(this.remaining);
    }
}
