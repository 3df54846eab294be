import {
  EMPTY,
  Observable,
  Subscription,
  concatWith,
  defer,
  finalize,
  from,
  ignoreElements,
  mergeMap,
  tap,
  type SchedulerLike,
} from 'rxjs';
import type { HeaderChain } from '../chain/header-chain.js';
import type { LinkMemory } from '../download/download-job.js';
import type { Peer } from '../peer/peer-api.js';
import type { FilterHeaderSync } from '../spv/filter-header-sync.js';
import { scanFilters, type ScanStep } from '../spv/filter-scan.js';
import { servesBlocks, servesFilters } from '../spv/filter-sources.js';
import { GcsFilter } from '../spv/gcs-filter.js';
import type { PeerSet } from '../spv/peer-set.js';
import { peerWorkers } from '../spv/peer-workers.js';
import { PassCoverage } from './pass-coverage.js';
import { scanLoop } from './scan-loop.js';
import type { WatcherRegistry } from './watcher-registry.js';

/** What {@link scanForWatchers} works with. */
export interface Bip158ScanOptions {
  /** The verified header chain (kept in sync by someone else). */
  chain: HeaderChain;
  /** Peers serving filters and blocks: a list or a set. */
  source: readonly Peer[] | PeerSet;
  /** The registrations. */
  registry: WatcherRegistry;
  /** The verified filter headers (the notifier's: a scan started again does not sync them again). */
  filterHeaders: FilterHeaderSync;
  /** What is known of each peer's link, kept between scans. */
  links: LinkMemory<Peer>;
  /** How long a peer may take to answer a filter-header request, ms. @default 30000 */
  timeoutMs?: number | undefined;
  /** Timers of the downloads. @default asyncScheduler */
  scheduler?: SchedulerLike | undefined;
  /** Told each height up to which the running pass has checked every block (the registrations' needs are updated). */
  onChecked?: ((height: number) => void) | undefined;
}

/**
 * Check blocks for a notifier's registrations through BIP158 filters, one
 * pass at a time, every registration in it: a pass runs from the lowest
 * height any registration still needs to the tip the verified filter
 * headers reach, matching each filter against every registration's script
 * as it arrives, and searching each matching block for all of them. A
 * registration added while a pass runs joins it (the heights it missed are
 * the next pass's); a new tip starts a pass over the new blocks; a
 * reorganisation stops the running pass, undoes what the blocks that left
 * held, and the next pass starts from the fork. Never emits; errors when no
 * peer is left to serve a list's filters.
 */
export function scanForWatchers(options: Bip158ScanOptions): Observable<never> {
  const { chain, registry } = options;
  return new Observable<never>((subscriber) => {
    const subs = new Subscription();
    const headers = options.filterHeaders;
    const links = options.links;
    const filterPeers = peerWorkers(options.source, servesFilters);
    const blockPeers = peerWorkers(options.source, servesBlocks);
    let running: PassCoverage | undefined;

    const pass = (first: number, last: number): Observable<never> =>
      defer(() => {
        const coverage = new PassCoverage(first, last, registry.watchers);
        running = coverage;
        return scanFilters({
          chain,
          first,
          last,
          hashOf: (entry) => headers.state.hashOfBlock(entry.height, entry.hash),
          match: (entry, bytes) => {
            coverage.matching(entry.height);
            return GcsFilter.decode(bytes, entry.hash).matchAny(registry.scripts);
          },
          filterPeers,
          blockPeers,
          links,
          ...(options.scheduler ? { scheduler: options.scheduler } : {}),
        }).pipe(
          tap((step: ScanStep) => applyStep(step, coverage, options)),
          ignoreElements(),
          concatWith(
            defer(() => {
              coverage.checked(last);
              options.onChecked?.(last);
              registry.caughtUp(chain.height);
              return EMPTY;
            }),
          ),
          finalize(() => {
            if (running === coverage) running = undefined;
          }),
        );
      });

    const scan = (kick: () => void): Observable<never> =>
      defer(() => from(headers.sync())).pipe(
        mergeMap((top) => {
          const first = Math.max(registry.lowestNeed, chain.root.height);
          if (first > top) {
            registry.caughtUp(chain.height);
            return EMPTY;
          }
          return pass(first, top).pipe(
            concatWith(
              defer(() => {
                if (registry.lowestNeed <= chain.height) kick(); // joiners' missed heights, or a tip that came meanwhile
                return EMPTY;
              }),
            ),
          );
        }),
      );
    subs.add(
      scanLoop({
        chain,
        registry,
        scan,
        added: (w) => running?.join(w),
        reorganised: (forkHeight) => {
          headers.state.truncate(forkHeight).catch((e: unknown) => subscriber.error(e));
        },
      }).subscribe({ error: (e: unknown) => subscriber.error(e) }),
    );
    return subs;
  });
}

/** One step of a pass: a height checked is recorded; a matched block still on the best chain is searched. */
function applyStep(step: ScanStep, coverage: PassCoverage, options: Bip158ScanOptions): void {
  if (step.type === 'scanned') {
    coverage.checked(step.height);
    options.onChecked?.(step.height);
  } else if (options.chain.isBest(step.entry.hash)) {
    options.registry.searchBlock(step.block, { height: step.entry.height, blockHash: step.entry.hashHex }, (index) => ({
      kind: 'block',
      index,
    }));
  }
}
