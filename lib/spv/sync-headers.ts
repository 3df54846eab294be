import { Observable, Subscription, asyncScheduler, concatMap, filter, map, merge, take, type SchedulerLike } from 'rxjs';
import type { ChainEntry } from '../chain/chain-entry.js';
import { ChainError, ChainErrorCode } from '../chain/errors.js';
import type { HeaderChain } from '../chain/header-chain.js';
import { randomNonce } from '../peer/nonce.js';
import type { Peer } from '../peer/peer-api.js';
import { isPeerSet, type PeerSet } from './peer-set.js';
import { blockHash, type BlockHeader } from '../wire/block-header.js';
import { InvType } from '../wire/messages/inv.js';
import { MAX_HEADERS_PER_MESSAGE } from '../wire/messages/headers.js';
import { ProtocolVersion } from '../wire/protocol.js';

/** Progress of {@link syncHeaders}, emitted after every batch. */
export interface SyncProgress {
  /** The chain's height now. */
  height: number;
  /** The highest height the peer claims (its version's start height, or later announcements), at least `height`. */
  bestKnownHeight: number;
  /** Headers validated per second over the last few seconds. */
  headersPerSecond: number;
  /** The peer has no more headers for us (a batch shorter than 2,000); later batches are live announcements. */
  synced: boolean;
  /** The tip. */
  tip: ChainEntry;
  /** The peer this batch came from. */
  peer: Peer;
}

/** Options of {@link syncHeaders}. */
export interface SyncHeadersOptions {
  /** Clock for the rate (a virtual scheduler in tests). @default asyncScheduler */
  scheduler?: SchedulerLike;
  /** Unconnecting announcements tolerated after catching up before the peer is dropped (Core's MAX_NUM_UNCONNECTING_HEADERS_MSGS). @default 10 */
  maxUnconnecting?: number;
}

const ZERO_HASH = new Uint8Array(32);
/** Window over which headers/s is averaged, ms. */
const RATE_WINDOW = 5000;
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
 * Download, verify and follow a peer's headers into `chain`: `getheaders`
 * with the chain's locator (2,000 headers a batch, each continued from the
 * last header received), then `sendheaders` (BIP130) and live following of
 * `headers` and block `inv` announcements. A peer that sends an invalid,
 * unconnected or low-work header is disconnected with the {@link ChainError}
 * as the reason, and the Observable errors with it; the peer's own stall
 * rules (getheaders → headers in 30 s) apply. A peer whose version claims
 * no more blocks than the chain has is not asked, only followed. Completes when the peer
 * disconnects after catching up; errors if it disconnects before.
 *
 * With a set of peers (a pool), syncs from its best peer and switches to
 * the next when that one fails or leaves (a peer that served invalid
 * headers is disconnected with the error, which a pool bans); then it never
 * completes by itself. It also moves off a slow peer: each other peer's
 * round trip is measured (a `ping`), and a batch still unanswered after 4
 * round trips of the fastest other peer plus its 162 kB at 1 MB/s is asked
 * of that peer too; whichever answers first is kept (its batch verified as
 * any), the other's copy is ignored when it comes and the slow peer stays
 * connected. A peer that lost such a race is not raced again, so at most
 * one batch per peer is fetched twice.
 *
 * @param source - a peer (its handshake may still be running), or a pool
 * @param chain - the chain to extend
 * @param options - clock and tolerance
 * @returns progress after every batch; cold: subscribing starts the sync
 * @example
 * ```ts
 * import { createHeaderChain, syncHeaders, networks } from 'rxbtc';
 * const chain = createHeaderChain({ network: networks.regtest });
 * syncHeaders(peer, chain).subscribe((p) => console.log(`${p.height}/${p.bestKnownHeight}`));
 * ```
 */
export function syncHeaders(source: Peer | PeerSet, chain: HeaderChain, options: SyncHeadersOptions = {}): Observable<SyncProgress> {
  return isPeerSet(source) ? syncFromSet(source, chain, options) : syncFromPeer(source, chain, options);
}

