import { readBlockHeader, writeBlockHeader } from '../block-header.js';
import { MIN_TRANSACTION_SIZE, readTransaction, writeTransaction } from '../transaction.js';
/** Most transactions a block can hold: 4 MB of the smallest possible transactions. */
export const MAX_TRANSACTIONS_PER_BLOCK = Math.floor(4_000_000 / MIN_TRANSACTION_SIZE);
/** Read a block (header, count, transactions). */
export function readBlock(r) {
    const header = readBlockHeader(r);
    const n = r.count(MAX_TRANSACTIONS_PER_BLOCK, MIN_TRANSACTION_SIZE, 'transaction');
    const transactions = new Array(n);
    for (let i = 0; i < n; i++)
        transactions[i] = readTransaction(r);
    return { header, transactions };
}
/** Write a block. */
export function writeBlock(w, b) {
    writeBlockHeader(w, b.header);
    w.varint(b.transactions.length);
    for (const tx of b.transactions)
        writeTransaction(w, tx);
}
/** Decode a `block` payload. */
export function decodeBlock(r) {
    return { command: 'block', block: readBlock(r) };
}
/** Encode a `block` payload. */
export function encodeBlock(w, m) {
    writeBlock(w, m.block);
}
