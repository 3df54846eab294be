import type { SchedulerLike } from 'rxjs';
import type { ChainEntry } from '../chain/chain-entry.js';
import type { Peer } from '../peer/peer-api.js';

/** Progress of `syncHeaders`, emitted after every batch. */
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

/** Options of `syncHeaders`. */
export interface SyncHeadersOptions {
  /** Clock for the rate (a virtual scheduler in tests). @default asyncScheduler */
  scheduler?: SchedulerLike;
  /** Unconnecting announcements tolerated after catching up before the peer is dropped (Core's MAX_NUM_UNCONNECTING_HEADERS_MSGS). @default 10 */
  maxUnconnecting?: number;
}

/** Window over which headers/s is averaged, ms. */
const RATE_WINDOW = 5000;

/** Headers per second over the last {@link RATE_WINDOW}, from the chain's height sampled after each batch. */
export class HeaderRate {
  private readonly samples: [time: number, height: number][] = [];

  /** Note the chain's `height` at `now` (ms) and return the rate over the window up to it. */
  sample(now: number, height: number): number {
    this.samples.push([now, height]);
    while (this.samples.length > 2 && now - this.samples[0]![0] > RATE_WINDOW) this.samples.shift();
    const [t0, h0] = this.samples[0]!;
    return now > t0 ? ((height - h0) * 1000) / (now - t0) : 0;
  }
}
