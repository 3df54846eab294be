import {
  EMPTY,
  Observable,
  Subject,
  concat,
  defer,
  filter,
  finalize,
  from,
  ignoreElements,
  map,
  merge,
  mergeMap,
  of,
  repeat,
  retry,
  take,
  throwError,
  timer,
} from 'rxjs';
import type { HeaderChain } from '../chain/header-chain.js';
import { StoreError } from '../storage/store-error.js';
import type { Peer } from '../peer/peer-api.js';
import type { BlockRef } from '../wallet/wallet-records.js';
import { WalletState } from '../wallet/wallet-state.js';
import type { WalletStore } from '../wallet/wallet-store.js';
import { ServiceFlag, hasService } from '../wire/services.js';
import type { FilterHeaderStore } from './filter-header-store.js';
import { isPeerSet, type PeerSet } from './peer-set.js';
import { syncHeaders } from './sync-headers.js';
import { WalletTracker, type WalletEvent } from '../wallet/wallet-tracker.js';
import { trackerFor, watchBip37, type WatchSourceOptions } from './watch-bip37.js';
import { watchBip158 } from './watch-bip158.js';

/** How {@link watch} learns about the wallet's transactions. */
export type WatchMethod = 'bip158' | 'bip37';

/** Options of {@link watch}. */
export interface WatchOptions extends Omit<WatchSourceOptions, 'source'> {
  /**
   * The peer, several, or a pool. BIP158 cross-checks filter headers
   * between the peers that serve filters and downloads filters and blocks
   * from all of them at once; over a pool it uses peers as they join, asks
   * the pool to keep {@link WANTED_FILTER_PEERS} peers serving filters, and
   * waits while none is connected. BIP37 asks one peer; over a pool, the
   * pool's peer of the moment, again whenever it fails or leaves, from the
   * first block not yet checked (blocks found meanwhile are scanned too),
   * without repeating an event already emitted. Over a pool the watch never
   * ends by itself.
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
  /**
   * Where the wallet is kept across restarts (`fileWalletStore`,
   * `memoryWalletStore`): its scripts and birthday, every event delivered
   * and how far every block was checked. A watch with a store goes on
   * after the last block checked (`from` is needed only for scripts the
   * store does not hold yet), delivers no event twice, and reports with
   * `reorged` events any confirmation whose block left the best chain
   * while it was not running. Events are recorded once delivered to the
   * subscribers; a process killed between the two delivers that one
   * event again.
   */
  store?: WalletStore;
  /** With a `store`: told once where the watch goes on from (before any event). */
  onResume?: (resume: WatchResume) => void;
}

/** Where a watch with a wallet store goes on from (see {@link WatchOptions.onResume}). */
export interface WatchResume {
  /** The first height scanned now, or undefined for only blocks after the tip. */
  from: number | undefined;
  /** The last block checked before, when the store knew one. */
  checked: BlockRef | undefined;
  /** The wallet's birthday. */
  birthday: number | undefined;
  /** Scripts watched. */
  scripts: number;
  /** Events the store held (delivered before, not again). */
  events: number;
  /** Confirmations found reorganised away while the watch was not running (delivered as `reorged` events next). */
  reorged: number;
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
  const peers = isPeerSet(source) ? [] : Array.isArray(source) ? (source as readonly Peer[]) : [source as Peer];
  if (!isPeerSet(source) && peers.length === 0) throw new RangeError('watch needs at least one peer');
  const sync$: Observable<never> =
    options.syncChain === false
      ? EMPTY
      : (isPeerSet(source) ? syncHeaders(source, options.chain) : merge(...peers.map((p) => syncHeaders(p, options.chain)))).pipe(
          ignoreElements(),
        );
  const events$ = options.store ? resumeStored(options, options.store) : eventsOf({ ...options, tracker: trackerFor(options) });
  return merge(events$, sync$);
}

/** The options a watch runs with once its tracker is chosen. */
type Running = WatchOptions & { tracker: WalletTracker };

/** A watch's events from its source (peers or a pool), without keeping the chain in sync. */
function eventsOf(options: Running): Observable<WalletEvent> {
  const source = options.source;
  if (isPeerSet(source)) return watchSet(source, options);
  const peers = Array.isArray(source) ? (source as readonly Peer[]) : [source as Peer];
  const first = peers[0]!;
  return defer(() =>
    from(first.handshake).pipe(
      mergeMap((n) => {
        const method = options.method ?? watchMethodFor(n.remote.services);
        if (method === undefined)
          throw new RangeError(`the peer offers neither compact filters (NODE_COMPACT_FILTERS) nor bloom filters (NODE_BLOOM)`);
        return method === 'bip158' ? bip158Of(options, peers) : watchBip37({ ...baseOf(options), source: first });
      }),
    ),
  );
}

