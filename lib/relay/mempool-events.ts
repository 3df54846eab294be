import type { Peer } from '../peer/peer-api.js';
import type { Transaction } from '../wire/transaction.js';

/** Why a transaction left the view. */
export type MempoolRemoval =
  /** A block holds it. */
  | 'confirmed'
  /** A block spends one of the outputs it spends. */
  | 'conflict'
  /** The oldest made room for a newer one within the byte budget. */
  | 'evicted'
  /** Removed by {@link MempoolView.remove}. */
  | 'removed';

/** Why a fetched transaction was not kept. */
export type MempoolDrop =
  /** Larger than {@link MAX_MEMPOOL_TX_SIZE} (or the whole budget). */
  | 'too-large'
  /** Fails the context-free checks (no inputs or outputs, a duplicate input, a null input, amounts out of range). */
  | 'invalid'
  /** Sent without being asked for. */
  | 'unrequested';

/** What a mempool view tells. */
export type MempoolEvent =
  | {
      /** A transaction joined. */
      type: 'added';
      /** Its txid, display hex. */
      txid: string;
      /** Its wtxid, display hex. */
      wtxid: string;
      /** The transaction. */
      tx: Transaction;
      /** Its serialized size. */
      bytes: number;
      /** The peer it came from. */
      peer: Peer;
    }
  | {
      /** A transaction left. */
      type: 'removed';
      /** Its txid, display hex. */
      txid: string;
      /** Why. */
      reason: MempoolRemoval;
    }
  | {
      /** A transaction received was not kept. */
      type: 'dropped';
      /** Its txid, display hex. */
      txid: string;
      /** Why. */
      reason: MempoolDrop;
      /** The peer that sent it. */
      peer: Peer;
    };
