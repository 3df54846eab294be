import { sha256d } from './hash.js';
import type { ByteReader } from './reader.js';
import type { ByteWriter } from './writer.js';

/** Serialized size of a block header. */
export const BLOCK_HEADER_SIZE = 80;

/** An 80-byte block header. Hashes are in wire order. */
export interface BlockHeader {
  /** Block version (signed; BIP9 bits live here). */
  version: number;
  /** Hash of the previous block. */
  prevBlock: Uint8Array;
  /** Merkle root of the block's transactions. */
  merkleRoot: Uint8Array;
  /** Block time, seconds since 1970. */
  timestamp: number;
  /** Compact target. */
  bits: number;
  /** Proof-of-work nonce. */
  nonce: number;
}

/** A decoded header; a class so V8 does not pretenure it (see transaction.ts). */
class Header implements BlockHeader {
  version: number;
  prevBlock: Uint8Array;
  merkleRoot: Uint8Array;
  timestamp: number;
  bits: number;
  nonce: number;
  constructor(version: number, prevBlock: Uint8Array, merkleRoot: Uint8Array, timestamp: number, bits: number, nonce: number) {
    this.version = version;
    this.prevBlock = prevBlock;
    this.merkleRoot = merkleRoot;
    this.timestamp = timestamp;
    this.bits = bits;
    this.nonce = nonce;
  }
}

/** Read an 80-byte header. */
export function readBlockHeader(r: ByteReader): BlockHeader {
  const at = r.take(BLOCK_HEADER_SIZE); // one bounds check for all six fields
  return new Header(r.u32At(at) | 0, r.viewAt(at + 4, 32), r.viewAt(at + 36, 32), r.u32At(at + 68), r.u32At(at + 72), r.u32At(at + 76));
}

/** Write an 80-byte header. */
export function writeBlockHeader(w: ByteWriter, h: BlockHeader): void {
  w.i32le(h.version).hash(h.prevBlock).hash(h.merkleRoot).u32le(h.timestamp).u32le(h.bits).u32le(h.nonce);
}

/** Serialize a header to its 80 bytes. */
export function encodeBlockHeader(h: BlockHeader): Uint8Array {
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
export function blockHash(h: BlockHeader): Uint8Array {
  return sha256d(encodeBlockHeader(h));
}
