import type { Downloaded } from './download-job.js';

/** Where a `Downloader`'s results go (the `download` operator's subscriber). */
export interface DownloadSink<I, R, W> {
  /** An item's result, in item order. */
  next(result: Downloaded<I, R, W>): void;
  /** Every item came in and was emitted. */
  complete(): void;
  /** The download cannot go on. */
  error(error: unknown): void;
  /** Whether the consumer left. */
  readonly closed: boolean;
}
