import { Observable, Subject, Subscription, concatMap, skip } from 'rxjs';
import type { Peer } from '../peer/peer-api.js';
import { blockHash } from '../wire/block-header.js';
import { bytesEqual, hashToHex } from '../wire/hex.js';
import { InvType } from '../wire/messages/inv.js';
import { merkleRoot } from '../wire/merkle.js';
import { txid } from '../wire/transaction.js';
import { filterHash } from './basic-filter.js';
import { CompactFilterError, CompactFilterErrorCode, FilterClient } from './filter-client.js';
import { FilterHeaderChain } from './filter-header-chain.js';
import type { FilterHeaderStore } from './filter-header-store.js';
import { syncFilterHeaders } from './filter-headers.js';
import { GcsFilter } from './gcs-filter.js';
import { ScanProgress } from './scan-progress.js';
import type { ChainEntry } from '../chain/chain-entry.js';

/**
 * Filters asked per `getcfilters` while scanning (BIP157 allows 1,000), the
 * next batch asked while one is matched: small batches do not outlive a
 * young-generation collection, so a long rescan does not fill the old
 * generation with filters already matched.
 */
export const SCAN_BATCH = 200;
import type { WalletEvent } from '../wallet/wallet-tracker.js';
import { scannedBefore, trackerFor, type WatchSourceOptions } from './watch-bip37.js';

/** Options of {@link watchBip158}. */
export interface WatchBip158Options extends Omit<WatchSourceOptions, 'source'> {
  /** One peer, or several to cross-check filter headers (the first one serves the filters and blocks). */
  source: Peer | readonly Peer[];
  /** How long a peer may take to answer, ms. @default 30000 */
  timeoutMs?: number;
  /**
   * Where the verified filter headers are kept: a store that outlives the
   * watch (`fileFilterHeaderStore`) lets the next one go on from its height
   * and ask peers only for what is new. @default memoryFilterHeaderStore()
   */
  filterHeaders?: FilterHeaderStore;
}

/**
 * Watch scripts through BIP157/158 compact filters: the filter headers are
 * synced from the header chain's root (genesis, or for a chain started at a
 * checkpoint from the filter header below it that the peers agree on, see
 * `anchorFilterHeaders`) and cross-checked between peers (a liar is found from
 * the block itself and disconnected), every filter from `from` on is
 * checked against its header before it is matched, and a block whose filter
 * matches is downloaded, checked against the header chain (hash and merkle
 * root) and searched. Nothing is revealed to the peers about the scripts.
 * Unconfirmed transactions come from the peers' `inv` announcements.
 */
