import type { ByteReader } from '../reader.js';
import { readTransaction, writeTransaction, type Transaction } from '../transaction.js';
import type { ByteWriter } from '../writer.js';

/** `tx`: one transaction (BIP144 serialization when it has witness data). */
export interface TxMessage {
  /** Command name. */
  command: 'tx';
  /** The transaction. */
  tx: Transaction;
}

/** Decode a `tx` payload. */
export function decodeTx(r: ByteReader): TxMessage {
  return { command: 'tx', tx: readTransaction(r) };
}

/** Encode a `tx` payload. */
export function encodeTx(w: ByteWriter, m: TxMessage): void {
  writeTransaction(w, m.tx);
}
