import { readBlockHeader, writeBlockHeader } from '../block-header.js';
import { checkLimit } from '../writer.js';
import { MAX_TRANSACTIONS_PER_BLOCK } from './block.js';
/** Most flag bytes a partial merkle tree can need. */
export const MAX_MERKLE_FLAG_BYTES = Math.ceil((2 * MAX_TRANSACTIONS_PER_BLOCK) / 8);
/** Decode a `merkleblock` payload. */
export function decodeMerkleBlock(r) {
    const header = readBlockHeader(r);
    const totalTransactions = r.u32le();
    const n = r.count(MAX_TRANSACTIONS_PER_BLOCK, 32, 'merkle hash');
    const hashes = new Array(n);
    for (let i = 0; i < n; i++)
        hashes[i] = r.hash();
    return { command: 'merkleblock', header, totalTransactions, hashes, flags: r.varBytes(MAX_MERKLE_FLAG_BYTES, 'flags') };
}
/** Encode a `merkleblock` payload. */
export function encodeMerkleBlock(w, m) {
    checkLimit(m.hashes.length, MAX_TRANSACTIONS_PER_BLOCK, 'merkleblock hashes');
    writeBlockHeader(w, m.header);
    w.u32le(m.totalTransactions).varint(m.hashes.length);
    for (const h of m.hashes)
        w.hash(h);
    w.varBytes(m.flags);
}
