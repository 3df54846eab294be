import type { Peer } from '../peer/peer-api.js';
import type { Block } from '../wire/messages/block.js';
import type { RebuildFailure } from './rebuild-block.js';

/** A block received, and what it cost. */
export interface CompactBlockEvent {
  /** The block, checked against its header (merkle root, witness commitment). */
  block: Block;
  /** Its hash, display hex. */
  hash: string;
  /** The height its coinbase states (BIP34), when it states one. */
  height?: number;
  /** The peer it came from. */
  peer: Peer;
  /** `compact`: rebuilt from a `cmpctblock`; `full`: the whole block was downloaded. */
  via: 'compact' | 'full';
  /** Transactions taken from the mempool view. */
  fromMempool: number;
  /** Transactions sent in full inside the `cmpctblock`. */
  prefilled: number;
  /** Transactions asked for with `getblocktxn`. */
  requested: number;
  /** Bytes received for it: every message (header included) of its `cmpctblock`, `blocktxn` and `block`. */
  bytes: number;
  /** Why the compact block could not be used, when the full block was downloaded after one. */
  fallback?: RebuildFailure | 'timeout';
}
