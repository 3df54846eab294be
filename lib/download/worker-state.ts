import type { LinkEstimate } from './link-estimate.js';
import type { Request } from './request.js';

/** What the scheduler keeps per worker. */
export class WorkerState<W, I, R> {
  /** The worker. */
  readonly worker: W;
  /** Its link. */
  readonly link: LinkEstimate;
  /** Requests out. */
  readonly requests = new Set<Request<W, I, R>>();
  /** Items in flight. */
  items = 0;
  /** Bytes in flight (as assumed when asked). */
  bytes = 0;
  /** When the last item came, ms. */
  lastDelivery: number | undefined;
  /** When it last showed life with requests out (an item, a byte, or the request that started a busy spell), ms. */
  lastProgress = 0;
  /** Its byte count then. */
  lastReceived: number | undefined;
  /** Requests in a row that timed out or failed. */
  failures = 0;
  /** Not asked again before this time (just failed), ms. */
  restUntil = 0;

  /**
   * @param worker - the worker
   * @param link - what is known of its link
   */
  constructor(worker: W, link: LinkEstimate) {
    this.worker = worker;
    this.link = link;
  }

  /** Seconds of transfer it holds, ms: what is in flight at its rate. */
  get backlogMs(): number {
    return this.bytes / this.link.rate;
  }
}
