import { readBlockHeader, writeBlockHeader, type BlockHeader } from '../block-header.js';
import type { ByteReader } from '../reader.js';
import { MIN_TRANSACTION_SIZE, readTransaction, writeTransaction, type Transaction } from '../transaction.js';
import { checkLimit, type ByteWriter } from '../writer.js';

/** Most transactions a compact block can reference (MAX_BLOCK_WEIGHT / minimum transaction weight). */
export const MAX_COMPACT_BLOCK_TRANSACTIONS = 100_000;
/** Differentially encoded indexes must stay within 16 bits (BIP152). */
export const MAX_COMPACT_INDEX = 0xffff;

/** `sendcmpct` (BIP152): announce or request compact block relay. */
export interface SendCmpctMessage {
  /** Command name. */
  command: 'sendcmpct';
  /** True asks for high-bandwidth mode (blocks pushed as `cmpctblock`). */
  announce: boolean;
  /** Compact block version: 1 (txid) or 2 (wtxid). */
  version: bigint;
}

/** A transaction sent in full inside a compact block. */
export interface PrefilledTransaction {
  /** Absolute index in the block. */
  index: number;
  /** The transaction. */
  tx: Transaction;
}

/** `cmpctblock` (BIP152): a header, 6-byte short ids and prefilled transactions. */
export interface CmpctBlockMessage {
  /** Command name. */
  command: 'cmpctblock';
  /** Block header. */
  header: BlockHeader;
  /** Nonce salting the short ids. */
  nonce: bigint;
  /** 48-bit short transaction ids. */
  shortIds: number[];
  /** Transactions sent in full (coinbase at least). */
  prefilled: PrefilledTransaction[];
}

/** `getblocktxn` (BIP152): ask for the transactions a compact block lacked. */
export interface GetBlockTxnMessage {
  /** Command name. */
  command: 'getblocktxn';
  /** Block hash, wire order. */
  blockHash: Uint8Array;
  /** Absolute, increasing transaction indexes. */
  indexes: number[];
}

/** `blocktxn` (BIP152): the transactions asked for by `getblocktxn`. */
export interface BlockTxnMessage {
  /** Command name. */
  command: 'blocktxn';
  /** Block hash, wire order. */
  blockHash: Uint8Array;
  /** Transactions in the order asked for. */
  transactions: Transaction[];
}

/*
 * Decoded messages are built by constructors, not literals: V8 pretenures
 * literal allocation sites once an app keeps decoded messages (see
 * transaction.ts).
 */
class SendCmpct implements SendCmpctMessage {
  readonly command = 'sendcmpct';
  announce: boolean;
  version: bigint;
  constructor(announce: boolean, version: bigint) {
    this.announce = announce;
    this.version = version;
  }
}

class Prefilled implements PrefilledTransaction {
  index: number;
  tx: Transaction;
  constructor(index: number, tx: Transaction) {
    this.index = index;
    this.tx = tx;
  }
}

class CmpctBlock implements CmpctBlockMessage {
  readonly command = 'cmpctblock';
  header: BlockHeader;
  nonce: bigint;
  shortIds: number[];
  prefilled: PrefilledTransaction[];
  constructor(header: BlockHeader, nonce: bigint, shortIds: number[], prefilled: PrefilledTransaction[]) {
    this.header = header;
    this.nonce = nonce;
    this.shortIds = shortIds;
    this.prefilled = prefilled;
  }
}

class GetBlockTxn implements GetBlockTxnMessage {
  readonly command = 'getblocktxn';
  blockHash: Uint8Array;
  indexes: number[];
  constructor(blockHash: Uint8Array, indexes: number[]) {
    this.blockHash = blockHash;
    this.indexes = indexes;
  }
}

class BlockTxn implements BlockTxnMessage {
  readonly command = 'blocktxn';
  blockHash: Uint8Array;
  transactions: Transaction[];
  constructor(blockHash: Uint8Array, transactions: Transaction[]) {
    this.blockHash = blockHash;
    this.transactions = transactions;
  }
}

/** Decode a `sendcmpct` payload. */
export function decodeSendCmpct(r: ByteReader): SendCmpctMessage {
  const announce = r.bool();
  return new SendCmpct(announce, r.u64le());
}

