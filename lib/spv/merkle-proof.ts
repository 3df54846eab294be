import { blockHash, type BlockHeader } from '../wire/block-header.js';
import { sha256d } from '../wire/hash.js';
import { bytesEqual, hashToHex } from '../wire/hex.js';
import { MAX_TRANSACTIONS_PER_BLOCK } from '../wire/messages/block.js';
import type { MerkleBlockMessage } from '../wire/messages/merkleblock.js';

/** Why a `merkleblock` proof was refused. */
export const MerkleProofErrorCode = {
  /** Transaction count zero, or above what a block can hold. */
  BadCount: 'bad-count',
  /** More hashes than transactions, or more hashes than flag bits. */
  TooManyHashes: 'too-many-hashes',
  /** The tree needs more hashes or flag bits than were sent. */
  Truncated: 'truncated',
  /** Hashes or flag bytes were left over. */
  Unused: 'unused',
  /** Two identical sibling subtrees (CVE-2012-2459). */
  Duplicate: 'duplicate',
  /** The rebuilt root is not the header's merkle root. */
  BadRoot: 'bad-root',
  /** The header is not on the chain it was checked against. */
  UnknownBlock: 'unknown-block',
} as const;

/** One of {@link MerkleProofErrorCode}. */
export type MerkleProofErrorCode = (typeof MerkleProofErrorCode)[keyof typeof MerkleProofErrorCode];

/** A partial merkle tree that does not prove what it claims. */
export class MerkleProofError extends Error {
  static override readonly name = 'MerkleProofError';
  /** The rule that failed. */
  readonly code: MerkleProofErrorCode;
  /**
   * @param code - the rule that failed
   * @param message - details
   */
  constructor(code: MerkleProofErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'MerkleProofError';
    this.code = code;
  }
}

/** A verified merkle proof. */
export interface VerifiedMerkleBlock {
  /** The block's hash, wire order. */
  blockHash: Uint8Array;
  /** The header. */
  header: BlockHeader;
  /** Txids (wire order) the proof includes, in block order. */
  matched: Uint8Array[];
  /** Their positions in the block. */
  indexes: number[];
}

/**
 * Verify a BIP37 partial merkle tree as Bitcoin Core's
 * CPartialMerkleTree::ExtractMatches does: a sane transaction count, no more
 * hashes than transactions or flag bits, every hash and flag byte used (only
 * padding bits of the last byte may be left), no identical sibling subtrees
 * (the CVE-2012-2459 trick that lets a tree with a duplicated transaction
 * claim the same root), and a root equal to the header's merkle root.
 * @param m - the `merkleblock` message
 * @param isKnownBlock - optionally, whether the header is on your chain (e.g. `(h) => chain.isBest(h)`)
 * @throws MerkleProofError naming the rule that failed
 */
export function verifyMerkleBlock(m: MerkleBlockMessage, isKnownBlock?: (hash: Uint8Array) => boolean): VerifiedMerkleBlock {
  const total = m.totalTransactions;
  if (total === 0 || total > MAX_TRANSACTIONS_PER_BLOCK) throw new MerkleProofError(MerkleProofErrorCode.BadCount, `${total} transactions`);
  if (m.hashes.length > total)
    throw new MerkleProofError(MerkleProofErrorCode.TooManyHashes, `${m.hashes.length} hashes for ${total} transactions`);
  if (m.flags.length * 8 < m.hashes.length)
    throw new MerkleProofError(MerkleProofErrorCode.TooManyHashes, `${m.hashes.length} hashes but ${m.flags.length * 8} flag bits`);
  let height = 0;
  while (widthAt(total, height) > 1) height++;
  const state = { bit: 0, hash: 0 };
  const matched: Uint8Array[] = [];
  const indexes: number[] = [];
  const pair = new Uint8Array(64);

  const traverse = (depth: number, pos: number): Uint8Array => {
    if (state.bit >= m.flags.length * 8) throw new MerkleProofError(MerkleProofErrorCode.Truncated, 'ran out of flag bits');
    const parentOfMatch = ((m.flags[state.bit >>> 3]! >>> (state.bit & 7)) & 1) === 1;
    state.bit++;
    if (depth === 0 || !parentOfMatch) {
      const hash = m.hashes[state.hash++];
      if (!hash) throw new MerkleProofError(MerkleProofErrorCode.Truncated, 'ran out of hashes');
      if (depth === 0 && parentOfMatch) {
        matched.push(hash);
        indexes.push(pos);
      }
      return hash;
    }
    const left = traverse(depth - 1, pos * 2);
    let right = left;
    if (pos * 2 + 1 < widthAt(total, depth - 1)) {
      right = traverse(depth - 1, pos * 2 + 1);
      if (bytesEqual(left, right))
        throw new MerkleProofError(MerkleProofErrorCode.Duplicate, 'two identical sibling subtrees (CVE-2012-2459)');
    }
    pair.set(left, 0);
    pair.set(right, 32);
    return sha256d(pair);
  };

  const root = traverse(height, 0);
  if (state.hash !== m.hashes.length)
    throw new MerkleProofError(MerkleProofErrorCode.Unused, `${m.hashes.length - state.hash} hashes not used`);
  if (Math.floor((state.bit + 7) / 8) !== m.flags.length) throw new MerkleProofError(MerkleProofErrorCode.Unused, 'flag bytes not used');
  if (!bytesEqual(root, m.header.merkleRoot))
    throw new MerkleProofError(MerkleProofErrorCode.BadRoot, `root ${hashToHex(root)} is not the header's`);
  const hash = blockHash(m.header);
  if (isKnownBlock && !isKnownBlock(hash))
    throw new MerkleProofError(MerkleProofErrorCode.UnknownBlock, `block ${hashToHex(hash)} is not on the chain`);
  return { blockHash: hash, header: m.header, matched, indexes };
}

/** Nodes at `height` of a tree over `total` leaves. */
function widthAt(total: number, height: number): number {
  return (total + (1 << height) - 1) >> height;
}
