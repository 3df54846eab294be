import { Observable, Subscription, asyncScheduler, type SchedulerLike, type Subscriber } from 'rxjs';
import type { ChainEntry } from '../chain/chain-entry.js';
import type { HeaderChain } from '../chain/header-chain.js';
import type { Peer } from '../peer/peer-api.js';
import { MAX_HEADERS_PER_MESSAGE } from '../wire/messages/headers.js';
import type { PeerSet } from './peer-set.js';
import { RoundTrips } from './round-trips.js';
import { syncFromPeer, type PeerSyncHooks } from './sync-from-peer.js';
import type { SyncHeadersOptions, SyncProgress } from './sync-progress.js';

/**
 * A batch is late once it has taken this many round trips of the fastest
 * other peer (plus {@link LATE_BATCH_RATE} for its bytes). One round trip
 * carries request and reply; the rest is room for TCP's congestion window
 * and the server's own work, so that a peer merely a little slower than the
 * best is not raced for nothing.
 */
const LATE_BATCH_RTTS = 4;
/**
 * Bytes/s at which any reasonable peer delivers a batch (1 MB/s; nodes
 * commonly serve 5 MB/s and more): a full batch's 162 kB take 0.16 s at
 * this rate, so a peer delivering below it is raced even when it is close.
 */
const LATE_BATCH_RATE = 1_000_000;
/** A full `headers` message: the 24-byte envelope, a 3-byte count, 2,000 × (80 bytes + a zero transaction count). */
const BATCH_BYTES = 24 + 3 + MAX_HEADERS_PER_MESSAGE * 81;

/**
 * Sync from a set's best peer; when it fails (invalid headers, a stall, a
 * hang-up) or leaves, go on with the next best one that has not failed, and
 * race a late batch on a faster peer (see `syncHeaders`). Never completes by
 * itself: unsubscribe to stop.
 */
export function syncFromSet(set: PeerSet, chain: HeaderChain, options: SyncHeadersOptions): Observable<SyncProgress> {
  return new Observable<SyncProgress>((subscriber) => new SetHeaderSync(set, chain, options, subscriber).start());
}

/** One peer's sync inside a set sync. */
interface Runner {
  readonly peer: Peer;
  readonly sub: Subscription;
}

/** The highest height a peer claims: its version's start height or a later announcement. */
const claimed = (p: Peer): number => Math.max(p.stats().startHeight, p.stats().lastBlock);

/** The state of one {@link syncFromSet} subscription. */
class SetHeaderSync {
  private readonly subs = new Subscription();
  /** Peers whose sync ended (failed, left): never used again. */
  private readonly done = new WeakSet<Peer>();
  /** Peers that lost a race for a batch: not raced again, used only when no other is left. */
  private readonly outpaced = new WeakSet<Peer>();
  private readonly rtts: RoundTrips;
  private readonly scheduler: SchedulerLike;
  /** The peer synced from, and a peer racing its late batch. */
  private current: Runner | undefined;
  private racer: Runner | undefined;
  /** The batch `current` was asked for (continuing from `from`, asked at `at`), and the timer that races it once late. */
  private inFlight: { from: ChainEntry | undefined; at: number } | undefined;
  private late: Subscription | undefined;
  private readonly set: PeerSet;
  private readonly chain: HeaderChain;
  private readonly options: SyncHeadersOptions;
  private readonly subscriber: Subscriber<SyncProgress>;

  constructor(set: PeerSet, chain: HeaderChain, options: SyncHeadersOptions, subscriber: Subscriber<SyncProgress>) {
    this.set = set;
    this.chain = chain;
    this.options = options;
    this.subscriber = subscriber;
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.rtts = new RoundTrips(this.scheduler);
  }

  /** Measure each peer that joins, and sync from the best one. */
  start(): Subscription {
    this.subs.add(
      this.set.peers$.subscribe((e) => {
        if (e.type !== 'added') return;
        this.subs.add(this.rtts.probe(e.peer, () => this.watch()));
        this.next();
      }),
    );
    this.next();
    return this.subs;
  }

  private usable(p: Peer): boolean {
    return p.connected && !this.done.has(p);
  }