export function watchBip158(options: WatchBip158Options): Observable<WalletEvent> {
  const { chain } = options;
  const peers = Array.isArray(options.source) ? (options.source as readonly Peer[]) : [options.source as Peer];
  return new Observable<WalletEvent>((subscriber) => {
    const subs = new Subscription();
    const tracker = trackerFor(options);
    let scanned = scannedBefore(options);
    const rescanFrom = options.birthday ?? scanned + 1;
    const state = new FilterHeaderChain(options.filterHeaders);
    let clients = peers.map((p) => new FilterClient(p, options.timeoutMs));
    const progress = new ScanProgress(scanned, options.onScanned);
    const requested = new Set<string>();
    const emit = (e: WalletEvent | undefined): void => {
      if (!e) return;
      subscriber.next(e);
      tracker.commit(e);
    };

    /**
     * Check the blocks `first`…`last` for `scripts`: each filter against its
     * verified header, then matched; a matching block fetched, checked against
     * the header chain and searched. `checked` is told each height done.
     */
    const check = async (
      client: FilterClient,
      first: number,
      last: number,
      scripts: readonly Uint8Array[],
      checked?: (h: number) => void,
    ): Promise<void> => {
      const request = (start: number): { entries: ChainEntry[]; filters: Promise<Uint8Array[]> } | undefined => {
        if (start > last) return undefined;
        const entries: ChainEntry[] = [];
        for (let h = start; h <= Math.min(last, start + SCAN_BATCH - 1); h++) entries.push(chain.header(h)!);
        const filters = client.filters(entries);
        filters.catch(() => undefined); // awaited below; a batch asked ahead may fail while this one is handled
        return { entries, filters };
      };
      for (let batch = request(first); batch;) {
        const { entries } = batch;
        const filters = await batch.filters;
        batch = request(entries[entries.length - 1]!.height + 1); // the next one is on its way while this one is matched
        for (let i = 0; i < entries.length; i++) {
          const entry = entries[i]!;
          const bytes = filters[i]!;
          if (!bytesEqual(filterHash(bytes), state.hashAt(entry.height))) {
            const e = new CompactFilterError(
              CompactFilterErrorCode.BadFilter,
              `filter of ${entry.hashHex} is not the one its header commits to`,
              client.address,
            );
            client.peer.disconnect(e.message, e);
            throw e;
          }
          let matched: boolean;
          try {
            matched = GcsFilter.decode(bytes, entry.hash).matchAny(scripts);
          } catch (e) {
            // Its headers commit to it, so the peer built (or invented) a filter that is not one: drop it.
            if (e instanceof Error) client.peer.disconnect(`filter of ${entry.hashHex}: ${e.message}`, e);
            throw e;
          }
          if (matched) {
            const block = await client.block(entry);
            if (
              !bytesEqual(blockHash(block.header), entry.hash) ||
              !bytesEqual(merkleRoot(block.transactions.map(txid)), entry.header.merkleRoot)
            ) {
              const e = new CompactFilterError(
                CompactFilterErrorCode.BadBlock,
                `block ${entry.hashHex} does not match its header`,
                client.address,
              );
              client.peer.disconnect(e.message, e);
              throw e;
            }
            block.transactions.forEach((tx, index) =>
              emit(tracker.see(tx, { height: entry.height, blockHash: entry.hashHex, proof: { kind: 'block', index } })),
            );
          }
          checked?.(entry.height);
        }
      }
    };

    const scan = async (): Promise<void> => {
      clients = await syncFilterHeaders(clients, chain, state);
      // The chain may have grown while the filter headers were asked for: scan what they cover; a later tip scans the rest.
      const top = Math.min(chain.height, state.height);
      const client = clients[0];
      if (!client && scanned < top) throw new CompactFilterError(CompactFilterErrorCode.NoPeers, 'no peer left to serve compact filters');
      if (!client) return;
      // The live list: scripts derived for a payment are matched from the next block on.
      // Progress holds while scripts derived on the way are not yet checked in the blocks before them.
      await check(client, scanned + 1, top, tracker.scriptList, (h) => {
        scanned = h;
        if (!tracker.hasFresh) progress.advance(h);
      });
      // Scripts derived on the way (gap limit) are checked again in the blocks scanned before them, from the birthday;
      // a payment found then derives more, checked in every block scanned.
      for (let fresh = tracker.takeFresh(), pass = 0; fresh; fresh = tracker.takeFresh(), pass++) {
        const upTo = pass === 0 ? Math.min(fresh.upTo ?? scanned, scanned) : scanned;
        await check(client, Math.max(rescanFrom, chain.root.height + 1), upTo, fresh.scripts);
      }
      tracker.settle();
      progress.advance(scanned);
    };

    const triggers = new Subject<void>();
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
            return scan();
          }),
        )
        .subscribe({
          error: (e: unknown) => subscriber.error(e),
        }),
    );
    subs.add(
      chain.reorg$.subscribe((r) => {
        for (const e of tracker.disconnect(r.disconnected.map((d) => d.hashHex))) emit(e);
        state.truncate(r.forkHeight).catch((e: unknown) => subscriber.error(e));
        scanned = Math.min(scanned, r.forkHeight);
        progress.rewind(r.forkHeight);
      }),
    );
    subs.add(chain.tip$.pipe(skip(1)).subscribe(kick));
    for (const peer of peers) {
      subs.add(
        peer.on('inv').subscribe((m) => {
          const wanted = m.items.filter(
            (i) => (i.type & 0xffff) === InvType.Tx && !tracker.knows(hashToHex(i.hash)) && !requested.has(hashToHex(i.hash)),
          );
          for (const i of wanted) requested.add(hashToHex(i.hash));
          if (wanted.length) peer.queue({ command: 'getdata', items: wanted.map((i) => ({ type: InvType.WitnessTx, hash: i.hash })) });
        }),
      );
      subs.add(
        peer.on('tx').subscribe(({ tx }) => {
          if (requested.delete(hashToHex(txid(tx)))) emit(tracker.see(tx));
        }),
      );
    }
    void Promise.all(peers.map((p) => p.handshake)).then(kick, (e: unknown) => subscriber.error(e));
    return subs;
  });
}