/**
 * Sync from a set's best peer; when it fails (invalid headers, a stall, a
 * hang-up) or leaves, go on with the next best one that has not failed.
 * Never completes by itself: unsubscribe to stop.
 */
function syncFromSet(set: PeerSet, chain: HeaderChain, options: SyncHeadersOptions): Observable<SyncProgress> {
  const scheduler = options.scheduler ?? asyncScheduler;
  return new Observable<SyncProgress>((subscriber) => {
    const subs = new Subscription();
    /** Peers whose sync ended (failed, left): never used again. */
    const done = new WeakSet<Peer>();
    /** Peers that lost a race for a batch: not raced again, used only when no other is left. */
    const outpaced = new WeakSet<Peer>();
    const rtts = new RoundTrips(scheduler);
    /** The peer synced from, and a peer racing its late batch. */
    let current: Runner | undefined;
    let racer: Runner | undefined;
    /** The batch `current` was asked for (continuing from `from`, asked at `at`), and the timer that races it once late. */
    let inFlight: { from: ChainEntry | undefined; at: number } | undefined;
    let late: Subscription | undefined;

    const usable = (p: Peer): boolean => p.connected && !done.has(p);
    const pick = (): Peer | undefined => {
      const best = set.bestPeer();
      const fresh = (p: Peer): boolean => usable(p) && !outpaced.has(p);
      if (best && fresh(best)) return best;
      const all = set.peers().map((m) => m.peer);
      return all.find(fresh) ?? (best && usable(best) ? best : all.find(usable));
    };
    /** The peer to race a batch continuing from `from` on: the fastest other one that claims the batch, if its round trip is known. */
    const contender = (from: ChainEntry | undefined): { peer: Peer; rtt: number } | undefined => {
      if (!current) return undefined;
      const needed = Math.min(claimed(current.peer), (from?.height ?? chain.height) + MAX_HEADERS_PER_MESSAGE);
      let best: { peer: Peer; rtt: number } | undefined;
      for (const { peer } of set.peers()) {
        const rtt = rtts.of(peer);
        if (peer === current.peer || !usable(peer) || outpaced.has(peer) || rtt === undefined || claimed(peer) < needed) continue;
        if (!best || rtt < best.rtt) best = { peer, rtt };
      }
      return best;
    };
    const stop = (r: Runner): void => r.sub.unsubscribe();
    /** (Re)set the timer that races the batch in flight on the contender once it is late (again when a round trip is measured). */
    const watch = (): void => {
      late?.unsubscribe();
      late = undefined;
      const batch = inFlight;
      const other = batch && !racer ? contender(batch.from) : undefined;
      if (!batch || !other) return;
      const due = batch.at + LATE_BATCH_RTTS * other.rtt + (BATCH_BYTES * 1000) / LATE_BATCH_RATE;
      late = scheduler.schedule(
        () => {
          late = undefined;
          const now = contender(batch.from);
          if (now && current && !racer && inFlight === batch) racer = start(now.peer, { from: batch.from });
        },
        Math.max(0, due - scheduler.now()),
      );
      subs.add(late);
    };
    const disarm = (): void => {
      inFlight = undefined;
      watch();
    };
    /** A batch arrived from `r`: the first copy of a raced batch wins; the other runner is stopped, its peer kept. */
    const arrived = (r: Runner): boolean => {
      if (r !== current && r !== racer) return false;
      disarm();
      const loser = r === current ? racer : current;
      if (loser) {
        outpaced.add(loser.peer);
        stop(loser);
      }
      current = r;
      racer = undefined;
      return true;
    };
    const ended = (r: Runner): void => {
      done.add(r.peer);
      if (r === racer) racer = undefined;
      if (r !== current) return;
      disarm();
      current = racer; // a racer's request is out: it takes over
      racer = undefined;
      next();
    };
    const start = (peer: Peer, race?: { from: ChainEntry | undefined }): Runner => {
      const r: Runner = { peer, sub: new Subscription() };
      const hooks: PeerSyncHooks = {
        ...(race ? { race } : {}),
        requested: (from) => {
          if (r !== current) return;
          inFlight = { from, at: scheduler.now() };
          watch();
        },
        arrived: () => arrived(r),
      };
      r.sub.add(
        syncFromPeer(peer, chain, options, hooks).subscribe({
          next: (p) => subscriber.next(p),
          error: () => ended(r),
          complete: () => ended(r),
        }),
      );
      subs.add(r.sub);
      return r;
    };
    const next = (): void => {
      if (subscriber.closed || current) return;
      const peer = pick();
      if (peer) current = start(peer); // else wait for the next peer to join
    };
    subs.add(
      set.peers$.subscribe((e) => {
        if (e.type !== 'added') return;
        subs.add(rtts.probe(e.peer, watch));
        next();
      }),
    );
    next();
    return subs;
  });
}

