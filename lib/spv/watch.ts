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
  timer,
} from 'rxjs';
import type { HeaderChain } from '../chain/header-chain.js';
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
        const base = {
          chain: options.chain,
          tracker: options.tracker,
          ...(options.from === undefined ? {} : { from: options.from }),
          ...(options.birthday === undefined ? {} : { birthday: options.birthday }),
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

function watchSet(set: PeerSet, options: Running): Observable<WalletEvent> {
  // Each attempt goes on from the first block the ones before did not finish checking: blocks found while no peer
  // was watching (the pool was redialling) are scanned too, not skipped. The tracker is shared: nothing is told twice.
  let resume = options.from;
  const onScanned = (height: number): void => {
    resume = height + 1;
    options.onScanned?.(height);
  };
  return defer(() => currentPeers(set)).pipe(
    mergeMap((peers) => {
      resume ??= options.chain.height + 1;
      return eventsOf({ ...options, source: peers, from: resume, onScanned });
    }),
    repeat({ delay: () => timer(POOL_WATCH_RETRY_MS) }), // the peers left: again with the pool's peers then
    retry({ count: POOL_WATCH_ATTEMPTS, delay: () => timer(POOL_WATCH_RETRY_MS), resetOnSuccess: true }),
  );
}
