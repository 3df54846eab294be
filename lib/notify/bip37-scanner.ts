import { EMPTY, Observable, Subscription, concatWith, defer, finalize, from, ignoreElements, mergeMap, tap, throwError, timer } from 'rxjs';
import type { HeaderChain } from '../chain/header-chain.js';
import type { Peer } from '../peer/peer-api.js';
import type { PeerSet } from '../spv/peer-set.js';
import { bloomFor } from './bloom-for.js';
import { MerkleProofError } from '../spv/merkle-proof.js';
import { bloomPeer, servesBloom } from './bloom-peer.js';
import { FilteredBlockError, filteredBlocks } from './filtered-blocks.js';
import { PassCoverage } from './pass-coverage.js';
import { scanLoop } from './scan-loop.js';
import type { WatcherRegistry } from './watcher-registry.js';

/** Filtered blocks asked for in one `getdata` (a registration made meanwhile is matched from the next batch on). */
export const FILTERED_BATCH = 500;

/** Pause before asking another peer when the one asked left or lied, ms. */
const RETRY_MS = 1000;

/** What {@link scanWithBloom} works with. */
export interface Bip37ScanOptions {
  /** The verified header chain (kept in sync by someone else). */
  chain: HeaderChain;
  /** The peers: one serving BIP37 is asked. */
  source: readonly Peer[] | PeerSet;
  /** The registrations. */
  registry: WatcherRegistry;
  /** Told each height up to which every block was checked for the running registrations. */
  onChecked?: ((height: number) => void) | undefined;
}

/**
 * Check blocks for a notifier's registrations through BIP37 (the peer
 * learns what is watched): one peer serving bloom filters is loaded with
 * every registration's script, transaction ids and outpoints (again when a
 * registration is added, with `mempool` so unconfirmed spends are
 * announced), and asked for the filtered blocks of a pass, in batches; each
 * `merkleblock` is verified against the chain and its matched transactions
 * handed to the registrations. Passes, joins and reorganisations work as
 * BIP158's do. Errors when a list of peers has none serving BIP37 or the
 * peer asked leaves (a pool's next one is used instead).
 */
export function scanWithBloom(options: Bip37ScanOptions): Observable<never> {
  const { chain, registry } = options;
  return new Observable<never>((subscriber) => {
    const subs = new Subscription();
    let running: PassCoverage | undefined;
    let version = 0;
    const loaded = new WeakMap<Peer, number>();
    let current: Peer | undefined;
    /** Load the registrations into the peer's filter unless it has them already; BIP35 `mempool` for what is unconfirmed. */
    const refresh = (peer: Peer): void => {
      if (loaded.get(peer) === version || !peer.connected) return;
      loaded.set(peer, version);
      peer.queue(bloomFor(registry.watchers));
      peer.queue({ command: 'mempool' });
    };
    const pass = (peer: Peer, first: number, last: number, kick: () => void): Observable<never> =>
      defer(() => {
        const coverage = new PassCoverage(first, last, registry.watchers);
        running = coverage;
        return filteredBatches({ ...options, refresh }, peer, coverage, first).pipe(
          concatWith(
            defer(() => {
              registry.caughtUp(chain.height);
              if (registry.lowestNeed <= chain.height) kick();
              return EMPTY;
            }),
          ),
          finalize(() => {
            if (running === coverage) running = undefined;
          }),
        );
      });

    /** A peer that left or lied: the scan starts again (with the next bloom peer) while there is one to ask. */
    const retry = (e: unknown, kick: () => void): Observable<never> => {
      const more = !Array.isArray(options.source) || (options.source as readonly Peer[]).some(servesBloom);
      if (!more || !(e instanceof FilteredBlockError || e instanceof MerkleProofError)) return throwError(() => e);
      return timer(RETRY_MS).pipe(
        tap(() => kick()),
        ignoreElements(),
      );
    };
    const scan = (kick: () => void): Observable<never> =>
      defer(() => from(bloomPeer(options.source))).pipe(
        mergeMap((peer) => {
          current = peer;
          refresh(peer);
          const first = Math.max(registry.lowestNeed, chain.root.height);
          if (first > chain.height) {
            registry.caughtUp(chain.height);
            return EMPTY;
          }
          return pass(peer, first, chain.height, kick);
        }),
      );
    subs.add(
      scanLoop({
        chain,
        registry,
        scan,
        retry,
        added: (w) => {
          version++;
          running?.join(w);
          if (current) refresh(current);
        },
      }).subscribe({ error: (e: unknown) => subscriber.error(e) }),
    );
    return subs;
  });
}

/** What {@link filteredBatches} works with: the scan's options and how to (re)load a peer's bloom filter. */
interface BatchContext extends Bip37ScanOptions {
  /** Load the registrations into the peer's filter unless it has them already. */
  refresh: (peer: Peer) => void;
}

/**
 * The filtered blocks from `from` to the pass's last height, {@link FILTERED_BATCH}
 * at a time: before each batch the peer's filter is refreshed (a registration
 * added meanwhile is matched from there on), each block still on the best
 * chain has its matched transactions searched, and the batch's last height is
 * recorded as checked.
 */
function filteredBatches(ctx: BatchContext, peer: Peer, coverage: PassCoverage, from: number): Observable<never> {
  const { chain, registry } = ctx;
  return defer(() => {
    const to = Math.min(coverage.last, from + FILTERED_BATCH - 1);
    ctx.refresh(peer);
    coverage.matching(to); // a registration added from now on is loaded for the next batch
    const entries = [];
    for (let h = from; h <= to; h++) entries.push(chain.header(h)!);
    return filteredBlocks(peer, chain, entries).pipe(
      tap((b) => {
        if (!chain.isBest(b.entry.hash)) return;
        for (const { tx, index } of b.matched) {
          registry.searchTx(tx, {
            height: b.entry.height,
            blockHash: b.entry.hashHex,
            proof: { kind: 'merkleblock', index, totalTransactions: b.total },
          });
        }
      }),
      ignoreElements(),
      concatWith(
        defer(() => {
          coverage.checked(to);
          ctx.onChecked?.(to);
          return to < coverage.last ? filteredBatches(ctx, peer, coverage, to + 1) : EMPTY;
        }),
      ),
    );
  });
}
