import { Observable, Subscription, asyncScheduler, concatMap, filter, map, merge, type Subscriber } from 'rxjs';
import type { ChainEntry } from '../chain/chain-entry.js';
import { ChainError, ChainErrorCode } from '../chain/errors.js';
import type { HeaderChain } from '../chain/header-chain.js';
import type { Peer } from '../peer/peer-api.js';
import { blockHash, type BlockHeader } from '../wire/block-header.js';
import { InvType } from '../wire/messages/inv.js';
import { MAX_HEADERS_PER_MESSAGE } from '../wire/messages/headers.js';
import { ProtocolVersion } from '../wire/protocol.js';
import { HeaderRate, type SyncHeadersOptions, type SyncProgress } from './sync-progress.js';

const ZERO_HASH = new Uint8Array(32);

/** What a set sync watches and steers in one peer's sync. */
export interface PeerSyncHooks {
  /** Race a late batch: ask at once for the batch continuing from `from` (undefined: the tip), whatever the peer claims. */
  readonly race?: { readonly from: ChainEntry | undefined };
  /** A `getheaders` for a batch went out (not after catching up), continuing from `from`. */
  requested?(from: ChainEntry | undefined): void;
  /** A `headers` message arrived: false ignores it (another peer's copy of the batch came first). */
  arrived?(): boolean;
}

/**
 * One peer's header sync (see `syncHeaders`): batches asked with the
 * chain's locator, each validated into the chain, then `sendheaders` and
 * live announcements followed. Completes when the peer leaves after
 * catching up; errors if it leaves before, or with the {@link ChainError}
 * of an invalid, unconnected or low-work header (the peer disconnected).
 */
export function syncFromPeer(
  peer: Peer,
  chain: HeaderChain,
  options: SyncHeadersOptions,
  hooks: PeerSyncHooks = {},
): Observable<SyncProgress> {
  return new Observable<SyncProgress>((subscriber) => new PeerHeaderSync(peer, chain, options, hooks, subscriber).start());
}

/** The state of one {@link syncFromPeer} subscription. */
class PeerHeaderSync {
  private synced = false;
  private unconnecting = 0;
  private announced = 0;
  private readonly rate = new HeaderRate();
  private readonly peer: Peer;
  private readonly chain: HeaderChain;
  private readonly options: SyncHeadersOptions;
  private readonly hooks: PeerSyncHooks;
  private readonly subscriber: Subscriber<SyncProgress>;

  constructor(peer: Peer, chain: HeaderChain, options: SyncHeadersOptions, hooks: PeerSyncHooks, subscriber: Subscriber<SyncProgress>) {
    this.peer = peer;
    this.chain = chain;
    this.options = options;
    this.hooks = hooks;
    this.subscriber = subscriber;
  }

  /** Follow the peer's headers and announcements, and ask once its handshake is done. */
  start(): Subscription {
    const subs = new Subscription();
    subs.add(
      this.events$().subscribe({
        error: (e: unknown) => this.subscriber.error(e),
        complete: () => void this.peer.closed.then((d) => this.left(d.reason, d.error)),
      }),
    );
    this.peer.handshake.then(
      () => this.begin(),
      (e: unknown) => this.subscriber.error(e),
    );
    return subs;
  }

  /** `headers` batches (those the hooks let through) and block announcements, handled one at a time. */
  private events$(): Observable<void> {
    return merge(
      this.peer.on('headers').pipe(
        filter(() => this.hooks.arrived?.() ?? true),
        map((m) => () => this.onHeaders(m.headers)),
      ),
      this.peer.on('inv').pipe(
        filter((m) => this.synced && m.items.some((i) => (i.type & 0xffff) === InvType.Block)),
        map(() => () => {
          this.request();
          return Promise.resolve();
        }),
      ),
    ).pipe(concatMap((run) => run()));
  }

