import { Observable, Subscription, skip } from 'rxjs';
import type { HeaderChain } from '../chain/header-chain.js';
import type { Peer } from '../peer/peer-api.js';
import { hashToHex } from '../wire/hex.js';
import { BloomFlag } from '../wire/messages/bloom.js';
import { InvType, type InvVector } from '../wire/messages/inv.js';
import { txid, type Transaction } from '../wire/transaction.js';
import { BloomFilter } from './bloom-filter.js';
import { MerkleProofError } from './merkle-proof.js';
import { peerMerkleBlock } from './peer-merkle-block.js';
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
/** Recent transactions remembered to complete a merkleblock whose transaction arrived first. */
const TX_CACHE = 2000;

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
  const { chain, source: peer } = options;
  return new Observable<WalletEvent>((subscriber) => {
    const subs = new Subscription();
    const tracker = trackerFor(options);
    let scanned = scannedBefore(options);
    const rescanFrom = options.birthday ?? scanned + 1;
    /** Hashes of filtered blocks asked for and not answered yet, with how many times. */
    const asked = new Map<string, number>();
    /** A rescan of the blocks before newly derived scripts: the block whose answer ends it. */
    let rescanEnd: string | undefined;
    const cache = new Map<string, Transaction>();
    const requested = new Set<string>();
    /** Merkleblocks whose matched transactions have not all arrived, oldest first. */
    const pending: {
      height: number;
      blockHash: string;
      total: number;
      waiting: Map<string, number>;
      got: Map<string, Transaction>;
      endsRescan: boolean;
    }[] = [];
    const progress = new ScanProgress(scanned, options.onScanned);
    /** The highest height answered: progress holds there while newly derived scripts are checked in earlier blocks. */
    let answered = scanned;
    const advance = (height: number): void => {
      answered = Math.max(answered, height);
      if (rescanEnd === undefined && !tracker.hasFresh) progress.advance(height);
    };

    const emit = (e: WalletEvent | undefined): void => {
      if (!e) return;
      subscriber.next(e);
      tracker.commit(e);
    };
    const remember = (tx: Transaction, id: string): void => {
      cache.set(id, tx);
      if (cache.size > TX_CACHE) cache.delete(cache.keys().next().value!);
    };
    const finish = (p: (typeof pending)[number]): void => {
      for (const [id, index] of p.waiting) {
        const tx = p.got.get(id) ?? cache.get(id);
        if (tx)
          emit(
            tracker.see(tx, {
              height: p.height,
              blockHash: p.blockHash,
              proof: { kind: 'merkleblock', index, totalTransactions: p.total },
            }),
          );
      }
      if (p.endsRescan) {
        rescanEnd = undefined;
        rescan();
      }
    };
    const ask = (from: number, to: number): InvVector[] => {
      const items: InvVector[] = [];
      for (let h = from; h <= to; h++) {
        const entry = chain.header(h);
        if (!entry) continue;
        items.push({ type: InvType.WitnessFilteredBlock, hash: entry.hash });
        asked.set(entry.hashHex, (asked.get(entry.hashHex) ?? 0) + 1);
      }
      for (let i = 0; i < items.length; i += FILTERED_BATCH) peer.queue({ command: 'getdata', items: items.slice(i, i + FILTERED_BATCH) });
      return items;
    };
    const request = (): void => {
      ask(scanned + 1, chain.height);
      scanned = Math.max(scanned, chain.height); // a chain still below the birthday keeps the birthday
    };
    const loadFilter = (): void => {
      const scripts = tracker.scriptList;
      const filter = new BloomFilter(Math.max(1, scripts.length * 3), 0.0001, (Math.random() * 0x1_0000_0000) >>> 0, BloomFlag.All);
      for (const s of scripts) {
        filter.insert(s);
        for (const push of scriptPushes(s)) filter.insert(push);
      }
      peer.queue(filter.toMessage());
    };
    // Scripts derived for a payment (gap limit): load a filter with them and ask again for every block asked for
    // since the birthday; once the last is answered, their check is complete (or more were derived: again).
    const rescan = (): void => {
      if (rescanEnd !== undefined || subscriber.closed) return;
      if (!tracker.takeFresh()) {
        tracker.settle();
        progress.advance(answered);
        return;
      }
      loadFilter();
      const items = ask(rescanFrom, scanned);
      const last = items.at(-1);
      if (last) rescanEnd = hashToHex(last.hash);
      else rescan();
    };

    subs.add(
      peer.on('merkleblock').subscribe((m) => {
        while (pending.length > 0) finish(pending.shift()!);
        const proof = peerMerkleBlock(peer, m, chain);
        if (proof instanceof MerkleProofError) {
          subscriber.error(proof);
          return;
        }
        const blockHash = hashToHex(proof.blockHash);
        const height = chain.header(proof.blockHash)!.height;
        const waiting = new Map(proof.matched.map((h, i) => [hashToHex(h), proof.indexes[i]!]));
        const left = (asked.get(blockHash) ?? 1) - 1;
        if (left > 0) asked.set(blockHash, left);
        else asked.delete(blockHash);
        const endsRescan = blockHash === rescanEnd && left === 0;
        const entry = { height, blockHash, total: m.totalTransactions, waiting, got: new Map<string, Transaction>(), endsRescan };
        // Peers answer a getdata in order: every block below this one has been answered and finished.
        if (waiting.size > 0) pending.push(entry);
        else if (endsRescan) finish(entry);
        advance(waiting.size > 0 ? height - 1 : height);
        if (tracker.hasFresh) rescan();
      }),
    );
    subs.add(
      peer.on('tx').subscribe(({ tx }) => {
        const id = hashToHex(txid(tx));
        remember(tx, id);
        const owner = pending.find((p) => p.waiting.has(id) && !p.got.has(id));
        if (owner) {
          owner.got.set(id, tx);
          while (pending.length > 0 && pending[0]!.got.size === pending[0]!.waiting.size) {
            const done = pending.shift()!;
            finish(done);
            advance(done.height);
          }
          if (tracker.hasFresh) rescan();
          return;
        }
        // Only transactions we asked for are mempool news; anything else is ignored, never reported.
        if (requested.delete(id)) emit(tracker.see(tx));
        if (tracker.hasFresh) rescan();
      }),
    );
    subs.add(
      peer.on('inv').subscribe((m) => {
        const wanted = m.items.filter((i) => (i.type & 0xffff) === InvType.Tx && !tracker.knows(hashToHex(i.hash)));
        for (const i of wanted) requested.add(hashToHex(i.hash));
        if (wanted.length) peer.queue({ command: 'getdata', items: wanted.map((i) => ({ type: InvType.WitnessTx, hash: i.hash })) });
      }),
    );
    subs.add(
      chain.reorg$.subscribe((r) => {
        for (const e of tracker.disconnect(r.disconnected.map((d) => d.hashHex))) emit(e);
        scanned = Math.min(scanned, r.forkHeight);
        answered = Math.min(answered, r.forkHeight);
        progress.rewind(r.forkHeight);
      }),
    );
    subs.add(chain.tip$.pipe(skip(1)).subscribe(() => request()));
    void peer.closed.then(({ error }) => {
      while (pending.length > 0) finish(pending.shift()!);
      // A peer dropped for a protocol error is the wallet's problem too: say so rather than just stop.
      if (error && !(error instanceof MerkleProofError)) subscriber.error(error);
      else subscriber.complete();
    });

    void peer.handshake.then(
      () => {
        if (subscriber.closed) return;
        loadFilter();
        peer.queue({ command: 'mempool' });
        request();
      },
      (e: unknown) => subscriber.error(e),
    );
    return subs;
  });
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
