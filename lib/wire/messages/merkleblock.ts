import { readBlockHeader, writeBlockHeader, type BlockHeader } from '../block-header.js';
import type { ByteReader } from '../reader.js';
import { checkLimit, type ByteWriter } from '../writer.js';
import { MAX_TRANSACTIONS_PER_BLOCK } from './block.js';

/** Most flag bytes a partial merkle tree can need. */
export const MAX_MERKLE_FLAG_BYTES = Math.ceil((2 * MAX_TRANSACTIONS_PER_BLOCK) / 8);

/** `merkleblock` (BIP37): a header and a partial merkle tree of matched transactions. */
export interface MerkleBlockMessage {
  /** Command name. */
  command: 'merkleblock';
  /** Block header. */
  header: BlockHeader;
  /** Number of transactions in the block. */
  totalTransactions: number;
  /** Hashes of the partial merkle tree, depth-first, wire order. */
  hashes: Uint8Array[];
  /** Flag bits, depth-first, least significant bit first. */
  flags: Uint8Array;
}

/** Built by a constructor, not a literal: V8 pretenures literal allocation sites once an app keeps decoded messages (see transaction.ts). */
class MerkleBlock implements MerkleBlockMessage {
  readonly command = 'merkleblock';
  header: BlockHeader;
  totalTransactions: number;
  hashes: Uint8Array[];
  flags: Uint8Array;
  constructor(header: BlockHeader, totalTransactions: number, hashes: Uint8Array[], flags: Uint8Array) {
    this.header = header;
    this.totalTransactions = totalTransactions;
    this.hashes = hashes;
    this.flags = flags;
  }
}

/** Decode a `merkleblock` payload. */
export function decodeMerkleBlock(r: ByteReader): MerkleBlockMessage {
  const header = readBlockHeader(r);
  const totalTransactions = r.u32le();
  const n = r.count(MAX_TRANSACTIONS_PER_BLOCK, 32, 'merkle hash');
  const hashes = new Array<Uint8Array>(n);
  for (let i = 0; i < n; i++) hashes[i] = r.hash();
  return new MerkleBlock(header, totalTransactions, hashes, r.varBytes(MAX_MERKLE_FLAG_BYTES, 'flags'));
}

/** Encode a `merkleblock` payload. */
export function encodeMerkleBlock(w: ByteWriter, m: MerkleBlockMessage): void {
  checkLimit(m.hashes.length, MAX_TRANSACTIONS_PER_BLOCK, 'merkleblock hashes');
  writeBlockHeader(w, m.header);
  w.u32le(m.totalTransactions).varint(m.hashes.length);
  for (const h of m.hashes) w.hash(h);
  w.varBytes(m.flags);
}
