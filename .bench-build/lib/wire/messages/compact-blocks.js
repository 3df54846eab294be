import { readBlockHeader, writeBlockHeader } from '../block-header.js';
import { MIN_TRANSACTION_SIZE, readTransaction, writeTransaction } from '../transaction.js';
import { checkLimit } from '../writer.js';
/** Most transactions a compact block can reference (MAX_BLOCK_WEIGHT / minimum transaction weight). */
export const MAX_COMPACT_BLOCK_TRANSACTIONS = 100_000;
/** Differentially encoded indexes must stay within 16 bits (BIP152). */
export const MAX_COMPACT_INDEX = 0xffff;
/** Decode a `sendcmpct` payload. */
export function decodeSendCmpct(r) {
    return { command: 'sendcmpct', announce: r.bool(), version: r.u64le() };
}
/** Encode a `sendcmpct` payload. */
export function encodeSendCmpct(w, m) {
    w.bool(m.announce).u64le(m.version);
}
/** Turn a differential index into an absolute one, refusing overflow past 16 bits. */
function undiff(r, previous, diff) {
    const index = previous + diff + 1;
    if (index > MAX_COMPACT_INDEX)
        r.fail('indexes overflowed 16 bits');
    return index;
}
/** Decode a `cmpctblock` payload. */
export function decodeCmpctBlock(r) {
    const header = readBlockHeader(r);
    const nonce = r.u64le();
    const nShort = r.count(MAX_COMPACT_BLOCK_TRANSACTIONS, 6, 'short id');
    const shortIds = new Array(nShort);
    for (let i = 0; i < nShort; i++)
        shortIds[i] = r.u48le();
    const nPre = r.count(MAX_COMPACT_BLOCK_TRANSACTIONS - nShort, 1 + MIN_TRANSACTION_SIZE, 'prefilled transaction');
    const prefilled = new Array(nPre);
    let last = -1;
    for (let i = 0; i < nPre; i++) {
        last = undiff(r, last, r.varint());
        prefilled[i] = { index: last, tx: readTransaction(r) };
    }
    return { command: 'cmpctblock', header, nonce, shortIds, prefilled };
}
/** Encode a `cmpctblock` payload. */
export function encodeCmpctBlock(w, m) {
    checkLimit(m.shortIds.length + m.prefilled.length, MAX_COMPACT_BLOCK_TRANSACTIONS, 'cmpctblock transactions');
    writeBlockHeader(w, m.header);
    w.u64le(m.nonce).varint(m.shortIds.length);
    for (const id of m.shortIds)
        w.u48le(id);
    w.varint(m.prefilled.length);
    let last = -1;
    for (const p of m.prefilled) {
        if (p.index <= last)
            throw new RangeError('prefilled indexes must increase');
        w.varint(p.index - last - 1);
        last = p.index;
        writeTransaction(w, p.tx);
    }
}
/** Decode a `getblocktxn` payload. */
export function decodeGetBlockTxn(r) {
    const blockHash = r.hash();
    const n = r.count(MAX_COMPACT_BLOCK_TRANSACTIONS, 1, 'index');
    const indexes = new Array(n);
    let last = -1;
    for (let i = 0; i < n; i++)
        indexes[i] = last = undiff(r, last, r.varint());
    return { command: 'getblocktxn', blockHash, indexes };
}
/** Encode a `getblocktxn` payload. */
export function encodeGetBlockTxn(w, m) {
    checkLimit(m.indexes.length, MAX_COMPACT_BLOCK_TRANSACTIONS, 'getblocktxn indexes');
    w.hash(m.blockHash).varint(m.indexes.length);
    let last = -1;
    for (const index of m.indexes) {
        if (index <= last)
            throw new RangeError('getblocktxn indexes must increase');
        w.varint(index - last - 1);
        last = index;
    }
}
/** Decode a `blocktxn` payload. */
export function decodeBlockTxn(r) {
    const blockHash = r.hash();
    const n = r.count(MAX_COMPACT_BLOCK_TRANSACTIONS, MIN_TRANSACTION_SIZE, 'transaction');
    const transactions = new Array(n);
    for (let i = 0; i < n; i++)
        transactions[i] = readTransaction(r);
    return { command: 'blocktxn', blockHash, transactions };
}
/** Encode a `blocktxn` payload. */
export function encodeBlockTxn(w, m) {
    checkLimit(m.transactions.length, MAX_COMPACT_BLOCK_TRANSACTIONS, 'blocktxn transactions');
    w.hash(m.blockHash).varint(m.transactions.length);
    for (const tx of m.transactions)
        writeTransaction(w, tx);
}
