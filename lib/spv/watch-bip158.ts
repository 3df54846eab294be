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
  type Subscriber,
} from 'rxjs';
import type { Reorg } from '../chain/header-chain-api.js';
import type { HeaderChain } from '../chain/header-chain.js';
import type { Peer } from '../peer/peer-api.js';
import { DownloadError, DownloadErrorCode } from '../download/download-error.js';
import type { WorkerChange } from '../download/download-job.js';
import type { LinkEstimate } from '../download/link-estimate.js';
import type { WalletEvent, WalletTracker } from '../wallet/wallet-tracker.js';
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
  return new Observable<WalletEvent>((subscriber) => new Bip158Watch(options, subscriber).start());
}

/** Whether a block's filter matches (see `filter-matcher.ts`). */
type FilterMatcher = (entry: ChainEntry, filter: Uint8Array) => boolean;

/** The state of one {@link watchBip158} subscription. */
class Bip158Watch {
  private readonly options: WatchBip158Options;
  private readonly chain: HeaderChain;
  private readonly source: readonly Peer[] | PeerSet;
  private readonly subscriber: Subscriber<WalletEvent>;
  private readonly tracker: WalletTracker;
  private readonly headers: FilterHeaderSync;
  private readonly progress: ScanProgress;
  private readonly lookahead: ScriptLookahead;
  /** The wallet's matcher: its scripts and the descriptors' lookahead. */
  private readonly match: FilterMatcher;
  private readonly owed: SecondPasses;
  /** The last height scanned. */
  private scanned: number;
  /** Scripts were derived whose earlier blocks are not all checked yet: progress holds. */
  private holding = false;
  /** What the scans learn of each peer's link: a later scan (a new tip) starts from it, not from a guess. */
  private readonly links = new WeakMap<Peer, LinkEstimate>();
  private readonly filterPeers: Observable<WorkerChange<Peer>>;
  private readonly blockPeers: Observable<WorkerChange<Peer>>;
  private readonly triggers = new Subject<void>();
  private readonly aborts = new Subject<void>();
  /** A scan waits behind the running one (at most one: a burst of tips, a header sync, becomes one more scan, not one each). */
  private waiting = false;

  constructor(options: WatchBip158Options, subscriber: Subscriber<WalletEvent>) {
    this.options = options;
    this.chain = options.chain;
    this.source = sourceList(options.source);
    this.subscriber = subscriber;
    this.tracker = trackerFor(options);
    this.scanned = scannedBefore(options);
    const sessionFirst = this.scanned + 1;
    const rescanFrom = options.birthday ?? sessionFirst;
    this.headers = new FilterHeaderSync(this.source, this.chain, options.filterHeaders, options.timeoutMs);
    this.progress = new ScanProgress(this.scanned, options.onScanned);
    this.lookahead = new ScriptLookahead(this.tracker.keychains, options.lookahead);
    this.match = walletMatcher(this.tracker, this.lookahead);
    this.owed = new SecondPasses(this.lookahead, Math.max(rescanFrom, this.chain.root.height + 1), sessionFirst);
    this.filterPeers = peerWorkers(this.source, servesFilters);
    this.blockPeers = peerWorkers(this.source, servesBlocks);
  }

  /** Scan now, again at each new tip (one at a time), from the fork after a reorganisation; follow announcements. */
  start(): Subscription {
    const { chain, tracker, subscriber, source } = this;
    const subs = new Subscription();
    subs.add(
      this.triggers
        .pipe(
          concatMap(() => {
            this.waiting = false;
            return this.scan().pipe(takeUntil(this.aborts));
          }),
        )
        .subscribe({ error: (e: unknown) => void lastWords(e, source).then((x) => subscriber.error(x)) }),
    );
    subs.add(chain.reorg$.subscribe((r) => this.onReorg(r)));
    subs.add(chain.tip$.pipe(skip(1)).subscribe(() => this.kick()));
    subs.add(followAnnouncements(source, tracker, (tx) => this.emit(tracker.see(tx))));
    this.kick();
    return subs;
  }

