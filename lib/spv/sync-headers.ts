import { Observable, Subscription, concatMap, filter, map, merge, type SchedulerLike, asyncScheduler } from 'rxjs';
import type { ChainEntry } from '../chain/chain-entry.js';
import { ChainError, ChainErrorCode } from '../chain/errors.js';
import type { HeaderChain } from '../chain/header-chain.js';
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
 * completes by itself.
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
  return new Observable<SyncProgress>((subscriber) => {
    const subs = new Subscription();
    const used = new WeakSet<Peer>();
    let current: Peer | undefined;
    const pick = (): Peer | undefined => {
      const best = set.bestPeer();
      if (best && !used.has(best) && best.connected) return best;
      return set.peers().find((m) => !used.has(m.peer) && m.peer.connected)?.peer;
    };
    const next = (): void => {
      if (subscriber.closed || current) return;
      const peer = pick();
      if (!peer) return; // wait for the next peer to join
      current = peer;
      used.add(peer);
      const done = (): void => {
        current = undefined;
        next();
      };
      subs.add(syncFromPeer(peer, chain, options).subscribe({ next: (p) => subscriber.next(p), error: done, complete: done }));
    };
    subs.add(set.peers$.subscribe((e) => (e.type === 'added' ? next() : undefined)));
    next();
    return subs;
  });
}

function syncFromPeer(source: Peer, chain: HeaderChain, options: SyncHeadersOptions): Observable<SyncProgress> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const maxUnconnecting = options.maxUnconnecting ?? 10;
  return new Observable<SyncProgress>((subscriber) => {
    const subs = new Subscription();
    let synced = false;
    let unconnecting = 0;
    let announced = 0;
    const samples: [number, number][] = [];
    const request = (from?: ChainEntry): void => {
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
      source.on('headers').pipe(map((m) => () => onHeaders(m.headers))),
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
        if (chain.height > chain.root.height && source.stats().startHeight <= chain.height) {
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