/** What both methods take from a running watch's options. */
function baseOf(options: Running): Omit<WatchSourceOptions, 'source'> {
  return {
    chain: options.chain,
    tracker: options.tracker,
    ...(options.from === undefined ? {} : { from: options.from }),
    ...(options.birthday === undefined ? {} : { birthday: options.birthday }),
    ...(options.onScanned === undefined ? {} : { onScanned: options.onScanned }),
  };
}

/** A BIP158 watch over peers or a set. */
function bip158Of(options: Running, source: readonly Peer[] | PeerSet): Observable<WalletEvent> {
  return watchBip158({
    ...baseOf(options),
    source,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.filterHeaders === undefined ? {} : { filterHeaders: options.filterHeaders }),
  });
}

/** Blocks 1, 2, 4, … below `at` on the best chain (down to its root), or undefined when `at` has left it. */
function blocksBelow(chain: HeaderChain, at: BlockRef): BlockRef[] | undefined {
  if (chain.header(at.height)?.hashHex !== at.hash) return undefined;
  const out: BlockRef[] = [];
  for (let step = 1; at.height - step >= chain.root.height; step *= 2) {
    const e = chain.header(at.height - step)!;
    out.push({ height: e.height, hash: e.hashHex });
  }
  if (out.at(-1)?.height !== chain.root.height) out.push({ height: chain.root.height, hash: chain.root.hashHex });
  return out;
}

/**
 * Where a stored wallet goes on from, once the chain is as high as its last
 * checked block: after it while it is still on the best chain; else after
 * the highest stored block below it that is, with a `reorged` event for
 * every confirmation whose block left the best chain meanwhile.
 */
function resumePoint(chain: HeaderChain, wallet: WalletState): Observable<{ from: number | undefined; reorged: WalletEvent[] }> {
  const c = wallet.checked;
  const onBest = (ref: BlockRef): boolean => chain.header(ref.height)?.hashHex === ref.hash;
  const settle = (): { from: number | undefined; reorged: WalletEvent[] } => {
    if (!c || onBest(c)) return { from: wallet.resumeFrom, reorged: [] };
    const fork = c.below.find(onBest)?.height ?? chain.root.height;
    const gone = new Set<string>();
    for (const x of wallet.tracker.confirmations().values())
      if (x.height > fork && x.height <= chain.height && !onBest({ height: x.height, hash: x.blockHash })) gone.add(x.blockHash);
    return { from: Math.min(wallet.resumeFrom ?? fork + 1, fork + 1), reorged: wallet.tracker.disconnect([...gone]) };
  };
  if (!c || chain.height >= c.height) return defer(() => of(settle()));
  // The chain is not as high yet (a header store behind the wallet's): wait for the sync to get there.
  return chain.tip$.pipe(
    filter((t) => t.height >= c.height),
    take(1),
    map(settle),
  );
}

/** A watch that restores its wallet from `store`, records what it delivers, and goes on where the last one stopped. */
function resumeStored(options: WatchOptions, store: WalletStore): Observable<WalletEvent> {
  return defer(() => {
    const { chain } = options;
    const failure = new Subject<never>();
    const begin = {
      network: chain.network.name,
      scripts: options.scripts ?? [],
      from: options.from ?? chain.height + 1,
      ...(options.descriptors ? { descriptors: options.descriptors } : {}),
      ...(options.gapLimit === undefined ? {} : { gapLimit: options.gapLimit }),
      ...(options.wallet ? { view: options.wallet } : {}),
    };
    const wallet = new WalletState(store, begin, (e: unknown) => failure.error(e));
    const failed: Observable<never> = failure.asObservable();
    const onScanned = (height: number): void => {
      const ref = (): BlockRef | undefined => {
        const e = chain.header(height);
        return e && { height, hash: e.hashHex };
      };
      wallet.scanned({ height, ref }, (at) => blocksBelow(chain, at));
      options.onScanned?.(height);
    };
    const events$: Observable<WalletEvent> = resumePoint(chain, wallet).pipe(
      mergeMap(({ from: start, reorged }) => {
        options.onResume?.({
          from: start,
          checked: wallet.checked && { height: wallet.checked.height, hash: wallet.checked.hash },
          birthday: wallet.birthday,
          scripts: wallet.scripts.length,
          events: wallet.restoredEvents,
          reorged: reorged.length,
        });
        const run: Running = {
          ...options,
          scripts: wallet.scripts,
          tracker: wallet.tracker,
          onScanned,
          ...(wallet.birthday === undefined ? {} : { birthday: wallet.birthday }),
          ...(start === undefined ? {} : { from: start }),
        };
        return concat(delivered(reorged, wallet.tracker), eventsOf(run));
      }),
    );
    return merge(events$, failed).pipe(finalize(() => void wallet.flush()));
  });
}