  private kick(): void {
    if (this.waiting) return;
    this.waiting = true;
    this.triggers.next();
  }

  /** Blocks left the best chain: what they told is undone, the running scan stops, the next starts from the fork. */
  private onReorg(r: Reorg): void {
    for (const e of this.tracker.disconnect(r.disconnected.map((d) => d.hashHex))) this.emit(e);
    this.headers.state.truncate(r.forkHeight).catch((e: unknown) => this.subscriber.error(e));
    this.scanned = Math.min(this.scanned, r.forkHeight);
    this.progress.rewind(r.forkHeight);
    this.aborts.next();
    this.kick();
  }

  private advanceTo(height: number): void {
    this.scanned = height;
    if (!this.holding) this.progress.advance(height);
  }

  private emit(e: WalletEvent | undefined): void {
    if (!e) return;
    this.subscriber.next(e);
    this.tracker.commit(e);
  }

  /** A matched block: each of its transactions shown to the tracker, with its proof. */
  private search(entry: ChainEntry, block: Block): void {
    block.transactions.forEach((tx, index) =>
      this.emit(this.tracker.see(tx, { height: entry.height, blockHash: entry.hashHex, proof: { kind: 'block', index } })),
    );
  }

  /** Scripts just derived: their lookahead hits are fetched (`again`); those not matched ahead need a second pass. */
  private derived(again: Subject<number>): void {
    const fresh = this.tracker.takeFresh();
    if (!fresh) return;
    this.holding = true;
    for (const h of this.owed.derived(fresh.scripts)) again.next(h);
  }

  /**
   * One scan: the filter headers synced (and the lookahead derived), a pass
   * over the new blocks, then the second passes owed; progress released at
   * the end. A reorganisation during the filter-header sync ends it quietly:
   * the scan it kicked goes on.
   */
  private scan(): Observable<never> {
    return defer(() => from(Promise.all([this.headers.sync(), this.lookahead.prepare()]).then(([top]) => top))).pipe(
      catchError((e: unknown) =>
        e instanceof CompactFilterError && e.code === CompactFilterErrorCode.Reorganised ? EMPTY : throwError(() => e),
      ),
      mergeMap((top) => (this.scanned < top ? this.pass(this.scanned + 1, top, this.match) : EMPTY)),
      concatWith(this.secondPasses()),
      concatWith(
        defer(() => {
          this.holding = false;
          this.tracker.settle();
          this.progress.advance(this.scanned);
          return EMPTY;
        }),
      ),
    );
  }

  /** A pass over heights `first`..`last` with `matcher`: the wallet's pass moves progress; every matched block is searched. */
  private pass(first: number, last: number, matcher: FilterMatcher): Observable<never> {
    return defer(() => {
      const again = new Subject<number>();
      const { chain, options, headers } = this;
      return scanFilters({
        chain,
        first,
        last,
        hashOf: (entry) => headers.state.hashOfBlock(entry.height, entry.hash),
        match: matcher,
        filterPeers: this.filterPeers,
        blockPeers: this.blockPeers,
        again$: again,
        links: this.links,
        ...(options.scheduler ? { scheduler: options.scheduler } : {}),
      }).pipe(
        tap((step: ScanStep) => {
          if (step.type === 'scanned') {
            // Every height is told, one by one, as the old one-peer scan did (a progress bar moves per block).
            if (matcher === this.match) for (let h = this.scanned + 1; h <= step.height; h++) this.advanceTo(h);
            return;
          }
          this.search(step.entry, step.block);
          if (this.tracker.hasFresh) this.derived(again);
        }),
        ignoreElements(),
      );
    });
  }

  /** Second passes, merged into one range at a time, until no script is left unchecked. */
  private secondPasses(): Observable<never> {
    return defer(() => {
      const next = this.owed.take(this.scanned);
      return next ? this.pass(next.from, next.to, scriptsMatcher(next.scripts)).pipe(concatWith(this.secondPasses())) : EMPTY;
    });
  }
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
