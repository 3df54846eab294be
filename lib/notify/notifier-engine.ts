import { Observable, merge, type SchedulerLike } from 'rxjs';
import type { HeaderChain } from '../chain/header-chain.js';
import type { Peer } from '../peer/peer-api.js';
import { followAnnouncements } from '../spv/announced-transactions.js';
import type { FilterHeaderStore } from '../spv/filter-header-store.js';
import type { PeerSet } from '../spv/peer-set.js';
import { WANTED_FILTER_PEERS } from '../spv/watch.js';
import { WalletTracker } from '../wallet/wallet-tracker.js';
import { ServiceFlag } from '../wire/services.js';
import { scanForWatchers } from './bip158-scanner.js';
import type { WatcherRegistry } from './watcher-registry.js';

/** What {@link notifierEngine} runs on. */
export interface EngineOptions {
  /** The verified header chain. */
  chain: HeaderChain;
  /** The peers. */
  source: readonly Peer[] | PeerSet;
  /** The registrations. */
  registry: WatcherRegistry;
  /** Where the verified filter headers are kept. */
  filterHeaders?: FilterHeaderStore | undefined;
  /** BIP157 request timeout, ms. */
  timeoutMs?: number | undefined;
  /** Download timers. */
  scheduler?: SchedulerLike | undefined;
  /** Told each height up to which every block was checked for the running registrations. */
  onChecked?: ((height: number) => void) | undefined;
}

/**
 * The network work of a notifier, while subscribed: the scan for its
 * registrations, and the peers' transaction announcements handed to them
 * (mempool spends); a pool is asked to keep peers serving compact filters.
 */
export function notifierEngine(options: EngineOptions): Observable<never> {
  const { registry, source } = options;
  const mempool$ = new Observable<never>(() =>
    // Every announced transaction is fetched once (nothing is "known" to an empty tracker) and searched for spends.
    followAnnouncements(source, new WalletTracker([]), (tx) => registry.searchTx(tx)),
  );
  const engine$ = merge(scanForWatchers(options), mempool$);
  const set = Array.isArray(source) ? undefined : (source as PeerSet);
  const want = set?.want?.bind(set);
  if (!want) return engine$;
  return new Observable<never>((subscriber) => {
    const hold = want({ services: ServiceFlag.CompactFilters, count: WANTED_FILTER_PEERS });
    const sub = engine$.subscribe(subscriber);
    return () => {
      sub.unsubscribe();
      hold.release();
    };
  });
}
