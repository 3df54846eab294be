import { EMPTY, Observable, defer, filter, from, ignoreElements, map, merge, mergeMap, repeat, retry, take, timer } from 'rxjs';
import type { Peer } from '../peer/peer.js';
import { ServiceFlag, hasService } from '../wire/services.js';
import type { FilterHeaderStore } from './filter-header-store.js';
import { isPeerSet, type PeerSet } from './peer-set.js';
import { syncHeaders } from './sync-headers.js';
import type { WalletEvent } from './wallet-tracker.js';
import { watchBip37, type WatchSourceOptions } from './watch-bip37.js';
import { watchBip158 } from './watch-bip158.js';

/** How {@link watch} learns about the wallet's transactions. */
export type WatchMethod = 'bip158' | 'bip37';

/** Options of {@link watch}. */
export interface WatchOptions extends Omit<WatchSourceOptions, 'source'> {
  /**
   * The peer, several (BIP158 cross-checks filter headers between them;
   * BIP37 uses the first), or a pool: its peers at the time, and again with
   * the pool's peers then whenever the watch fails (a peer lied, stalled or
   * left), from the first block not yet checked (blocks found meanwhile are
   * scanned too), without repeating an event already emitted.
   */
  source: Peer | readonly Peer[] | PeerSet;
  /**
   * `bip158` (compact filters: private, verifiable) or `bip37` (bloom
   * filters: the peer learns the scripts). Default: BIP158 when the peer
   * advertises NODE_COMPACT_FILTERS, else BIP37 when it advertises NODE_BLOOM.
   */
  method?: WatchMethod;
  /** Also keep `chain` in sync from the peers (`syncHeaders`). @default true */
  syncChain?: boolean;
  /** How long a peer may take to answer a BIP157 request, ms. @default 30000 */
  timeoutMs?: number;
  /** BIP158: where the verified filter headers are kept (see `watchBip158`). @default memoryFilterHeaderStore() */
  filterHeaders?: FilterHeaderStore;
}

/** The method `auto` picks for a peer's services, or undefined when it offers neither. */
export function watchMethodFor(services: bigint): WatchMethod | undefined {
  if (hasService(services, ServiceFlag.CompactFilters)) return 'bip158';
  if (hasService(services, ServiceFlag.Bloom)) return 'bip37';
  return undefined;
}

/**
 * Tell a wallet about its transactions as they appear, confirm and are
 * reorganised away, with proof: BIP158 compact filters (the block is fetched
 * and checked against the verified header chain) or BIP37 bloom filters (a
 * verified partial merkle tree). Rescans from `from` (a wallet's birthday),
 * then follows the chain live.
 *
 * @param options - chain, peer(s), scripts, birthday, method
 * @returns events `{ type: 'tx', txid, tx, status, height?, blockHash?, proof?, received, spent }`
 * @example
 * ```ts
 * import { addressToScript, createHeaderChain, watch, networks } from 'rxbtc';
 * const network = networks.regtest;
 * const chain = createHeaderChain({ network });
 * watch({ chain, source: peer, scripts: [addressToScript('bcrt1q…', network)], from: 0 })
 *   .subscribe((e) => console.log(e.status, e.txid, e.height));
 * ```
 */
export function watch(options: WatchOptions): Observable<WalletEvent> {
  const source = options.source;
  if (isPeerSet(source)) return watchSet(source, options);
  const peers = Array.isArray(options.source) ? (options.source as readonly Peer[]) : [options.source as Peer];
  const first = peers[0];
  if (!first) throw new RangeError('watch needs at least one peer');
  const sync$ =
    options.syncChain === false
      ? EMPTY
      : merge(...peers.map((p) => syncHeaders(p, options.chain))).pipe(mergeMap(() => EMPTY as Observable<WalletEvent>));
  const events$ = defer(() =>
    from(first.handshake).pipe(
      mergeMap((n) => {
        const method = options.method ?? watchMethodFor(n.remote.services);
        if (method === undefined)
          throw new RangeError(`the peer offers neither compact filters (NODE_COMPACT_FILTERS) nor bloom filters (NODE_BLOOM)`);
        const base = {
          chain: options.chain,
          scripts: options.scripts,
          ...(options.from === undefined ? {} : { from: options.from }),
          ...(options.onScanned === undefined ? {} : { onScanned: options.onScanned }),
        };
        return method === 'bip158'
          ? watchBip158({
              ...base,
              source: peers,
              ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
              ...(options.filterHeaders === undefined ? {} : { filterHeaders: options.filterHeaders }),
            })
          : watchBip37({ ...base, source: first });
      }),
    ),
  );
  return merge(events$, sync$);
}

/** Attempts in a row (each with the pool's peers of the moment) before a pool watch gives up. */
const POOL_WATCH_ATTEMPTS = 20;
/** Pause before the next attempt, ms. */
const POOL_WATCH_RETRY_MS = 1000;

/** The pool's connected peers, those offering compact filters first, then bloom: once it has one. */
function currentPeers(set: PeerSet): Observable<Peer[]> {
  const rank = (p: Peer): number => {
    const method = watchMethodFor(p.stats().services);
    return method === 'bip158' ? 0 : method === 'bip37' ? 1 : 2;
  };
  return set.peers$.pipe(
    filter((e) => e.type === 'added'),
    take(1),
    map(() =>
      set
        .peers()
        .map((m) => m.peer)
        .filter((p) => p.connected)
        .sort((a, b) => rank(a) - rank(b)),
    ),
  );
}

function watchSet(set: PeerSet, options: WatchOptions): Observable<WalletEvent> {
  const seen = new Set<string>();
  // Each attempt goes on from the first block the ones before did not finish checking: blocks found while no peer
  // was watching (the pool was redialling) are scanned too, not skipped.
  let resume = options.from;
  const onScanned = (height: number): void => {
    resume = height + 1;
    options.onScanned?.(height);
  };
  const events$ = defer(() => currentPeers(set)).pipe(
    mergeMap((peers) => {
      resume ??= options.chain.height + 1;
      return watch({ ...options, source: peers, syncChain: false, from: resume, onScanned });
    }),
    repeat({ delay: () => timer(POOL_WATCH_RETRY_MS) }), // the peers left: again with the pool's peers then
    retry({ count: POOL_WATCH_ATTEMPTS, delay: () => timer(POOL_WATCH_RETRY_MS), resetOnSuccess: true }),
    filter((e) => {
      const key = `${e.txid}:${e.status}:${e.blockHash ?? ''}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    }),
  );
  return options.syncChain === false ? events$ : merge(events$, syncHeaders(set, options.chain).pipe(ignoreElements()));
}
