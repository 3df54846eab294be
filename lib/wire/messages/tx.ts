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

/** Built by a constructor, not a literal: V8 pretenures literal allocation sites once an app keeps decoded messages (see transaction.ts). */
class Tx implements TxMessage {
  readonly command = 'tx';
  tx: Transaction;
  constructor(tx: Transaction) {
    this.tx = tx;
  }
}

/** Decode a `tx` payload. */
export function decodeTx(r: ByteReader): TxMessage {
  return new Tx(readTransaction(r));
}

/** Encode a `tx` payload. */
export function encodeTx(w: ByteWriter, m: TxMessage): void {
  writeTransaction(w, m.tx);
}
