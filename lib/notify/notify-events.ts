import type { BlockHeader } from '../wire/block-header.js';
import type { Transaction } from '../wire/transaction.js';
import type { BlockRef } from '../wallet/wallet-records.js';
import type { WalletProof } from '../wallet/wallet-tracker.js';

/** One more confirmation of a watched transaction (see {@link ChainNotifier.confirmations}). */
export interface ConfirmationUpdate {
  /** Always `confirmation`. */
  type: 'confirmation';
  /** The transaction id, display hex. */
  txid: string;
  /** Blocks on the best chain from its block to the tip, that block included (1 … depth). */
  confirmations: number;
  /** Height of the block that holds it. */
  height: number;
  /** Hash of that block, display hex. */
  blockHash: string;
  /** The transaction. */
  tx: Transaction;
  /** How it was proved to be in that block. */
  proof: WalletProof;
}

/** A block that held what was reported left the best chain: its confirmations or spend no longer count. */
export interface ReorgedNotice {
  /** Always `reorged`. */
  type: 'reorged';
  /** The transaction that was confirmed (a confirmation) or that spent the output (a spend), display hex. */
  txid: string;
  /** Height of the block that left. */
  height: number;
  /** Hash of the block that left, display hex. */
  blockHash: string;
}

/** What {@link ChainNotifier.confirmations} emits. */
export type ConfirmationEvent = ConfirmationUpdate | ReorgedNotice;

/** The watched output was spent (see {@link ChainNotifier.spends}). */
export interface SpendNotice {
  /** Always `spent`. */
  type: 'spent';
  /** The output spent, `txid:vout`. */
  outpoint: string;
  /** The spending transaction's id, display hex. */
  txid: string;
  /** The input of it that spends the output. */
  inputIndex: number;
  /** The spending transaction. */
  tx: Transaction;
  /** Height of its block; absent while it is in the mempool. */
  height?: number;
  /** Hash of its block, display hex; absent while it is in the mempool. */
  blockHash?: string;
  /** How it was proved to be in that block; absent while it is in the mempool. */
  proof?: WalletProof;
}

/** The block that held a told spend left the best chain: the output is unspent there until the spend is found again. */
export interface SpendReorged extends ReorgedNotice {
  /** The output whose spend no longer counts, `txid:vout`. */
  outpoint: string;
}

/** What {@link ChainNotifier.spends} emits (a `reorged` notice names the spending transaction). */
export type SpendEvent = SpendNotice | SpendReorged;

/** What {@link ChainNotifier.utxo} answers. */
export type UtxoAnswer =
  | {
      /** The output exists and nothing on the best chain spends it. */
      status: 'unspent';
      /** The output, `txid:vout`. */
      outpoint: string;
      /** Satoshis. */
      value: bigint;
      /** Its script. */
      script: Uint8Array;
      /** Height of the block that created it. */
      height: number;
      /** Hash of that block, display hex. */
      blockHash: string;
      /** Every block up to this height was checked. */
      tip: number;
    }
  | {
      /** A transaction on the best chain spends it. */
      status: 'spent';
      /** The output, `txid:vout`. */
      outpoint: string;
      /** The spending transaction's id, display hex. */
      txid: string;
      /** Its input that spends the output. */
      inputIndex: number;
      /** The spending transaction. */
      tx: Transaction;
      /** Height of its block. */
      height: number;
      /** Hash of its block, display hex. */
      blockHash: string;
      /** Every block up to this height was checked. */
      tip: number;
    }
  | {
      /** No block from the height hint to the tip creates it. */
      status: 'missing';
      /** The output, `txid:vout`. */
      outpoint: string;
      /** Every block up to this height was checked. */
      tip: number;
    };

/** What {@link ChainNotifier.blocks$} emits. */
export type BlockEpoch =
  | {
      /** A block joined the best chain (the tip first, then each one as it comes, lowest first). */
      type: 'block';
      /** Its height. */
      height: number;
      /** Its hash, display hex. */
      hash: string;
      /** Its header. */
      header: BlockHeader;
    }
  | {
      /** Blocks left the best chain (their replacements follow as `block`s). */
      type: 'reorged';
      /** Height of the last block both branches share. */
      forkHeight: number;
      /** The blocks that left, lowest first. */
      disconnected: BlockRef[];
    };
