import {
  EMPTY,
  Observable,
  catchError,
  Subject,
  Subscription,
  concatMap,
  concatWith,
  defer,
  from,
  ignoreElements,
  mergeMap,
  skip,
  takeUntil,
  tap,
  throwError,
  type SchedulerLike,
} from 'rxjs';
import type { Peer } from '../peer/peer-api.js';
import { DownloadError, DownloadErrorCode } from '../download/download-error.js';
import type { LinkEstimate } from '../download/link-estimate.js';
import type { WalletEvent } from '../wallet/wallet-tracker.js';
import { followAnnouncements } from './announced-transactions.js';
import { CompactFilterError, CompactFilterErrorCode } from './filter-client.js';
import { FilterHeaderSync } from './filter-header-sync.js';
import type { FilterHeaderStore } from './filter-header-store.js';
import { scriptsMatcher, walletMatcher } from './filter-matcher.js';
import { scanFilters, type ScanStep } from './filter-scan.js';
import { servesBlocks, servesFilters, sourceList } from './filter-sources.js';
import type { PeerSet } from './peer-set.js';
import { peerWorkers } from './peer-workers.js';
import { ScanProgress } from './scan-progress.js';
import { ScriptLookahead } from './script-lookahead.js';
import { SecondPasses } from './second-passes.js';
import { scannedBefore, trackerFor, type WatchSourceOptions } from './watch-bip37.js';
import type { ChainEntry } from '../chain/chain-entry.js';
import type { Block } from '../wire/messages/block.js';

/** Options of {@link watchBip158}. */
export interface WatchBip158Options extends Omit<WatchSourceOptions, 'source'> {
  /**
   * One peer, several, or a pool: filter headers are cross-checked between
   * the peers that serve filters; filters come from all of them at once and
   * blocks from every peer, each request sized to its peer's speed. A pool's
   * peers are used as they join; with none left the watch waits.
   */
  source: Peer | readonly Peer[] | PeerSet;
  /** How long a peer may take to answer a filter-header request, ms (downloads time out by each peer's measured speed). @default 30000 */
  timeoutMs?: number;
  /**
   * Where the verified filter headers are kept: a store that outlives the
   * watch (`fileFilterHeaderStore`) lets the next one go on from its height
   * and ask peers only for what is new. @default memoryFilterHeaderStore()
   */
  filterHeaders?: FilterHeaderStore;
  /** Indices past those derived that a descriptor wallet matches ahead of time, per keychain. @default 100 */
  lookahead?: number;
  /** Timers of the downloads. @default asyncScheduler */
  scheduler?: SchedulerLike;
}

/**
 * Watch scripts through BIP157/158 compact filters: the filter headers are
 * synced from the header chain's root (genesis, or for a chain started at a
 * checkpoint from the filter header below it that the peers agree on, see
 * `anchorFilterHeaders`) and cross-checked between peers (a liar is found from
 * the block itself and disconnected); then the filters from `from` on are
 * downloaded from every peer that serves them at once (the download
 * scheduler: requests sized per peer, a stalled, vanished or lying peer's
 * work redone elsewhere at once), each checked against its header and
 * matched as it arrives, and every matching block is fetched from any
 * peer, checked against the header chain (hash and merkle root) and
 * searched, in height order. Nothing is revealed to the peers about the
 * scripts. A descriptor wallet's next addresses are matched ahead of time,
 * so a payment to an address beyond the gap limit costs its block, not a
 * second pass. Unconfirmed transactions come from the peers' `inv`
 * announcements.
 */
