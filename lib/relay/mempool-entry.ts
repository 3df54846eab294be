import { ByteReader } from '../wire/reader.js';
import { readTransaction, type Transaction } from '../wire/transaction.js';
import type { RebuildCandidate } from './rebuild-block.js';

/**
 * Memory a kept transaction takes beyond its serialized bytes, estimated:
 * the entry, its wtxid, the hex keys of both ids and its map slots (V8
 * measured 500–550 bytes on 20,000–80,000 real-shaped transactions; the
 * rest is margin for the remembered ids and map slack after evictions:
 * `npm run bench -- --only relay` checks a full view against its budget).
 */
export const MEMPOOL_ENTRY_OVERHEAD = 600;
/** …and per input: its outpoint key and slot in the spender index. */
export const MEMPOOL_INPUT_OVERHEAD = 150;

/**
 * A kept transaction: its serialized bytes, decoded only when asked for
 * (a decoded transaction takes about three times its bytes).
 */
export class Entry implements RebuildCandidate {
  /** Its serialization, with witness. */
  readonly raw: Uint8Array;
  /** Its wtxid, wire order. */
  readonly wtxid: Uint8Array;
  /** Its txid, display hex. */
  readonly txidHex: string;
  /** Its wtxid, display hex. */
  readonly wtxidHex: string;
  /** Outpoint keys of its inputs. */
  readonly spends: string[];
  /** Its estimated memory, counted against the budget. */
  readonly cost: number;
  /** @param spends - outpoint keys ({@link outpointKey}) of its inputs */
  constructor(raw: Uint8Array, wtxid: Uint8Array, txidHex: string, wtxidHex: string, spends: string[]) {
    this.raw = raw;
    this.wtxid = wtxid;
    this.txidHex = txidHex;
    this.wtxidHex = wtxidHex;
    this.spends = spends;
    this.cost = raw.length + MEMPOOL_ENTRY_OVERHEAD + spends.length * MEMPOOL_INPUT_OVERHEAD;
  }
  /** The transaction, decoded from its bytes. */
  get tx(): Transaction {
    return readTransaction(new ByteReader(this.raw));
  }
}

/**
 * A remembered id: the first 52 bits of its display hex, as a number (a
 * tenth of the memory of the hex; a collision among 100,000 ids, odds of
 * one in 45 billion per transaction, skips one transaction).
 */
export const recentKey = (hex: string): number => parseInt(hex.slice(0, 13), 16);

/** An outpoint as a 36-character one-byte string (the txid's bytes, then the index's): half the memory of hex. */
export const outpointKey = (hash: Uint8Array, vout: number): string =>
  String.fromCharCode(...hash, vout & 0xff, (vout >>> 8) & 0xff, (vout >>> 16) & 0xff, vout >>> 24);
