import type { HeaderChain } from '../chain/header-chain.js';
import type { Peer } from '../peer/peer-api.js';
import { FilterHeaderChain } from './filter-header-chain.js';
import type { FilterHeaderStore } from './filter-header-store.js';
import { syncFilterHeaders } from './filter-headers.js';
import { filterClientsOf } from './filter-sources.js';
import { oneAtATime } from './one-at-a-time.js';
import type { PeerSet } from './peer-set.js';

/**
 * Verified filter headers kept beside a header chain and synced with the
 * peers serving filters, one sync at a time: a scan stopped by a
 * reorganisation (or by its last registration leaving) leaves its sync
 * running, and the next one waits for it rather than writing beside it.
 */
export class FilterHeaderSync {
  /** The verified filter headers. */
  readonly state: FilterHeaderChain;
  /** Sync with the peers serving filters now (waiting for one); resolves with the height a scan may go to. */
  readonly sync: () => Promise<number>;

  /**
   * @param source - the peers asked
   * @param chain - the header chain the filter headers follow
   * @param store - where they are kept @default memory
   * @param timeoutMs - how long a peer may take to answer a filter-header request
   */
  constructor(source: readonly Peer[] | PeerSet, chain: HeaderChain, store?: FilterHeaderStore, timeoutMs?: number) {
    const state = new FilterHeaderChain(store);
    this.state = state;
    this.sync = oneAtATime(async () => {
      await syncFilterHeaders(await filterClientsOf(source, timeoutMs), chain, state);
      // The chain may have grown while the filter headers were asked for: scan what they cover; a later tip scans the rest.
      return Math.min(chain.height, state.height);
    });
  }
}
