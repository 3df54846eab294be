import { Observable, Subject, Subscription, range, type OperatorFunction, type SchedulerLike } from 'rxjs';
import type { ChainEntry } from '../chain/chain-entry.js';
import type { HeaderChain } from '../chain/header-chain.js';
import { download } from '../download/download.js';
import type { DownloadOptions, Downloaded, LinkMemory, WorkerChange } from '../download/download-job.js';
import type { Peer } from '../peer/peer-api.js';
import type { Block } from '../wire/messages/block.js';
import { MAX_GETCFILTERS } from './serve-filters.js';
import { MAX_BLOCKS_IN_FLIGHT, blockJob } from './block-job.js';
import { filterJob } from './filter-job.js';

/**
 * Filters handed out at most ahead of the first not yet matched in order.
 * A filter is reduced to one bit as it arrives, so the window costs next to
 * nothing; it is wide (about 8 s of a 20 MB/s network's mainnet-sized
 * filters) so that a slow peer's few filters never hold up the fast ones.
 */
export const FILTER_WINDOW = 8 * MAX_GETCFILTERS;
/**
 * Blocks handed out at most ahead of the first not yet searched in order,
 * in flight or waiting. Unlike Core, which writes blocks to disk, a watch
 * holds them decoded while they wait (a 1.25 MB mainnet block of 3,315
 * transactions takes about 4 MB of heap beside its bytes): 8 bound that to
 * about 40 MB whatever the peers do, and still fetch 8 blocks at once.
 */
export const BLOCK_WINDOW = 8;

/** One step of a {@link scanFilters}, in height order (`rescan` blocks excepted). */
export type ScanStep =
  | {
      /** Every block up to `height` was matched, and those that matched delivered. */
      type: 'scanned';
      /** The height. */
      height: number;
    }
  | {
      /** A block to search: its filter matched, or it was asked for again (`rescan`). */
      type: 'block';
      /** Its entry in the chain. */
      entry: ChainEntry;
      /** The block, checked against its header. */
      block: Block;
      /** Asked for through `again$` below the heights delivered in order: it comes when it comes. */
      rescan: boolean;
    };

/** What {@link scanFilters} needs. */
export interface ScanOptions {
  /** The verified header chain. */
  chain: HeaderChain;
  /** First and last height. */
  first: number;
  /** Last height. */
  last: number;
  /** The verified filter hash of a block, or undefined when the verified filter headers no longer hold it. */
  hashOf: (entry: ChainEntry) => Uint8Array | undefined;
  /** Whether the block's filter matches (made as each filter arrives, in any order). */
  match: (entry: ChainEntry, filter: Uint8Array) => boolean;
  /** Peers that serve filters, joining and leaving. */
  filterPeers: Observable<WorkerChange<Peer>>;
  /** Peers that serve blocks, joining and leaving. */
  blockPeers: Observable<WorkerChange<Peer>>;
  /**
   * Heights whose blocks are wanted although their filters did not match
   * (a script derived since): delivered in order when the filters have not
   * reached them yet, else as `rescan` steps.
   */
  again$?: Observable<number>;
  /** Timers. */
  scheduler?: SchedulerLike;
  /** What is known of each peer's link, kept between scans. */
  links?: LinkMemory<Peer>;
}

/**
 * Scan the blocks `first`…`last` through compact filters from every peer
 * at once: the filters by the download scheduler over `filterPeers` (each
 * checked against its verified hash and matched as it arrives), the
 * matching blocks by a second one over `blockPeers` (each checked against
 * its header), emitted in height order with `scanned` steps between.
 * Completes once every filter is matched and every block asked for
 * delivered.
 */
export function scanFilters(options: ScanOptions): Observable<ScanStep> {
  const { chain, first, last } = options;
  return new Observable<ScanStep>((subscriber) => {
    const subs = new Subscription();
    const wanted = new Subject<ChainEntry>();
    /** Heights matched and waiting for their blocks, in order. */
    const waiting: number[] = [];
    const arrived = new Map<number, Block>();
    /** Heights asked for again above the filters matched so far: taken when the filters get there. */
    const later = new Set<number>();
    let filteredTo = first - 1;
    let filtersDone = false;
    let rescans = 0;
    const tell = (): void => subscriber.next({ type: 'scanned', height: waiting.length > 0 ? waiting[0]! - 1 : filteredTo });
    const settle = (): void => {
      if (filtersDone && waiting.length === 0 && rescans === 0) subscriber.complete();
    };
    const drain = (): void => {
      while (waiting.length > 0 && arrived.has(waiting[0]!)) {
        const height = waiting.shift()!;
        const block = arrived.get(height)!;
        arrived.delete(height);
        subscriber.next({ type: 'block', entry: chain.header(height)!, block, rescan: false });
      }
      tell();
      settle();
    };
    const want = (entry: ChainEntry): void => {
      waiting.push(entry.height);
      wanted.next(entry);
    };
    subs.add(
      wanted.pipe(blockDownloads(options)).subscribe({
        next: ({ item, value }) => {
          if (waiting.includes(item.height)) {
            arrived.set(item.height, value);
            drain();
            return;
          }
          rescans--;
          subscriber.next({ type: 'block', entry: item, block: value, rescan: true });
          settle();
        },
        error: (e: unknown) => subscriber.error(e),
      }),
    );
    subs.add(
      range(first, Math.max(0, last - first + 1))
        .pipe(filterMatches(options))
        .subscribe({
          next: ({ item: height, value: matched }) => {
            filteredTo = height;
            if (matched || later.delete(height)) want(chain.header(height)!);
            else if (waiting.length === 0) tell();
          },
          error: (e: unknown) => subscriber.error(e),
          complete: () => {
            filtersDone = true;
            settle();
          },
        }),
    );
    if (options.again$) {
      subs.add(
        options.again$.subscribe((height) => {
          if (height > filteredTo && height <= last) later.add(height);
          else if (!waiting.includes(height)) {
            rescans++;
            wanted.next(chain.header(height)!);
          }
        }),
      );
    }
    return subs;
  });
}

/** The timers and link memory a scan's downloads share. */
const shared = (options: ScanOptions): Pick<DownloadOptions<Peer>, 'scheduler' | 'links'> => ({
  ...(options.scheduler ? { scheduler: options.scheduler } : {}),
  ...(options.links ? { links: options.links } : {}),
});

/** Matched blocks fetched from the block peers, {@link BLOCK_WINDOW} ahead, checked against the chain. */
function blockDownloads(options: ScanOptions): OperatorFunction<ChainEntry, Downloaded<ChainEntry, Block, Peer>> {
  return download(blockJob(), options.blockPeers, {
    window: BLOCK_WINDOW,
    maxInFlight: MAX_BLOCKS_IN_FLIGHT,
    maxBatch: MAX_BLOCKS_IN_FLIGHT,
    itemBytes: 1_000_000,
    ...shared(options),
  });
}

/** Each height's filter fetched from the filter peers, checked against its filter header and matched: whether it matched. */
function filterMatches(options: ScanOptions): OperatorFunction<number, Downloaded<number, boolean, Peer>> {
  const { chain, hashOf, match } = options;
  return download(filterJob({ entryAt: (h) => chain.header(h), hashOf, match }), options.filterPeers, {
    window: FILTER_WINDOW,
    maxBatch: MAX_GETCFILTERS,
    ...shared(options),
  });
}
