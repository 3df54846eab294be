import { Observable, merge, switchMap, type SchedulerLike } from 'rxjs';
import type { HeaderChain } from '../chain/header-chain.js';
import type { Peer } from '../peer/peer-api.js';
import type { LinkEstimate } from '../download/link-estimate.js';
import { followAnnouncements } from '../spv/announced-transactions.js';
import { FilterHeaderSync } from '../spv/filter-header-sync.js';
import type { FilterHeaderStore } from '../spv/filter-header-store.js';
import type { PeerSet } from '../spv/peer-set.js';
import { WANTED_FILTER_PEERS } from '../spv/watch.js';
import { WalletTracker } from '../wallet/wallet-tracker.js';
import { ServiceFlag } from '../wire/services.js';
import { scanWithBloom } from './bip37-scanner.js';
import { scanForWatchers } from './bip158-scanner.js';
import { notifyMethodOf, type NotifyMethod } from './notify-method.js';
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
  /** BIP158 or BIP37; undefined: by the peers' services. */
  method?: NotifyMethod | undefined;
  /** Download timers. */
  scheduler?: SchedulerLike | undefined;
  /** Told each height up to which every block was checked for the running registrations. */
  onChecked?: ((height: number) => void) | undefined;
}

/**
 * The network work of a notifier, while subscribed: the scan for its
 * registrations (BIP158 or BIP37), and the peers' transaction announcements
 * handed to them (mempool spends); a pool is asked to keep peers serving the
 * method's filters.
 */
export function notifierEngine(options: EngineOptions): Observable<never> {
  const { registry, source } = options;
  const mempool$ = new Observable<never>(() =>
    // Every announced transaction is fetched once (nothing is "known" to an empty tracker) and searched for spends.
    followAnnouncements(source, new WalletTracker([]), (tx) => registry.searchTx(tx)),
  );
  // Kept while the notifier lives: a scan started again (after every registration left) goes on from them.
  const filterHeaders = new FilterHeaderSync(source, options.chain, options.filterHeaders, options.timeoutMs);
  const links = new WeakMap<Peer, LinkEstimate>();
  const scan$ = notifyMethodOf(source, options.method).pipe(
    switchMap((method) =>
      method === 'bip37'
        ? withPeers(options, ServiceFlag.Bloom, 1, scanWithBloom(options))
        : withPeers(options, ServiceFlag.CompactFilters, WANTED_FILTER_PEERS, scanForWatchers({ ...options, filterHeaders, links })),
    ),
  );
  return merge(scan$, mempool$);
}

/** While `work$` runs, a pool is asked to keep `count` peers with `services`. */
function withPeers(options: EngineOptions, services: bigint, count: number, work$: Observable<never>): Observable<never> {
  const set = Array.isArray(options.source) ? undefined : (options.source as PeerSet);
  const want = set?.want?.bind(set);
  if (!want) return work$;
  return new Observable<never>((subscriber) => {
    const hold = want({ services, count });
    const sub = work$.subscribe(subscriber);
    return () => {
      sub.unsubscribe();
      hold.release();
    };
  });
}
