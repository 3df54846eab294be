import { Observable } from 'rxjs';
import type { ChainEntry } from '../chain/chain-entry.js';
import { StaleRequestError } from '../download/download-error.js';
import type { Delivery, DownloadJob } from '../download/download-job.js';
import type { Peer } from '../peer/peer-api.js';
import { bytesEqual } from '../wire/hex.js';
import { FilterType } from '../wire/messages/compact-filters.js';
import { filterHash } from './basic-filter.js';
import { CompactFilterError, CompactFilterErrorCode } from './filter-client.js';
import { peerJob } from './peer-job.js';

/** Bytes of a `cfilter` message besides its filter: v1 framing, filter type, block hash, the filter's length. */
const CFILTER_OVERHEAD = 24 + 1 + 32 + 3;

/** Options of {@link filterJob}. */
export interface FilterJobOptions<R> {
  /** The chain's entry at a height, or undefined when the chain no longer reaches it (looked up when a request is made). */
  entryAt(height: number): ChainEntry | undefined;
  /**
   * The verified filter hash of a block (what its filter must hash to), or
   * undefined when the verified filter headers no longer hold that block (a
   * reorganisation changed them under the request: not the peer's fault).
   */
  hashOf(entry: ChainEntry): Uint8Array | undefined;
  /**
   * What a checked filter is to the caller, made as it arrives (in any
   * order): keep it small, it waits in the download window. Throwing
   * (the filter does not decode) disconnects the peer.
   */
  match(entry: ChainEntry, filter: Uint8Array): R;
}

/**
 * Basic filters as a download job over heights (an item costs a number
 * while it waits, its chain entry is read only while it is asked for):
 * `getcfilters` for a run of consecutive blocks, each `cfilter` checked against its verified filter hash (a peer
 * whose filter is not the one its header commits to is disconnected with a
 * `bad-filter` {@link CompactFilterError}) and turned into `match`'s result.
 */
export function filterJob<R>(options: FilterJobOptions<R>): DownloadJob<Peer, number, R> {
  return {
    ...peerJob,
    follows: (prev, next) => next === prev + 1,
    fetch: (peer, heights) =>
      new Observable<Delivery<R>>((subscriber) => {
        const entries: ChainEntry[] = [];
        for (const height of heights) {
          const entry = options.entryAt(height);
          if (!entry) {
            subscriber.error(new StaleRequestError(`the chain no longer reaches height ${height}`));
            return;
          }
          entries.push(entry);
        }
        let next = 0;
        const refuse = (error: Error): void => {
          peer.disconnect(error.message, error);
          subscriber.error(error);
        };
        const sub = peer.on('cfilter').subscribe({
          next: (m) => {
            const entry = entries[next];
            // Servers answer in height order: anything but the next block's filter is not this request's.
            if (!entry || m.filterType !== FilterType.Basic || !bytesEqual(m.blockHash, entry.hash)) return;
            const expected = options.hashOf(entry);
            if (!expected) {
              subscriber.error(new StaleRequestError(`the verified filter headers no longer hold block ${entry.hashHex}`));
              return;
            }
            if (!bytesEqual(filterHash(m.filter), expected)) {
              const address = peer.stats().address;
              refuse(
                new CompactFilterError(
                  CompactFilterErrorCode.BadFilter,
                  `filter of ${entry.hashHex} is not the one its header commits to`,
                  address,
                ),
              );
              return;
            }
            let value: R;
            try {
              value = options.match(entry, m.filter);
            } catch (e) {
              // Its header commits to it, so the peer built (or invented) a filter that is not one.
              refuse(
                e instanceof Error
                  ? e
                  : new CompactFilterError(CompactFilterErrorCode.BadFilter, `filter of ${entry.hashHex}: ${String(e)}`),
              );
              return;
            }
            subscriber.next({ index: next, value, bytes: m.filter.length + CFILTER_OVERHEAD });
            if (++next === entries.length) subscriber.complete();
          },
          complete: () => subscriber.error(new Error('the peer disconnected')),
        });
        peer.queue({
          command: 'getcfilters',
          filterType: FilterType.Basic,
          startHeight: entries[0]!.height,
          stopHash: entries[entries.length - 1]!.hash,
        });
        return sub;
      }),
  };
}
