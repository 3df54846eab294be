import { Observable, Subscription, skip, type Subscriber } from 'rxjs';
import type { Reorg } from '../chain/header-chain-api.js';
import type { HeaderChain } from '../chain/header-chain.js';
import type { Peer } from '../peer/peer-api.js';
import { hashToHex } from '../wire/hex.js';
import { BloomFlag } from '../wire/messages/bloom.js';
import { InvType, type InvVector } from '../wire/messages/inv.js';
import type { MerkleBlockMessage } from '../wire/messages/merkleblock.js';
import { txid, type Transaction } from '../wire/transaction.js';
import { BloomFilter } from './bloom-filter.js';
import { MerkleProofError } from './merkle-proof.js';
import { peerMerkleBlock } from './peer-merkle-block.js';
import { MatchedBlocks, type MatchedBlock } from './matched-blocks.js';
import { ScanProgress } from './scan-progress.js';
import { scriptPushes } from './script-pushes.js';
import type { Descriptor } from '../wallet/descriptor.js';
import { Keychains } from '../wallet/keychains.js';
import { WalletTracker, type WalletEvent } from '../wallet/wallet-tracker.js';
import type { WalletView } from '../wallet/wallet-view.js';

/** Options shared by both watching methods. */
export interface WatchSourceOptions {
  /** The verified header chain (kept in sync by whoever runs `syncHeaders`; {@link watch} does by default). */
  chain: HeaderChain;
  /** The peer asked. */
  source: Peer;
  /** Output scripts to watch (see `addressToScript`). @default [] */
  scripts?: readonly Uint8Array[];
  /**
   * Output descriptors to watch (see `parseDescriptor`): each keychain is
   * derived `gapLimit` indices past the last one paid; a payment derives
   * further, and the new scripts are checked again in every block scanned
   * since `birthday`, so no payment is missed whatever order they came in.
   */
  descriptors?: readonly Descriptor[];
  /** Indices derived past the last one paid. @default 20 */
  gapLimit?: number;
  /** Where scripts derived during the watch are checked from. @default the first height this watch scans */
  birthday?: number;
  /** A view of the wallet's unspent outputs and balance, kept up to date with every event delivered. */
  wallet?: WalletView;
  /**
   * The wallet's memory, when it outlives this watch (a wallet store, a
   * pool's successive peers): its scripts are watched too, and an event it
   * already knows is not delivered again. @default a new one for `scripts`
   */
  tracker?: WalletTracker;
  /** Rescan from this height (a wallet's birthday); default: only blocks after the current tip. */
  from?: number;
  /**
   * Told the height up to which every block of the best chain has been
   * checked for the scripts, whenever it moves (down to the fork after a
   * reorganisation). A wallet that stores it resumes with `from: height + 1`.
   */
  onScanned?: (height: number) => void;
}

/** Filtered blocks asked for in one `getdata`. */
const FILTERED_BATCH = 500;

/**
 * Watch scripts through BIP37: a bloom filter of the scripts' data pushes
 * (BLOOM_UPDATE_ALL, so the peer also matches spends of the wallet's
 * outputs), `mempool` for what is already unconfirmed, then a filtered
 * block for every block of the best chain from `from` on. Every merkleblock
 * is verified against the chain (partial merkle tree, CVE-2012-2459 check,
 * root and block known); a peer whose proof fails is disconnected and the
 * Observable errors with the {@link MerkleProofError}. Transactions are
 * checked against the scripts themselves, so a bloom false positive is never
 * reported.
 */
export function watchBip37(options: WatchSourceOptions): Observable<WalletEvent> {
  return new Observable<WalletEvent>((subscriber) => new Bip37Watch(options, subscriber).start());
}

/** The state of one {@link watchBip37} subscription. */
class Bip37Watch {
  private readonly chain: HeaderChain;
  private readonly peer: Peer;
  private readonly subscriber: Subscriber<WalletEvent>;
  private readonly tracker: WalletTracker;
  private readonly progress: ScanProgress;
  private readonly blocks = new MatchedBlocks((b, tx) => this.finished(b, tx));
  /** The last height asked for. */
  private scanned: number;
  /** Where a rescan for newly derived scripts starts. */
  private readonly rescanFrom: number;
  /** Hashes of filtered blocks asked for and not answered yet, with how many times. */
  private readonly asked = new Map<string, number>();
  /** A rescan of the blocks before newly derived scripts: the block whose answer ends it. */
  private rescanEnd: string | undefined;
  /** Unconfirmed transactions asked for after an `inv`. */
  private readonly requested = new Set<string>();
  /** The highest height answered: progress holds there while newly derived scripts are checked in earlier blocks. */
  private answered: number;

