import { readBlockHeader, writeBlockHeader, type BlockHeader } from '../block-header.js';
import type { ByteReader } from '../reader.js';
import { MIN_TRANSACTION_SIZE, readTransaction, writeTransaction, type Transaction } from '../transaction.js';
import type { ByteWriter } from '../writer.js';

/** Most transactions a block can hold: 4 MB of the smallest possible transactions. */
export const MAX_TRANSACTIONS_PER_BLOCK = Math.floor(4_000_000 / MIN_TRANSACTION_SIZE);

/** A block: header and transactions. */
export interface Block {
  /** The 80-byte header. */
  header: BlockHeader;
  /** Transactions, coinbase first. */
  transactions: Transaction[];
}

/** `block`: a full block. */
export interface BlockMessage {
  /** Command name. */
  command: 'block';
  /** The block. */
  block: Block;
}

/** Built by a constructor, not a literal: V8 pretenures literal allocation sites once an app keeps decoded messages (see transaction.ts). */
class BlockRecord implements Block {
  header: BlockHeader;
  transactions: Transaction[];
  constructor(header: BlockHeader, transactions: Transaction[]) {
    this.header = header;
    this.transactions = transactions;
  }
}

/** A `block` message (see {@link BlockRecord}). */
class BlockMsg implements BlockMessage {
  readonly command = 'block';
  block: Block;
  constructor(block: Block) {
    this.block = block;
  }
}

/** Read a block (header, count, transactions). */
export function readBlock(r: ByteReader): Block {
  const header = readBlockHeader(r);
  const n = r.count(MAX_TRANSACTIONS_PER_BLOCK, MIN_TRANSACTION_SIZE, 'transaction');
  const transactions = new Array<Transaction>(n);
  for (let i = 0; i < n; i++) transactions[i] = readTransaction(r);
  return new BlockRecord(header, transactions);
}

/** Write a block. */
export function writeBlock(w: ByteWriter, b: Block): void {
  writeBlockHeader(w, b.header);
  w.varint(b.transactions.length);
  for (const tx of b.transactions) writeTransaction(w, tx);
}

/** Decode a `block` payload. */
export function decodeBlock(r: ByteReader): BlockMessage {
  return new BlockMsg(readBlock(r));
}

/** Encode a `block` payload. */
export function encodeBlock(w: ByteWriter, m: BlockMessage): void {
  writeBlock(w, m.block);
}
