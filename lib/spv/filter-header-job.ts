import { Observable, filter, take } from 'rxjs';
import type { HeaderChain } from '../chain/header-chain.js';
import { StaleRequestError } from '../download/download-error.js';
import type { Delivery, DownloadJob } from '../download/download-job.js';
import type { Peer } from '../peer/peer-api.js';
import { bytesEqual } from '../wire/hex.js';
import { FilterType, MAX_CFHEADERS_PER_MESSAGE } from '../wire/messages/compact-filters.js';
import { filterHeaderFromHash } from './basic-filter.js';
import { CompactFilterError, CompactFilterErrorCode } from './filter-client.js';
import { peerJob } from './peer-job.js';
import { CFCHECKPT_INTERVAL } from './serve-filters.js';

/** A run of heights whose filter headers are fetched together, at most one checkpoint interval, ending on one or at the tip. */
export interface HeaderSpan {
  /** First height. */
  start: number;
  /** Last height. */
  end: number;
}

/** A span's filter hashes and the headers they chain to, checked. */
export interface HeaderRun {
  /** Filter hashes, `start` first. */
  hashes: Uint8Array[];
  /** Filter headers, `start` first. */
  headers: Uint8Array[];
}

/** Bytes of a `cfheaders` message besides its hashes. */
const CFHEADERS_OVERHEAD = 24 + 1 + 32 + 32 + 3;

/** The spans from `from` to `to`: each ends on a multiple of {@link CFCHECKPT_INTERVAL}, or at `to`. */
export function headerSpans(from: number, to: number): HeaderSpan[] {
  const spans: HeaderSpan[] = [];
  for (let start = from; start <= to;) {
    const end = Math.min(to, Math.ceil(start / CFCHECKPT_INTERVAL) * CFCHECKPT_INTERVAL || CFCHECKPT_INTERVAL);
    spans.push({ start, end });
    start = end + 1;
  }
  return spans;
}

/**
 * Filter headers as a download job: one `getcfheaders` for a run of spans
 * (at most 2,000 heights), each span chained from the header it must
 * continue (`previousAt`: the verified one, or the agreed checkpoint) and,
 * when it ends on a checkpoint height, checked to end on the agreed
 * checkpoint (`checkpointAt`). A peer whose headers do not is disconnected
 * with a `bad-cfheaders` {@link CompactFilterError} — unless `stable` says
 * the chain reorganised meanwhile (then nobody is blamed).
 */
export function filterHeaderJob(
  chain: HeaderChain,
  previousAt: (height: number) => Uint8Array,
  checkpointAt: (height: number) => Uint8Array | undefined,
  stable: () => boolean = () => true,
): DownloadJob<Peer, HeaderSpan, HeaderRun> {
  return {
    ...peerJob,
    follows: (prev, next) => next.start === prev.end + 1 && next.end - next.start + prev.end - prev.start + 2 <= MAX_CFHEADERS_PER_MESSAGE,
    fetch: (peer, spans) =>
      new Observable<Delivery<HeaderRun>>((subscriber) => {
        const first = spans[0]!;
        const last = spans[spans.length - 1]!;
        const stop = chain.header(last.end)!;
        const refuse = (why: string): void => {
          // After a reorganisation the peer may have answered for the other branch: not its fault.
          if (!stable()) {
            subscriber.error(new StaleRequestError(`the chain reorganised under the request (${why})`));
            return;
          }
          const e = new CompactFilterError(CompactFilterErrorCode.BadHeaders, why, peer.stats().address);
          peer.disconnect(e.message, e);
          subscriber.error(e);
        };
        const sub = peer
          .on('cfheaders')
          .pipe(
            filter((m) => bytesEqual(m.stopHash, stop.hash)),
            take(1),
          )
          .subscribe({
            next: (m) => {
              if (m.filterHashes.length !== last.end - first.start + 1) {
                refuse(`${m.filterHashes.length} filter hashes for ${last.end - first.start + 1} blocks`);
                return;
              }
              let prev = m.previousFilterHeader;
              if (!bytesEqual(prev, previousAt(first.start))) {
                refuse(`cfheaders from ${first.start} do not continue the verified filter headers`);
                return;
              }
              const bytes = (32 * m.filterHashes.length + CFHEADERS_OVERHEAD) / spans.length;
              spans.forEach((span, index) => {
                if (subscriber.closed) return;
                const hashes = m.filterHashes.slice(span.start - first.start, span.end - first.start + 1);
                const headers = hashes.map((h) => (prev = filterHeaderFromHash(h, prev)));
                const agreed = checkpointAt(span.end);
                if (agreed && !bytesEqual(agreed, prev)) {
                  refuse(`cfheaders to ${span.end} end on a filter header that is not the checkpoint the peers agree on`);
                  return;
                }
                subscriber.next({ index, value: { hashes, headers }, bytes });
              });
              subscriber.complete();
            },
            complete: () => subscriber.error(new Error('the peer disconnected')),
          });
        peer.queue({ command: 'getcfheaders', filterType: FilterType.Basic, startHeight: first.start, stopHash: stop.hash });
        return sub;
      }),
  };
}