  constructor(options: WatchSourceOptions, subscriber: Subscriber<WalletEvent>) {
    this.chain = options.chain;
    this.peer = options.source;
    this.subscriber = subscriber;
    this.tracker = trackerFor(options);
    this.scanned = scannedBefore(options);
    this.answered = this.scanned;
    this.rescanFrom = options.birthday ?? this.scanned + 1;
    this.progress = new ScanProgress(this.scanned, options.onScanned);
  }

  /** Follow the peer's answers and the chain; load the filter and ask once the handshake is done. */
  start(): Subscription {
    const { peer, chain, subscriber } = this;
    const subs = new Subscription();
    subs.add(peer.on('merkleblock').subscribe((m) => this.onMerkleBlock(m)));
    subs.add(peer.on('tx').subscribe(({ tx }) => this.onTx(tx)));
    subs.add(peer.on('inv').subscribe((m) => this.onInv(m.items)));
    subs.add(chain.reorg$.subscribe((r) => this.onReorg(r)));
    subs.add(chain.tip$.pipe(skip(1)).subscribe(() => this.request()));
    void peer.closed.then(({ error }) => {
      this.blocks.flush();
      // A peer dropped for a protocol error is the wallet's problem too: say so rather than just stop.
      if (error && !(error instanceof MerkleProofError)) subscriber.error(error);
      else subscriber.complete();
    });
    void peer.handshake.then(
      () => {
        if (subscriber.closed) return;
        this.loadFilter();
        peer.queue({ command: 'mempool' });
        this.request();
      },
      (e: unknown) => subscriber.error(e),
    );
    return subs;
  }

  /** Progress moves to `height` unless newly derived scripts still have earlier blocks to check. */
  private advance(height: number): void {
    this.answered = Math.max(this.answered, height);
    if (this.rescanEnd === undefined && !this.tracker.hasFresh) this.progress.advance(height);
  }

  private emit(e: WalletEvent | undefined): void {
    if (!e) return;
    this.subscriber.next(e);
    this.tracker.commit(e);
  }

  /** A matched block is complete: its transactions told (with their proof), and the rescan it ends goes on. */
  private finished(b: MatchedBlock, tx: (id: string) => Transaction | undefined): void {
    for (const [id, index] of b.waiting) {
      const found = tx(id);
      if (found) {
        const proof = { kind: 'merkleblock' as const, index, totalTransactions: b.total };
        this.emit(this.tracker.see(found, { height: b.height, blockHash: b.blockHash, proof }));
      }
    }
    if (b.endsRescan) {
      this.rescanEnd = undefined;
      this.rescan();
    }
  }

  /** Ask for the filtered blocks of heights `from`..`to`, in batches; returns what was asked. */
  private ask(from: number, to: number): InvVector[] {
    const items: InvVector[] = [];
    for (let h = from; h <= to; h++) {
      const entry = this.chain.header(h);
      if (!entry) continue;
      items.push({ type: InvType.WitnessFilteredBlock, hash: entry.hash });
      this.asked.set(entry.hashHex, (this.asked.get(entry.hashHex) ?? 0) + 1);
    }
    for (let i = 0; i < items.length; i += FILTERED_BATCH)
      this.peer.queue({ command: 'getdata', items: items.slice(i, i + FILTERED_BATCH) });
    return items;
  }

  /** Ask for the blocks up to the tip not asked yet. */
  private request(): void {
    this.ask(this.scanned + 1, this.chain.height);
    this.scanned = Math.max(this.scanned, this.chain.height); // a chain still below the birthday keeps the birthday
  }

  /** Load the peer with a bloom filter of every script and its data pushes. */
  private loadFilter(): void {
    const scripts = this.tracker.scriptList;
    const filter = new BloomFilter(Math.max(1, scripts.length * 3), 0.0001, (Math.random() * 0x1_0000_0000) >>> 0, BloomFlag.All);
    for (const s of scripts) {
      filter.insert(s);
      for (const push of scriptPushes(s)) filter.insert(push);
    }
    this.peer.queue(filter.toMessage());
  }

