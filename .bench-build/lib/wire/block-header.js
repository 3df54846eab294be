import { sha256d } from './hash.js';
/** Serialized size of a block header. */
export const BLOCK_HEADER_SIZE = 80;
/** Read an 80-byte header. */
export function readBlockHeader(r) {
    return {
        version: r.i32le(),
        prevBlock: r.hash(),
        merkleRoot: r.hash(),
        timestamp: r.u32le(),
        bits: r.u32le(),
        nonce: r.u32le(),
    };
}
/** Write an 80-byte header. */
export function writeBlockHeader(w, h) {
    w.i32le(h.version).hash(h.prevBlock).hash(h.merkleRoot).u32le(h.timestamp).u32le(h.bits).u32le(h.nonce);
}
/** Serialize a header to its 80 bytes. */
export function encodeBlockHeader(h) {
    const out = new Uint8Array(BLOCK_HEADER_SIZE);
    const v = new DataView(out.buffer);
    v.setInt32(0, h.version, true);
    out.set(h.prevBlock, 4);
    out.set(h.merkleRoot, 36);
    v.setUint32(68, h.timestamp, true);
    v.setUint32(72, h.bits, true);
    v.setUint32(76, h.nonce, true);
    return out;
}
/** The block hash (hash256 of the header), in wire order. */
export function blockHash(h) {
    return sha256d(encodeBlockHeader(h));
}