  /** The best peer not outpaced, else any usable one. */
  private pick(): Peer | undefined {
    const best = this.set.bestPeer();
    const fresh = (p: Peer): boolean => this.usable(p) && !this.outpaced.has(p);
    if (best && fresh(best)) return best;
    const all = this.set.peers().map((m) => m.peer);
    return all.find(fresh) ?? (best && this.usable(best) ? best : all.find((p) => this.usable(p)));
  }

  /** The peer to race a batch continuing from `from` on: the fastest other one that claims the batch, if its round trip is known. */
  private contender(from: ChainEntry | undefined): { peer: Peer; rtt: number } | undefined {
    const { current } = this;
    if (!current) return undefined;
    const needed = Math.min(claimed(current.peer), (from?.height ?? this.chain.height) + MAX_HEADERS_PER_MESSAGE);
    let best: { peer: Peer; rtt: number } | undefined;
    for (const { peer } of this.set.peers()) {
      const rtt = this.rtts.of(peer);
      if (peer === current.peer || !this.usable(peer) || this.outpaced.has(peer) || rtt === undefined || claimed(peer) < needed) continue;
      if (!best || rtt < best.rtt) best = { peer, rtt };
    }
    return best;
  }

  /** (Re)set the timer that races the batch in flight on the contender once it is late (again when a round trip is measured). */
  private watch(): void {
    this.late?.unsubscribe();
    this.late = undefined;
    const batch = this.inFlight;
    const other = batch && !this.racer ? this.contender(batch.from) : undefined;
    if (!batch || !other) return;
    const due = batch.at + LATE_BATCH_RTTS * other.rtt + (BATCH_BYTES * 1000) / LATE_BATCH_RATE;
    this.late = this.scheduler.schedule(() => this.race(batch), Math.max(0, due - this.scheduler.now()));
    this.subs.add(this.late);
  }

  /** `batch` is late: ask the contender for it too, if it is still the one in flight and nobody races it. */
  private race(batch: NonNullable<SetHeaderSync['inFlight']>): void {
    this.late = undefined;
    const now = this.contender(batch.from);
    if (now && this.current && !this.racer && this.inFlight === batch) this.racer = this.run(now.peer, { from: batch.from });
  }

  private disarm(): void {
    this.inFlight = undefined;
    this.watch();
  }

  /** A batch arrived from `r`: the first copy of a raced batch wins; the other runner is stopped, its peer kept. */
  private arrived(r: Runner): boolean {
    if (r !== this.current && r !== this.racer) return false;
    this.disarm();
    const loser = r === this.current ? this.racer : this.current;
    if (loser) {
      this.outpaced.add(loser.peer);
      loser.sub.unsubscribe();
    }
    this.current = r;
    this.racer = undefined;
    return true;
  }

  /** `r`'s sync ended: a racer whose request is out takes over, else the next peer. */
  private ended(r: Runner): void {
    this.done.add(r.peer);
    if (r === this.racer) this.racer = undefined;
    if (r !== this.current) return;
    this.disarm();
    this.current = this.racer;
    this.racer = undefined;
    this.next();
  }

  /** Sync from `peer` (asked at once for a raced batch with `race`), its progress passed on. */
  private run(peer: Peer, race?: { from: ChainEntry | undefined }): Runner {
    const r: Runner = { peer, sub: new Subscription() };
    const hooks: PeerSyncHooks = {
      ...(race ? { race } : {}),
      requested: (from) => {
        if (r !== this.current) return;
        this.inFlight = { from, at: this.scheduler.now() };
        this.watch();
      },
      arrived: () => this.arrived(r),
    };
    r.sub.add(
      syncFromPeer(peer, this.chain, this.options, hooks).subscribe({
        next: (p) => this.subscriber.next(p),
        error: () => this.ended(r),
        complete: () => this.ended(r),
      }),
    );
    this.subs.add(r.sub);
    return r;
  }

  /** Without a peer synced from, start with the best one (or wait for the next to join). */
  private next(): void {
    if (this.subscriber.closed || this.current) return;
    const peer = this.pick();
    if (peer) this.current = this.run(peer);
  }
}
