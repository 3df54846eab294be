import { readTransaction, writeTransaction } from '../transaction.js';
/** Decode a `tx` payload. */
export function decodeTx(r) {
    return { command: 'tx', tx: readTransaction(r) };
}
/** Encode a `tx` payload. */
export function encodeTx(w, m) {
    writeTransaction(w, m.tx);
}