/** One peer's sync inside a set sync. */
interface Runner {
  readonly peer: Peer;
  readonly sub: Subscription;
}

/** What a set sync watches and steers in one peer's sync. */
interface PeerSyncHooks {
  /** Race a late batch: ask at once for the batch continuing from `from` (undefined: the tip), whatever the peer claims. */
  readonly race?: { readonly from: ChainEntry | undefined };
  /** A `getheaders` for a batch went out (not after catching up), continuing from `from`. */
  requested?(from: ChainEntry | undefined): void;
  /** A `headers` message arrived: false ignores it (another peer's copy of the batch came first). */
  arrived?(): boolean;
}

/** The highest height a peer claims: its version's start height or a later announcement. */
const claimed = (p: Peer): number => Math.max(p.stats().startHeight, p.stats().lastBlock);

/**
 * Round trips of a set's peers: the keep-alive's last ping when there is
 * one (it pings every 2 minutes, so not yet during a first sync), else one
 * `ping` sent when the peer joins (BIP31 peers).
 */
class RoundTrips {
  private readonly measured = new WeakMap<Peer, number>();
  private readonly scheduler: SchedulerLike;

  /** @param scheduler - the clock */
  constructor(scheduler: SchedulerLike) {
    this.scheduler = scheduler;
  }

  /** A peer's round trip, ms; undefined until measured. */
  of(peer: Peer): number | undefined {
    const { lastPingMicros } = peer.stats();
    return lastPingMicros > 0 ? lastPingMicros / 1000 : this.measured.get(peer);
  }

  /** Ping `peer` once and keep its round trip, then call `measured`; the returned Subscription stops waiting for the pong. */
  probe(peer: Peer, measured: () => void): Subscription {
    if (peer.stats().protocolVersion <= ProtocolVersion.Bip31) return Subscription.EMPTY;
    const nonce = randomNonce();
    const sent = this.scheduler.now();
    const sub = peer
      .on('pong')
      .pipe(
        filter((m) => m.nonce === nonce),
        take(1),
      )
      .subscribe(() => {
        this.measured.set(peer, this.scheduler.now() - sent);
        measured();
      });
    peer.send({ command: 'ping', nonce }).catch(() => undefined);
    return sub;
  }
}

