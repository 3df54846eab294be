import type { Transaction } from '../wire/transaction.js';
import type { WalletProof } from '../wallet/wallet-tracker.js';
import type { HeightRanges } from './height-ranges.js';
import type { RegistrationKind } from './notify-requests.js';

/** Where a transaction was found: a block of the best chain, and the proof. */
export interface BlockPlace {
  /** Height of the block. */
  height: number;
  /** Its hash, display hex. */
  blockHash: string;
  /** How the transaction was proved to be in it. */
  proof: WalletProof;
}

/**
 * One registration as the notifier drives it: what it looks for (a script
 * for the filters, transaction ids and outpoints for the blocks), the heights
 * it still has to have checked, and its reactions to what is found. Its
 * state is the fold of the events it delivered, so a stored registration is
 * restored by replaying them ({@link Watcher.replay}).
 */
export interface Watcher<E = unknown> {
  /** What kind of registration it is. */
  readonly kind: RegistrationKind;
  /** Its identity in a store: the kind and what was asked. */
  readonly key: string;
  /** The script matched against compact filters (and loaded into bloom filters). */
  readonly script: Uint8Array;
  /** Transactions it wants to see, by id (display hex). */
  readonly txids: readonly string[];
  /** Outputs whose spends it wants to see (`txid:vout`). */
  readonly outpoints: readonly string[];
  /** The height hint it was registered with: no height below it is ever needed. */
  readonly heightHint: number;
  /** Heights still to be checked for it. */
  readonly needs: HeightRanges;
  /** The block that holds what it last told (a confirmation, a spend), when it is in one. */
  readonly confirmedIn: { height: number; blockHash: string } | undefined;
  /** Whether it has nothing more to say (its Observable completes). */
  readonly done: boolean;
  /** A transaction that has one of its txids or spends one of its outpoints: in a block, or unconfirmed (no place). */
  saw(tx: Transaction, txid: string, place: BlockPlace | undefined): void;
  /** The best chain's tip is now at `height`. */
  tip(height: number): void;
  /** These blocks (display hex) left the best chain. */
  disconnected(hashes: ReadonlySet<string>): void;
  /** Every height it needs up to `tip` (the best chain's) has been checked. */
  caughtUp(tip: number): void;
  /** Apply an event it delivered before (restoring it from a store). */
  replay(e: E): void;
}

/** Where a watcher's events go: delivered to its subscriber, then applied to its state and recorded. */
export type Sink<E> = (e: E) => void;