  /**
   * Scripts derived for a payment (gap limit): load a filter with them and
   * ask again for every block asked for since the birthday; once the last is
   * answered, their check is complete (or more were derived: again).
   */
  private rescan(): void {
    if (this.rescanEnd !== undefined || this.subscriber.closed) return;
    if (!this.tracker.takeFresh()) {
      this.tracker.settle();
      this.progress.advance(this.answered);
      return;
    }
    this.loadFilter();
    const last = this.ask(this.rescanFrom, this.scanned).at(-1);
    if (last) this.rescanEnd = hashToHex(last.hash);
    else this.rescan();
  }

  /** A merkleblock: the blocks before it are complete (peers answer a getdata in order); this one is verified and waits for its transactions. */
  private onMerkleBlock(m: MerkleBlockMessage): void {
    this.blocks.flush();
    const proof = peerMerkleBlock(this.peer, m, this.chain);
    if (proof instanceof MerkleProofError) {
      this.subscriber.error(proof);
      return;
    }
    const blockHash = hashToHex(proof.blockHash);
    const height = this.chain.header(proof.blockHash)!.height;
    const waiting = new Map(proof.matched.map((h, i) => [hashToHex(h), proof.indexes[i]!]));
    const left = (this.asked.get(blockHash) ?? 1) - 1;
    if (left > 0) this.asked.set(blockHash, left);
    else this.asked.delete(blockHash);
    const endsRescan = blockHash === this.rescanEnd && left === 0;
    this.blocks.add({ height, blockHash, total: m.totalTransactions, waiting, got: new Map(), endsRescan });
    this.advance(waiting.size > 0 ? height - 1 : height);
    if (this.tracker.hasFresh) this.rescan();
  }

  /** A transaction: a matched block's, or an unconfirmed one we asked for (anything else is ignored, never reported). */
  private onTx(tx: Transaction): void {
    const id = hashToHex(txid(tx));
    const completed = this.blocks.tx(tx, id);
    if (completed) for (const b of completed) this.advance(b.height);
    else if (this.requested.delete(id)) this.emit(this.tracker.see(tx));
    if (this.tracker.hasFresh) this.rescan();
  }

  /** Announced transactions the wallet does not know yet are asked for. */
  private onInv(items: readonly InvVector[]): void {
    const wanted = items.filter((i) => (i.type & 0xffff) === InvType.Tx && !this.tracker.knows(hashToHex(i.hash)));
    for (const i of wanted) this.requested.add(hashToHex(i.hash));
    if (wanted.length) this.peer.queue({ command: 'getdata', items: wanted.map((i) => ({ type: InvType.WitnessTx, hash: i.hash })) });
  }

  /** Blocks left the best chain: what they told is undone, and scanning goes back to the fork. */
  private onReorg(r: Reorg): void {
    for (const e of this.tracker.disconnect(r.disconnected.map((d) => d.hashHex))) this.emit(e);
    this.scanned = Math.min(this.scanned, r.forkHeight);
    this.answered = Math.min(this.answered, r.forkHeight);
    this.progress.rewind(r.forkHeight);
  }
}

/**
 * The last height already scanned when a watch starts: the tip when it has
 * no `from`, else the block before `from`.
 * @throws RangeError when `from` lies below the chain's root (a chain started at a checkpoint above the birthday)
 */
export function scannedBefore(options: Pick<WatchSourceOptions, 'chain' | 'from'>): number {
  const { chain, from } = options;
  if (from === undefined) return chain.height;
  if (from < chain.root.height) {
    throw new RangeError(
      `cannot scan from ${from}: the header chain starts at ${chain.root.height} (start it at a checkpoint at or below the birthday)`,
    );
  }
  return from - 1;
}

/** The tracker a watch reports through: the caller's, with `scripts` added, or a new one (with the descriptors' keychains and the view). */
export function trackerFor(
  options: Pick<WatchSourceOptions, 'scripts' | 'tracker' | 'descriptors' | 'gapLimit' | 'wallet'>,
): WalletTracker {
  if (!options.tracker) {
    return new WalletTracker(options.scripts ?? [], {
      ...(options.descriptors?.length ? { keychains: new Keychains(options.descriptors, options.gapLimit) } : {}),
      ...(options.wallet ? { view: options.wallet } : {}),
    });
  }
  options.tracker.addScripts(options.scripts ?? []);
  return options.tracker;
}