/** Deliver events, each handed to the tracker's journal once its subscribers have it. */
function delivered(events: readonly WalletEvent[], tracker: WalletTracker): Observable<WalletEvent> {
  return new Observable<WalletEvent>((subscriber) => {
    for (const e of events) {
      if (subscriber.closed) return;
      subscriber.next(e);
      tracker.commit(e);
    }
    subscriber.complete();
  });
}

/** An error no other peer can cure: options that cannot work, a store that fails. */
function isCallersError(e: unknown): boolean {
  return e instanceof RangeError || e instanceof TypeError || e instanceof StoreError;
}

/** Pause before a BIP37 watch over a pool tries again with the pool's peers then, ms. */
const POOL_WATCH_RETRY_MS = 1000;
/** Peers serving compact filters a BIP158 watch over a pool asks it to keep (cross-checking and parallel download). */
export const WANTED_FILTER_PEERS = 8;

/** The method for a set: the one asked for, else the first joining peer's best (compact filters before bloom). */
function methodOf(set: PeerSet, asked: WatchMethod | undefined): Observable<WatchMethod> {
  if (asked) return of(asked);
  return set.peers$.pipe(
    filter((e) => e.type === 'added' && watchMethodFor(e.peer.stats().services) !== undefined),
    take(1),
    map(() => {
      const methods = set.peers().map((m) => watchMethodFor(m.peer.stats().services));
      return methods.includes('bip158') ? 'bip158' : 'bip37';
    }),
  );
}

/** Connected peers of the set, bloom peers first (BIP37 asks the first). */
function bloomPeers(set: PeerSet): Peer[] {
  const rank = (p: Peer): number => (hasService(p.stats().services, ServiceFlag.Bloom) ? 0 : 1);
  return set
    .peers()
    .map((m) => m.peer)
    .filter((p) => p.connected)
    .sort((a, b) => rank(a) - rank(b));
}

/**
 * A watch over a set of peers (a pool). BIP158 runs on the set itself: it
 * uses the peers as they join, waits when none is left, and the set is
 * asked to keep {@link WANTED_FILTER_PEERS} peers serving filters. BIP37
 * asks one peer: each attempt goes on, with the peers of the moment, from
 * the first block the ones before did not finish checking, without telling
 * anything twice (the tracker is shared); the peer leaving is a wait for the
 * next one, never an end.
 */
function watchSet(set: PeerSet, options: Running): Observable<WalletEvent> {
  let resume = options.from;
  const onScanned = (height: number): void => {
    resume = height + 1;
    options.onScanned?.(height);
  };
  return methodOf(set, options.method).pipe(
    mergeMap((method) => {
      const attempt = (): Observable<WalletEvent> => {
        resume ??= options.chain.height + 1;
        const running = { ...options, method, from: resume, onScanned };
        return method === 'bip158' ? bip158Of(running, set) : eventsOf({ ...running, source: bloomPeers(set) });
      };
      const attempts$ =
        method === 'bip158'
          ? defer(attempt)
          : defer(() =>
              set.peers$.pipe(
                filter((e) => e.type === 'added'),
                take(1),
              ),
            ).pipe(
              mergeMap(attempt),
              repeat({ delay: () => timer(POOL_WATCH_RETRY_MS) }), // the peer left: again with the pool's peers then
            );
      const kept$ = attempts$.pipe(
        retry({ delay: (e: unknown) => (isCallersError(e) ? throwError(() => e) : timer(POOL_WATCH_RETRY_MS)) }),
      );
      if (method !== 'bip158' || !set.want) return kept$;
      const wanting = set.want.bind(set);
      return new Observable<WalletEvent>((subscriber) => {
        const want = wanting({ services: ServiceFlag.CompactFilters, count: WANTED_FILTER_PEERS });
        const sub = kept$.subscribe(subscriber);
        return () => {
          sub.unsubscribe();
          want.release();
        };
      });
    }),
  );
}
