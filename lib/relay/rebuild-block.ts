import type { Block } from '../wire/messages/block.js';
import type { CmpctBlockMessage } from '../wire/messages/compact-blocks.js';
import type { Transaction } from '../wire/transaction.js';
import { checkBlockTransactions, type BlockCheckFailure } from './check-block.js';
import { shortIdKey, shortTxId } from './short-ids.js';

/** A transaction a rebuild may use, with its wtxid (a mempool knows it already). */
export interface RebuildCandidate {
  /** The transaction. */
  tx: Transaction;
  /** Its wtxid, wire order. */
  wtxid: Uint8Array;
}

/** Why a compact block cannot be rebuilt and the full block is needed. */
export type RebuildFailure =
  /** Two short ids of the compact block are equal (BIP152: fetch the full block). */
  | 'duplicate-short-ids'
  /** A prefilled index lies beyond the block. */
  | 'bad-prefilled-index'
  /** A `blocktxn` did not hold as many transactions as asked for. */
  | 'blocktxn-count'
  /** The rebuilt transactions do not match the header (a short-id collision or a wrong `blocktxn` transaction). */
  | BlockCheckFailure;

/**
 * One compact block being rebuilt (BIP152): the prefilled transactions
 * placed, every short id looked up among the candidates (a short id two
 * candidates share is left missing, as Bitcoin Core does), and what is
 * still missing listed for a `getblocktxn`. Pure: no peer, no time.
 */
export class BlockRebuild {
  /** The block's transactions, undefined where missing. */
  private readonly slots: (Transaction | undefined)[];
  /** Absolute indexes still missing, increasing. */
  missing: number[] = [];
  /** Transactions found among the candidates. */
  readonly fromCandidates: number;
  /** Transactions sent in full inside the compact block. */
  readonly prefilled: number;
  /** The compact block. */
  readonly message: CmpctBlockMessage;
  /** Set when the full block is needed instead. */
  failure: RebuildFailure | undefined;

  /**
   * @param message - the `cmpctblock`
   * @param candidates - transactions that may be in the block (a mempool's)
   */
  constructor(message: CmpctBlockMessage, candidates: Iterable<RebuildCandidate>) {
    this.message = message;
    const total = message.shortIds.length + message.prefilled.length;
    this.slots = new Array<Transaction | undefined>(total);
    this.prefilled = message.prefilled.length;
    const filled = new Uint8Array(total);
    for (const p of message.prefilled) {
      if (p.index >= total) {
        this.failure = 'bad-prefilled-index';
        this.fromCandidates = 0;
        return;
      }
      this.slots[p.index] = p.tx;
      filled[p.index] = 1;
    }
    // Short id → the absolute index of its slot.
    const bySlot = new Map<number, number>();
    let s = 0;
    for (const id of message.shortIds) {
      while (filled[s]) s++;
      if (bySlot.has(id)) {
        this.failure = 'duplicate-short-ids';
        this.fromCandidates = 0;
        return;
      }
      bySlot.set(id, s++);
    }
    const key = shortIdKey(message.header, message.nonce);
    const collided = new Set<number>();
    let found = 0;
    for (const c of candidates) {
      const slot = bySlot.get(shortTxId(key, c.wtxid));
      if (slot === undefined || collided.has(slot)) continue;
      if (this.slots[slot] === undefined) {
        this.slots[slot] = c.tx;
        found++;
      } else if (!filled[slot]) {
        // A second candidate with this short id: which one the block holds is unknown, so ask for it.
        this.slots[slot] = undefined;
        collided.add(slot);
        found--;
      }
    }
    this.fromCandidates = found;
    for (let i = 0; i < total; i++) if (this.slots[i] === undefined) this.missing.push(i);
  }

  /**
   * Place the transactions of a `blocktxn` answering {@link missing}.
   * @returns whether the count matched (else {@link failure} is set)
   */
  fill(transactions: readonly Transaction[]): boolean {
    if (transactions.length !== this.missing.length) {
      this.failure = 'blocktxn-count';
      return false;
    }
    this.missing.forEach((index, i) => (this.slots[index] = transactions[i]));
    this.missing = [];
    return true;
  }

  /**
   * The block once nothing is missing, checked against its header
   * ({@link checkBlockTransactions}); undefined (with {@link failure} set)
   * when it does not match.
   */
  block(): Block | undefined {
    if (this.failure || this.missing.length > 0) return undefined;
    const block: Block = { header: this.message.header, transactions: this.slots as Transaction[] };
    this.failure = checkBlockTransactions(block);
    return this.failure ? undefined : block;
  }
}
