import { allocBytes } from '../wire/byte-pool.js';
import { BLOCK_HEADER_SIZE, type BlockHeader } from '../wire/block-header.js';
import { hashFromHex } from '../wire/hex.js';
import type { ChainParams } from './params.js';

/**
 * A header's 80 raw bytes: copied from raw bytes, or, for a header decoded
 * from a message (its hashes are views 4 and 36 bytes into the header's
 * bytes, and every field still reads as it did), a view of those bytes
 * (no copy: a sync decodes about a million headers); else serialized from
 * its fields.
 */
export function rawOf(h: BlockHeader | Uint8Array): Uint8Array {
  if (!(h instanceof Uint8Array)) {
    const view = decodedFrom(h);
    if (view) return view;
  }
  if (h instanceof Uint8Array) {
    if (h.length !== BLOCK_HEADER_SIZE) throw new RangeError(`a raw header is ${BLOCK_HEADER_SIZE} bytes, got ${h.length}`);
    const copy = allocBytes(BLOCK_HEADER_SIZE);
    copy.set(h);
    return copy;
  }
  const out = allocBytes(BLOCK_HEADER_SIZE);
  const put32 = (o: number, v: number): void => {
    out[o] = v;
    out[o + 1] = v >>> 8;
    out[o + 2] = v >>> 16;
    out[o + 3] = v >>> 24;
  };
  put32(0, h.version);
  // A loop beats TypedArray#set for 32 bytes (its call overhead dominates), and this runs twice per header.
  const prev = h.prevBlock;
  const root = h.merkleRoot;
  if (prev.length !== 32 || root.length !== 32) throw new RangeError('header hashes are 32 bytes');
  for (let i = 0; i < 32; i++) {
    out[4 + i] = prev[i]!;
    out[36 + i] = root[i]!;
  }
  put32(68, h.timestamp);
  put32(72, h.bits);
  put32(76, h.nonce);
  return out;
}

/** The genesis header of a network's rules, decoded. */
export function genesisHeader(params: ChainParams): BlockHeader {
  const g = params.genesis;
  return {
    version: g.version,
    prevBlock: new Uint8Array(32),
    merkleRoot: hashFromHex(g.merkleRoot),
    timestamp: g.timestamp,
    bits: g.bits,
    nonce: g.nonce,
  };
}

/** The raw genesis header of a network's rules. */
export function genesisRaw(params: ChainParams): Uint8Array {
  return rawOf(genesisHeader(params));
}

/** A little-endian unsigned 32-bit number at `o`. */
export function readU32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}

/** The bytes a decoded header was read from, when its fields still match them. */
function decodedFrom(h: BlockHeader): Uint8Array | undefined {
  const prev = h.prevBlock;
  const root = h.merkleRoot;
  const at = prev.byteOffset - 4;
  if (root.buffer !== prev.buffer || root.byteOffset !== prev.byteOffset + 32 || at < 0 || at + 80 > prev.buffer.byteLength)
    return undefined;
  const raw = new Uint8Array(prev.buffer, at, 80);
  const same =
    (readU32(raw, 0) | 0) === (h.version | 0) &&
    readU32(raw, 68) === h.timestamp &&
    readU32(raw, 72) === h.bits &&
    readU32(raw, 76) === h.nonce;
  return same ? raw : undefined;
}