function syncFromPeer(source: Peer, chain: HeaderChain, options: SyncHeadersOptions, hooks: PeerSyncHooks = {}): Observable<SyncProgress> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const maxUnconnecting = options.maxUnconnecting ?? 10;
  return new Observable<SyncProgress>((subscriber) => {
    const subs = new Subscription();
    let synced = false;
    let unconnecting = 0;
    let announced = 0;
    const samples: [number, number][] = [];
    const request = (from?: ChainEntry): void => {
      if (!synced) hooks.requested?.(from);
      source
        .send({ command: 'getheaders', version: source.stats().protocolVersion, locator: chain.locator(from), stopHash: ZERO_HASH })
        .catch(() => undefined);
    };
    const progress = (): SyncProgress => {
      const now = scheduler.now();
      samples.push([now, chain.height]);
      while (samples.length > 2 && now - samples[0]![0] > RATE_WINDOW) samples.shift();
      const [t0, h0] = samples[0]!;
      const stats = source.stats();
      return {
        height: chain.height,
        bestKnownHeight: Math.max(chain.height, stats.startHeight, stats.lastBlock, announced),
        headersPerSecond: now > t0 ? ((chain.height - h0) * 1000) / (now - t0) : 0,
        synced,
        tip: chain.tip,
        peer: source,
      };
    };
    const fail = (error: ChainError): void => {
      source.disconnect(`invalid headers: ${error.message}`, error);
      subscriber.error(error);
    };
    const caughtUp = (): void => {
      if (!synced) {
        synced = true;
        if (source.stats().protocolVersion >= ProtocolVersion.SendHeaders) source.queue({ command: 'sendheaders' });
      }
      if (!chain.meetsMinimumWork) {
        fail(
          new ChainError(
            ChainErrorCode.LowWork,
            "the peer's best chain has less than the network's minimum chain work",
            chain.height,
            chain.tip.hashHex,
          ),
        );
      }
    };
    const onHeaders = async (headers: readonly BlockHeader[]): Promise<void> => {
      if (headers.length === 0) {
        caughtUp();
        subscriber.next(progress());
        return;
      }
      const adding = chain.add(headers);
      // Validation is done once add() returns (only the store write is pending): ask for the next batch now, so the
      // peer prepares it while this one is written.
      const full = headers.length === MAX_HEADERS_PER_MESSAGE;
      const early = full ? chain.header(blockHash(headers[headers.length - 1]!)) : undefined;
      if (early) request(early);
      try {
        await adding;
      } catch (error) {
        if (!(error instanceof ChainError)) throw error;
        // After catching up, an announcement that does not connect means we missed blocks: ask, as Core does.
        if (synced && error.code === ChainErrorCode.BadLink && ++unconnecting <= maxUnconnecting) {
          request();
          return;
        }
        fail(error);
        return;
      }
      const last = early ?? chain.header(blockHash(headers[headers.length - 1]!));
      if (last) announced = Math.max(announced, last.height);
      if (full) {
        if (!early) request(last); // continue from what the peer sent, even on a branch that is not yet the best
      } else {
        caughtUp();
      }
      if (!subscriber.closed) subscriber.next(progress());
    };
    const events$ = merge(
      source.on('headers').pipe(
        filter(() => hooks.arrived?.() ?? true),
        map((m) => () => onHeaders(m.headers)),
      ),
      source.on('inv').pipe(
        filter((m) => synced && m.items.some((i) => (i.type & 0xffff) === InvType.Block)),
        map(() => () => {
          request();
          return Promise.resolve();
        }),
      ),
    );
    subs.add(
      events$.pipe(concatMap((run) => run())).subscribe({
        error: (e: unknown) => subscriber.error(e),
        complete: () => {
          void source.closed.then((d) => {
            if (synced) subscriber.complete();
            else subscriber.error(d.error ?? new Error(`the peer disconnected before the headers were synced: ${d.reason}`));
          });
        },
      }),
    );
    source.handshake.then(
      () => {
        // A peer that claims no more than we have is followed, not asked: some nodes (bcoin) do not answer a
        // getheaders they have nothing for, and the stall rule would then drop them after 30 s.
        if (hooks.race) {
          request(hooks.race.from);
        } else if (chain.height > chain.root.height && source.stats().startHeight <= chain.height) {
          caughtUp();
          if (!subscriber.closed) subscriber.next(progress());
        } else {
          request();
        }
      },
      (e: unknown) => subscriber.error(e),
    );
    return subs;
  });
}