/** Encode a `sendcmpct` payload. */
export function encodeSendCmpct(w: ByteWriter, m: SendCmpctMessage): void {
  w.bool(m.announce).u64le(m.version);
}

/** Turn a differential index into an absolute one, refusing overflow past 16 bits. */
function undiff(r: ByteReader, previous: number, diff: number): number {
  const index = previous + diff + 1;
  if (index > MAX_COMPACT_INDEX) r.fail('indexes overflowed 16 bits');
  return index;
}

/** Decode a `cmpctblock` payload. */
export function decodeCmpctBlock(r: ByteReader): CmpctBlockMessage {
  const header = readBlockHeader(r);
  const nonce = r.u64le();
  const nShort = r.count(MAX_COMPACT_BLOCK_TRANSACTIONS, 6, 'short id');
  const shortIds = new Array<number>(nShort);
  for (let i = 0; i < nShort; i++) shortIds[i] = r.u48le();
  const nPre = r.count(MAX_COMPACT_BLOCK_TRANSACTIONS - nShort, 1 + MIN_TRANSACTION_SIZE, 'prefilled transaction');
  const prefilled = new Array<PrefilledTransaction>(nPre);
  let last = -1;
  for (let i = 0; i < nPre; i++) {
    last = undiff(r, last, r.varint());
    prefilled[i] = new Prefilled(last, readTransaction(r));
  }
  return new CmpctBlock(header, nonce, shortIds, prefilled);
}

/** Encode a `cmpctblock` payload. */
export function encodeCmpctBlock(w: ByteWriter, m: CmpctBlockMessage): void {
  checkLimit(m.shortIds.length + m.prefilled.length, MAX_COMPACT_BLOCK_TRANSACTIONS, 'cmpctblock transactions');
  writeBlockHeader(w, m.header);
  w.u64le(m.nonce).varint(m.shortIds.length);
  for (const id of m.shortIds) w.u48le(id);
  w.varint(m.prefilled.length);
  let last = -1;
  for (const p of m.prefilled) {
    if (p.index <= last) throw new RangeError('prefilled indexes must increase');
    w.varint(p.index - last - 1);
    last = p.index;
    writeTransaction(w, p.tx);
  }
}

/** Decode a `getblocktxn` payload. */
export function decodeGetBlockTxn(r: ByteReader): GetBlockTxnMessage {
  const blockHash = r.hash();
  const n = r.count(MAX_COMPACT_BLOCK_TRANSACTIONS, 1, 'index');
  const indexes = new Array<number>(n);
  let last = -1;
  for (let i = 0; i < n; i++) indexes[i] = last = undiff(r, last, r.varint());
  return new GetBlockTxn(blockHash, indexes);
}

/** Encode a `getblocktxn` payload. */
export function encodeGetBlockTxn(w: ByteWriter, m: GetBlockTxnMessage): void {
  checkLimit(m.indexes.length, MAX_COMPACT_BLOCK_TRANSACTIONS, 'getblocktxn indexes');
  w.hash(m.blockHash).varint(m.indexes.length);
  let last = -1;
  for (const index of m.indexes) {
    if (index <= last) throw new RangeError('getblocktxn indexes must increase');
    w.varint(index - last - 1);
    last = index;
  }
}

/** Decode a `blocktxn` payload. */
export function decodeBlockTxn(r: ByteReader): BlockTxnMessage {
  const blockHash = r.hash();
  const n = r.count(MAX_COMPACT_BLOCK_TRANSACTIONS, MIN_TRANSACTION_SIZE, 'transaction');
  const transactions = new Array<Transaction>(n);
  for (let i = 0; i < n; i++) transactions[i] = readTransaction(r);
  return new BlockTxn(blockHash, transactions);
}

/** Encode a `blocktxn` payload. */
export function encodeBlockTxn(w: ByteWriter, m: BlockTxnMessage): void {
  checkLimit(m.transactions.length, MAX_COMPACT_BLOCK_TRANSACTIONS, 'blocktxn transactions');
  w.hash(m.blockHash).varint(m.transactions.length);
  for (const tx of m.transactions) writeTransaction(w, tx);
}