export function watchBip158(options: WatchBip158Options): Observable<WalletEvent> {
  const { chain } = options;
  const source = sourceList(options.source);
  return new Observable<WalletEvent>((subscriber) => {
    const subs = new Subscription();
    const tracker = trackerFor(options);
    let scanned = scannedBefore(options);
    const sessionFirst = scanned + 1;
    const rescanFrom = options.birthday ?? sessionFirst;
    const headers = new FilterHeaderSync(source, chain, options.filterHeaders, options.timeoutMs);
    const state = headers.state;
    const progress = new ScanProgress(scanned, options.onScanned);
    const lookahead = new ScriptLookahead(tracker.keychains, options.lookahead);
    const match = walletMatcher(tracker, lookahead);
    const owed = new SecondPasses(lookahead, Math.max(rescanFrom, chain.root.height + 1), sessionFirst);
    /** Scripts were derived whose earlier blocks are not all checked yet: progress holds. */
    let holding = false;
    const advanceTo = (height: number): void => {
      scanned = height;
      if (!holding) progress.advance(height);
    };
    const emit = (e: WalletEvent | undefined): void => {
      if (!e) return;
      subscriber.next(e);
      tracker.commit(e);
    };
    const search = (entry: ChainEntry, block: Block): void => {
      block.transactions.forEach((tx, index) =>
        emit(tracker.see(tx, { height: entry.height, blockHash: entry.hashHex, proof: { kind: 'block', index } })),
      );
    };
    /** Scripts just derived: their lookahead hits are fetched; those not matched ahead need a second pass. */
    const derived = (again: Subject<number>): void => {
      const fresh = tracker.takeFresh();
      if (!fresh) return;
      holding = true;
      for (const h of owed.derived(fresh.scripts)) again.next(h);
    };
    // What the scans learn of each peer's link: a later scan (a new tip) starts from it, not from a guess.
    const links = new WeakMap<Peer, LinkEstimate>();
    const filterPeers = peerWorkers(source, servesFilters);
    const blockPeers = peerWorkers(source, servesBlocks);
    const pass = (first: number, last: number, matcher: (e: ChainEntry, f: Uint8Array) => boolean): Observable<never> =>
      defer(() => {
        const again = new Subject<number>();
        return scanFilters({
          chain,
          first,
          last,
          hashOf: (entry) => state.hashOfBlock(entry.height, entry.hash),
          match: matcher,
          filterPeers,
          blockPeers,
          again$: again,
          links,
          ...(options.scheduler ? { scheduler: options.scheduler } : {}),
        }).pipe(
          tap((step: ScanStep) => {
            if (step.type === 'scanned') {
              // Every height is told, one by one, as the old one-peer scan did (a progress bar moves per block).
              if (matcher === match) for (let h = scanned + 1; h <= step.height; h++) advanceTo(h);
              return;
            }
            search(step.entry, step.block);
            if (tracker.hasFresh) derived(again);
          }),
          ignoreElements(),
        );
      });
    /** Second passes, merged into one range at a time, until no script is left unchecked. */
    const secondPasses = (): Observable<never> =>
      defer(() => {
        const next = owed.take(scanned);
        return next ? pass(next.from, next.to, scriptsMatcher(next.scripts)).pipe(concatWith(secondPasses())) : EMPTY;
      });
    const scan = (): Observable<never> =>
      defer(() => from(Promise.all([headers.sync(), lookahead.prepare()]).then(([top]) => top))).pipe(
        // The chain reorganised while the filter headers were checked: this scan ends, the one the reorganisation kicked goes on.
        catchError((e: unknown) =>
          e instanceof CompactFilterError && e.code === CompactFilterErrorCode.Reorganised ? EMPTY : throwError(() => e),
        ),
        mergeMap((top) => (scanned < top ? pass(scanned + 1, top, match) : EMPTY)),
        concatWith(secondPasses()),
        concatWith(
          defer(() => {
            holding = false;
            tracker.settle();
            progress.advance(scanned);
            return EMPTY;
          }),
        ),
      );

    const triggers = new Subject<void>();
    const aborts = new Subject<void>();
    // At most one scan waits behind the running one: a burst of tips (a header sync) becomes one more scan, not one each.
    let waiting = false;
    const kick = (): void => {
      if (waiting) return;
      waiting = true;
      triggers.next();
    };
    subs.add(
      triggers
        .pipe(
          concatMap(() => {
            waiting = false;
            return scan().pipe(takeUntil(aborts));
          }),
        )
        .subscribe({ error: (e: unknown) => void lastWords(e, source).then((x) => subscriber.error(x)) }),
    );
    subs.add(
      chain.reorg$.subscribe((r) => {
        for (const e of tracker.disconnect(r.disconnected.map((d) => d.hashHex))) emit(e);
        state.truncate(r.forkHeight).catch((e: unknown) => subscriber.error(e));
        scanned = Math.min(scanned, r.forkHeight);
        progress.rewind(r.forkHeight);
        aborts.next(); // a scan running over the blocks that left stops; the next one starts from the fork
        kick();
      }),
    );
    subs.add(chain.tip$.pipe(skip(1)).subscribe(kick));
    subs.add(followAnnouncements(source, tracker, (tx) => emit(tracker.see(tx))));
    kick();
    return subs;
  });
}

/**
 * The error a watch over a list of peers ends with when the last one left:
 * a lone peer's own error says more than "no peers"; several peers' errors
 * are the causes of a `no-peers`.
 */
async function lastWords(e: unknown, source: readonly Peer[] | PeerSet): Promise<unknown> {
  if (!(e instanceof DownloadError) || e.code !== DownloadErrorCode.NoWorkers || !Array.isArray(source)) return e;
  const peers = source as readonly Peer[];
  const errors = (await Promise.all(peers.map((p) => p.closed))).flatMap((d) => (d.error ? [d.error] : []));
  if (peers.length === 1 && errors[0]) return errors[0];
  const why = errors.map((x) => x.message).join('; ');
  return new CompactFilterError(CompactFilterErrorCode.NoPeers, `no peer left to serve compact filters${why ? ` (${why})` : ''}`, '', {
    cause: errors,
  });
}
