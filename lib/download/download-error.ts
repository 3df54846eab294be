/** Why the download scheduler dismissed a worker or gave up. */
export const DownloadErrorCode = {
  /** The worker held up the window, or sent nothing with requests outstanding, for the stall timeout. */
  Stall: 'stall',
  /** The worker let requests time out MAX_TIMEOUTS times in a row. */
  Timeout: 'timeout',
  /** Every worker answered a request for an item without it (a pruned node's `notfound`), and no other can join. */
  NotFound: 'not-found',
  /** Every worker left for good (the source of workers completed) with items still to fetch. */
  NoWorkers: 'no-workers',
} as const;

/** One of {@link DownloadErrorCode}. */
export type DownloadErrorCode = (typeof DownloadErrorCode)[keyof typeof DownloadErrorCode];

/** A worker dismissed by the download scheduler, or a download that cannot go on. */
export class DownloadError extends Error {
  static override readonly name = 'DownloadError';
  /** What happened. */
  readonly code: DownloadErrorCode;
  /**
   * @param code - what happened
   * @param message - details
   * @param options - `cause`: the errors behind a `no-workers`
   */
  constructor(code: DownloadErrorCode, message: string, options?: ErrorOptions) {
    super(`${code}: ${message}`, options);
    this.name = 'DownloadError';
    this.code = code;
  }
}

/**
 * What a job's fetch errors with when its request no longer applies (the
 * job's own state changed under it, as a chain reorganising): its items
 * wait again and the worker is not blamed for it.
 */
export class StaleRequestError extends Error {
  static override readonly name = 'StaleRequestError';
  /** @param message - what changed */
  constructor(message: string) {
    super(message);
    this.name = 'StaleRequestError';
  }
}
