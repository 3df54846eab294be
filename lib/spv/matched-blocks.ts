import type { Transaction } from '../wire/transaction.js';

/** Recent transactions remembered to complete a merkleblock whose transaction arrived first. */
const TX_CACHE = 2000;

/** A verified merkleblock and the matched transactions it waits for. */
export interface MatchedBlock {
  height: number;
  /** Display hex. */
  blockHash: string;
  /** Transactions in the block. */
  total: number;
  /** Matched transactions (txid hex) → their index in the block. */
  waiting: Map<string, number>;
  /** Those that arrived. */
  got: Map<string, Transaction>;
  /** Its answer ends a rescan. */
  endsRescan: boolean;
}

/**
 * BIP37's pairing of merkleblocks with the `tx` messages that follow them:
 * blocks whose matched transactions have not all arrived wait, oldest
 * first, and are finished in order once complete (or when the next
 * merkleblock shows the peer sent all it would: a transaction it knows we
 * have is not sent again, so recent ones are remembered).
 */
export class MatchedBlocks {
  private readonly pending: MatchedBlock[] = [];
  private readonly recent = new Map<string, Transaction>();
  private readonly finished: (block: MatchedBlock, tx: (id: string) => Transaction | undefined) => void;

  /** @param finished - told each block finished, in order, with how to look its transactions up */
  constructor(finished: (block: MatchedBlock, tx: (id: string) => Transaction | undefined) => void) {
    this.finished = finished;
  }

  /** A verified merkleblock: it waits for its transactions, or is finished at once when it has none (and ends a rescan). */
  add(block: MatchedBlock): void {
    if (block.waiting.size > 0) this.pending.push(block);
    else if (block.endsRescan) this.finish(block);
  }

  /**
   * A transaction arrived: remembered, and given to the first block waiting
   * for it. Returns the blocks completed by it (finished, in order), or
   * undefined when no block waited for it.
   */
  tx(tx: Transaction, id: string): MatchedBlock[] | undefined {
    this.recent.set(id, tx);
    if (this.recent.size > TX_CACHE) this.recent.delete(this.recent.keys().next().value!);
    const owner = this.pending.find((p) => p.waiting.has(id) && !p.got.has(id));
    if (!owner) return undefined;
    owner.got.set(id, tx);
    const done: MatchedBlock[] = [];
    while (this.pending.length > 0 && this.pending[0]!.got.size === this.pending[0]!.waiting.size) {
      const first = this.pending.shift()!;
      this.finish(first);
      done.push(first);
    }
    return done;
  }

  /** Finish every block still waiting: the peer sent all it will for them. */
  flush(): void {
    while (this.pending.length > 0) this.finish(this.pending.shift()!);
  }

  private finish(block: MatchedBlock): void {
    this.finished(block, (id) => block.got.get(id) ?? this.recent.get(id));
  }
}
