import type { Observable, SchedulerLike } from 'rxjs';
import type { DownloadError } from './download-error.js';
import type { LinkEstimate } from './link-estimate.js';

/** One item's result, as a worker delivered it. */
export interface Delivery<R> {
  /** The item's position in the request's list. */
  readonly index: number;
  /** What the job made of it (keep it small: results wait in the window until every earlier one is in). */
  readonly value: R;
  /** Bytes the worker sent for it (its measured rate is made of these). */
  readonly bytes: number;
}

/**
 * What to fetch and how to check it: the download scheduler knows workers
 * and items, never what the items are (neutrino's query package is the
 * model). The job turns a list of items into a request to one worker and
 * each reply into a checked result.
 */
export interface DownloadJob<W, I, R> {
  /**
   * Ask `worker` for `items`: emit each item's {@link Delivery} once, in any
   * order, and complete. Items not delivered when it completes go to other
   * workers. An error fails the request (its items go to other workers, the
   * worker is tried again); a job that proves a worker lied disconnects it
   * itself before it errors.
   */
  fetch(worker: W, items: readonly I[]): Observable<Delivery<R>>;
  /** Dismiss a worker the scheduler found stalling (disconnect it). */
  dismiss(worker: W, error: DownloadError): void;
  /** Whether `next` may follow `prev` in one request (consecutive heights for `getcfilters`). @default always */
  follows?(prev: I, next: I): boolean;
  /** Whether the worker can be asked now (a peer still connected). @default always */
  available?(worker: W): boolean;
  /** Bytes received from the worker so far, any message: a worker whose count stands still with requests outstanding is silent. */
  received?(worker: W): number;
  /** A round trip measured by other means (a ping), ms, while the scheduler has measured none. */
  roundTrip?(worker: W): number | undefined;
}

/** A worker joining or leaving the download. */
export interface WorkerChange<W> {
  /** Joined or left. */
  readonly type: 'added' | 'removed';
  /** The worker. */
  readonly worker: W;
}

/** An item's result, emitted in the order the items came in. */
export interface Downloaded<I, R, W> {
  /** The item. */
  readonly item: I;
  /** Its result. */
  readonly value: R;
  /** The worker that delivered it. */
  readonly worker: W;
}

/** Options of {@link download}. */
export interface DownloadOptions<W = unknown> {
  /** Items handed out at most ahead of the first not yet emitted. @default 1024 */
  window?: number;
  /** Items in one request at most. @default 1000 */
  maxBatch?: number;
  /** Items one worker holds in flight at most. @default 1024 */
  maxInFlight?: number;
  /** Bytes an item is assumed to take before one arrived. @default 16384 */
  itemBytes?: number;
  /** Stall timeout to start from, ms. @default 2000 */
  stallTimeout?: number;
  /** Timers and the clock. @default asyncScheduler */
  scheduler?: SchedulerLike;
  /**
   * What is known of each worker's link, shared between downloads (a
   * watch's successive scans): a worker met before starts from its measured
   * rate and round trip, not from a guess. @default a fresh one per download
   */
  links?: LinkMemory<W>;
}

/** Where downloads keep what they learnt of each worker's link (a `WeakMap` of peers does). */
export interface LinkMemory<W> {
  /** The link of a worker, if known. */
  get(worker: W): LinkEstimate | undefined;
  /** Remember a worker's link. */
  set(worker: W, link: LinkEstimate): unknown;
}