  /**
   * The first request: a race's batch, or nothing but following for a peer
   * that claims no more than we have (some nodes, bcoin, do not answer a
   * getheaders they have nothing for, and the stall rule would then drop
   * them after 30 s), else from the tip.
   */
  private begin(): void {
    const { chain, peer, hooks } = this;
    if (hooks.race) {
      this.request(hooks.race.from);
    } else if (chain.height > chain.root.height && peer.stats().startHeight <= chain.height) {
      this.caughtUp();
      if (!this.subscriber.closed) this.subscriber.next(this.progress());
    } else {
      this.request();
    }
  }

  /** The peer left: the end once synced, an error before. */
  private left(reason: string, error: Error | undefined): void {
    if (this.synced) this.subscriber.complete();
    else this.subscriber.error(error ?? new Error(`the peer disconnected before the headers were synced: ${reason}`));
  }

  /** Ask for the headers after `from` (undefined: the tip). */
  private request(from?: ChainEntry): void {
    if (!this.synced) this.hooks.requested?.(from);
    const { peer, chain } = this;
    peer
      .send({ command: 'getheaders', version: peer.stats().protocolVersion, locator: chain.locator(from), stopHash: ZERO_HASH })
      .catch(() => undefined);
  }

  private progress(): SyncProgress {
    const { chain, peer } = this;
    const stats = peer.stats();
    return {
      height: chain.height,
      bestKnownHeight: Math.max(chain.height, stats.startHeight, stats.lastBlock, this.announced),
      headersPerSecond: this.rate.sample((this.options.scheduler ?? asyncScheduler).now(), chain.height),
      synced: this.synced,
      tip: chain.tip,
      peer,
    };
  }

  private fail(error: ChainError): void {
    this.peer.disconnect(`invalid headers: ${error.message}`, error);
    this.subscriber.error(error);
  }

  /** No more headers: say `sendheaders` once (BIP130), and fail a chain below the network's minimum work. */
  private caughtUp(): void {
    const { chain, peer } = this;
    if (!this.synced) {
      this.synced = true;
      if (peer.stats().protocolVersion >= ProtocolVersion.SendHeaders) peer.queue({ command: 'sendheaders' });
    }
    if (!chain.meetsMinimumWork) {
      const why = "the peer's best chain has less than the network's minimum chain work";
      this.fail(new ChainError(ChainErrorCode.LowWork, why, chain.height, chain.tip.hashHex));
    }
  }

  /**
   * A batch: validated into the chain; a full one continued at once (asked
   * before the store write is done, so the peer prepares the next batch
   * meanwhile), a short one means caught up.
   */
  private async onHeaders(headers: readonly BlockHeader[]): Promise<void> {
    const { chain } = this;
    if (headers.length === 0) {
      this.caughtUp();
      this.subscriber.next(this.progress());
      return;
    }
    const adding = chain.add(headers);
    const full = headers.length === MAX_HEADERS_PER_MESSAGE;
    const early = full ? chain.header(blockHash(headers[headers.length - 1]!)) : undefined;
    if (early) this.request(early);
    if (!(await this.added(adding))) return;
    const last = early ?? chain.header(blockHash(headers[headers.length - 1]!));
    if (last) this.announced = Math.max(this.announced, last.height);
    if (full) {
      if (!early) this.request(last); // continue from what the peer sent, even on a branch that is not yet the best
    } else {
      this.caughtUp();
    }
    if (!this.subscriber.closed) this.subscriber.next(this.progress());
  }

  /**
   * Whether a batch went into the chain. After catching up, an announcement
   * that does not connect means we missed blocks: ask, as Core does (up to
   * `maxUnconnecting` times); any other invalid batch fails the sync.
   */
  private async added(adding: Promise<unknown>): Promise<boolean> {
    try {
      await adding;
      return true;
    } catch (error) {
      if (!(error instanceof ChainError)) throw error;
      if (this.synced && error.code === ChainErrorCode.BadLink && ++this.unconnecting <= (this.options.maxUnconnecting ?? 10))
        this.request();
      else this.fail(error);
      return false;
    }
  }
}
