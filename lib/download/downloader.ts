import type { SchedulerLike, Subscription } from 'rxjs';
import {
  CHECK_INTERVAL,
  DOWNLOAD_WINDOW,
  INITIAL_ITEM_BYTES,
  MAX_BATCH,
  MAX_IN_FLIGHT,
  MAX_TIMEOUTS,
  REQUEST_TIMEOUT_FACTOR,
} from './download-constants.js';
import { DownloadError, DownloadErrorCode, StaleRequestError } from './download-error.js';
import type { DownloadSink } from './download-sink.js';
import type { Delivery, DownloadJob, DownloadOptions, LinkMemory } from './download-job.js';
import { LinkEstimate } from './link-estimate.js';
import { ItemWindow } from './item-window.js';
import { batchSize, expectedFinish, hasRoom, type SizingLimits } from './request-sizing.js';
import { lateRequests, silence, windowHolder } from './stall-checks.js';
import { StallTimeout } from './stall-timeout.js';
import type { Request } from './request.js';
import type { Slot } from './slot.js';
import { WorkerState } from './worker-state.js';

/** Weight of a new item's size in the running average. */
const ITEM_BYTES_WEIGHT = 0.1;

/**
 * The state of one download (see {@link download}): items in a window,
 * requests sized per worker from its measured rate and round trip, the
 * checks for stalls and timeouts, results put back in order. Driven by the
 * operator through its methods; every timer goes through `scheduler`.
 */
export class Downloader<W, I, R> {
  private readonly job: DownloadJob<W, I, R>;
  private readonly sink: DownloadSink<I, R, W>;
  private readonly scheduler: SchedulerLike;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private readonly stallTimeout: StallTimeout;
  private itemBytes: number;
  private readonly items: ItemWindow<W, I, R>;
  private itemsDone = false;
  private workersDone = false;
  private readonly workers = new Map<W, WorkerState<W, I, R>>();
  private readonly dismissed = new WeakSet();
  private readonly links: LinkMemory<W> | undefined;
  /** Since when the window is full and its first item is in flight, ms. */
  private blockedSince: number | undefined;
  private advanced = false;
  private timer: Subscription | undefined;
  private pending: Subscription | undefined;
  private busy = false;
  private again = false;
  private stopped = false;

  /**
   * @param job - what to fetch and how
   * @param sink - where results go
   * @param options - window, limits, clock
   */
  constructor(job: DownloadJob<W, I, R>, sink: DownloadSink<I, R, W>, options: DownloadOptions<W> & { scheduler: SchedulerLike }) {
    this.job = job;
    this.sink = sink;
    this.scheduler = options.scheduler;
    this.items = new ItemWindow(options.window ?? DOWNLOAD_WINDOW);
    this.maxBatch = options.maxBatch ?? MAX_BATCH;
    this.maxInFlight = options.maxInFlight ?? MAX_IN_FLIGHT;
    this.stallTimeout = new StallTimeout(options.stallTimeout);
    this.itemBytes = options.itemBytes ?? INITIAL_ITEM_BYTES;
    this.links = options.links;
  }

  /** An item to fetch, after every one before it (handed out on the scheduler's next turn, with those that come with it). */
  addItem(item: I): void {
    this.items.push(item);
    this.soon();
  }

  /** No more items will come. */
  endItems(): void {
    this.itemsDone = true;
    this.soon();
  }

  /** A worker joined. */
  addWorker(worker: W): void {
    if (this.workers.has(worker) || (typeof worker === 'object' && worker !== null && this.dismissed.has(worker))) return;
    let link = this.links?.get(worker);
    if (!link) {
      link = new LinkEstimate(() => this.job.roundTrip?.(worker));
      this.links?.set(worker, link);
    }
    this.workers.set(worker, new WorkerState(worker, link));
    this.run();
  }

  /** A worker left: what it held goes to the others at once. */
  removeWorker(worker: W): void {
    const w = this.workers.get(worker);
    if (!w) return;
    this.workers.delete(worker);
    for (const req of [...w.requests]) this.drop(req);
    this.run();
  }

  /** No more workers will join. */
  endWorkers(): void {
    this.workersDone = true;
    this.run();
  }

  /** Stop: every request cancelled, no timer left. */
  stop(): void {
    this.stopped = true;
    this.timer?.unsubscribe();
    this.timer = undefined;
    this.pending?.unsubscribe();
    this.pending = undefined;
    for (const w of this.workers.values()) for (const req of w.requests) req.subscription?.unsubscribe();
    this.workers.clear();
  }

  /** Current stall timeout, ms (doubles after each stall, shrinks back as items arrive in order). */
  get currentStallTimeout(): number {
    return this.stallTimeout.current;
  }

  /** Stopped, or the consumer left (read through a getter: both change behind the compiler's back). */
  private get halted(): boolean {
    return this.stopped || this.sink.closed;
  }

  /** Whether something asked for another round while this one ran. */
  private rerun(): boolean {
    return this.again && !this.halted;
  }

  /** Run on the scheduler's next turn: items that come one by one in one turn go out in requests together. */
  private soon(): void {
    if (this.pending || this.stopped) return;
    this.pending = this.scheduler.schedule(() => {
      this.pending = undefined;
      this.run();
    });
  }

  /** Emit what is in order, hand out what can be, check whether it is all done; never re-entered. */
  private run(): void {
    if (this.stopped) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    try {
      for (;;) {
        this.again = false;
        this.flush();
        if (this.halted) return;
        this.items.fill();
        this.assign();
        if (!this.rerun()) break;
      }
      this.settle();
    } finally {
      this.busy = false;
    }
  }

  /** Emit the results at the front of the window, in order. */
  private flush(): void {
    for (let s = this.items.takeDone(); s; s = this.items.takeDone()) {
      this.advanced = true;
      this.blockedSince = undefined;
      this.sink.next({ item: s.item, value: s.value as R, worker: s.worker as W });
      if (this.sink.closed) return;
    }
  }

  /** Hand waiting slots to the workers that would deliver them soonest, each up to what keeps its link busy. */
  private assign(): void {
    const now = this.scheduler.now();
    const skip = new Set<WorkerState<W, I, R>>();
    while (this.items.ready.size > 0) {
      const w = this.pick(now, skip);
      if (!w) return;
      const wanted = (s: Slot<W, I, R>): boolean => !s.refused?.has(w.worker);
      const first = this.items.ready.takeFirst(wanted);
      if (!first) {
        skip.add(w); // it refused everything waiting: the others may have it
        continue;
      }
      const batch: Slot<W, I, R>[] = [first];
      const size = batchSize(w, this.limits);
      for (let next = this.items.ready.peek(); next && batch.length < size && wanted(next); next = this.items.ready.peek()) {
        if (this.job.follows && !this.job.follows(batch[batch.length - 1]!.item, next.item)) break;
        batch.push(this.items.ready.take()!);
      }
      this.send(w, batch, now);
      if (this.stopped) return;
    }
  }

  /** The worker with room (see `hasRoom`) that would deliver a new request first. */
  private pick(now: number, skip: ReadonlySet<WorkerState<W, I, R>>): WorkerState<W, I, R> | undefined {
    let best: WorkerState<W, I, R> | undefined;
    let bestAt = Infinity;
    for (const w of this.workers.values()) {
      if (skip.has(w) || w.restUntil > now || this.job.available?.(w.worker) === false || !hasRoom(w, this.limits)) continue;
      const at = expectedFinish(w, this.limits);
      if (at < bestAt) {
        best = w;
        bestAt = at;
      }
    }
    return best;
  }

  /** What sizing a request needs: the item size now, the limits. */
  private get limits(): SizingLimits {
    return { itemBytes: this.itemBytes, maxBatch: this.maxBatch, maxInFlight: this.maxInFlight };
  }

  private send(w: WorkerState<W, I, R>, slots: Slot<W, I, R>[], now: number): void {
    if (w.requests.size === 0) w.lastProgress = now;
    const req: Request<W, I, R> = { worker: w, slots, sentAt: now, itemBytes: this.itemBytes, deadline: Infinity, subscription: undefined };
    for (const s of slots) s.request = req;
    w.requests.add(req);
    w.items += slots.length;
    w.bytes += slots.length * req.itemBytes;
    const expected = w.link.roundTrip + w.bytes / w.link.rate;
    req.deadline = now + REQUEST_TIMEOUT_FACTOR * expected + this.stallTimeout.current;
    const subscription = this.job
      .fetch(
        w.worker,
        slots.map((s) => s.item),
      )
      .subscribe({
        next: (d) => this.deliver(req, d),
        error: (e: unknown) => this.failed(req, e),
        complete: () => this.finished(req),
      });
    if (w.requests.has(req)) req.subscription = subscription;
    else subscription.unsubscribe(); // it settled while subscribing
    this.arm();
  }

  private deliver(req: Request<W, I, R>, d: Delivery<R>): void {
    const slot = req.slots[d.index];
    if (!slot || slot.done || slot.request !== req || this.stopped) return;
    const w = req.worker;
    const now = this.scheduler.now();
    slot.done = true;
    slot.value = d.value;
    slot.worker = w.worker;
    slot.request = undefined;
    w.items--;
    w.bytes = Math.max(0, w.bytes - req.itemBytes);
    // Busy since the last item (this request was out then): a rate sample. Else the link was idle: a round trip.
    if (w.lastDelivery !== undefined && req.sentAt <= w.lastDelivery) w.link.transfer(d.bytes, now - w.lastDelivery);
    else w.link.firstItem(now - req.sentAt, d.bytes / w.link.rate);
    w.lastDelivery = now;
    w.lastProgress = now;
    w.failures = 0;
    this.itemBytes += (d.bytes - this.itemBytes) * ITEM_BYTES_WEIGHT;
    if (req.slots.every((s) => s.request !== req)) this.retire(req);
    this.run();
  }

  /** The fetch completed: what it did not deliver goes back to the queue, for other workers (this one does not have it). */
  private finished(req: Request<W, I, R>): void {
    if (!req.worker.requests.has(req)) return;
    for (const s of req.slots) if (s.request === req) (s.refused ??= new Set()).add(req.worker.worker);
    this.drop(req);
    this.run();
  }

  /**
   * The fetch failed: its items go to others, and the worker rests a moment
   * (a worker failing again and again is dismissed; a stale request is not
   * its fault and does not count).
   */
  private failed(req: Request<W, I, R>, error: unknown): void {
    const w = req.worker;
    if (!w.requests.has(req)) return;
    this.drop(req);
    if (error instanceof StaleRequestError) {
      w.restUntil = this.scheduler.now() + CHECK_INTERVAL;
      this.arm();
    } else {
      this.strike(w, new DownloadError(DownloadErrorCode.Timeout, 'requests failed again and again'));
    }
    this.run();
  }

  private strike(w: WorkerState<W, I, R>, error: DownloadError): void {
    w.restUntil = this.scheduler.now() + CHECK_INTERVAL;
    if (++w.failures >= MAX_TIMEOUTS) this.dismiss(w, error);
    else this.arm();
  }

  /** Take a request off its worker; its undelivered slots wait again. */
  private drop(req: Request<W, I, R>): void {
    req.subscription?.unsubscribe();
    for (const s of req.slots) {
      if (s.request !== req) continue;
      s.request = undefined;
      req.worker.items--;
      req.worker.bytes = Math.max(0, req.worker.bytes - req.itemBytes);
      this.items.ready.put(s);
    }
    this.retire(req);
  }

  private retire(req: Request<W, I, R>): void {
    req.worker.requests.delete(req);
    req.subscription?.unsubscribe();
  }

  private dismiss(w: WorkerState<W, I, R>, error: DownloadError): void {
    if (typeof w.worker === 'object' && w.worker !== null) this.dismissed.add(w.worker);
    this.removeWorker(w.worker);
    this.job.dismiss(w.worker, error);
  }

  /** Complete when every item is emitted; fail when work is left and no worker can ever come. */
  private settle(): void {
    if (this.stopped || this.sink.closed) return;
    const pending = this.items.pending;
    if (!pending && this.itemsDone) {
      this.stop();
      this.sink.complete();
    } else if (pending && this.workersDone && this.workers.size === 0) {
      this.stop();
      this.sink.error(new DownloadError(DownloadErrorCode.NoWorkers, 'every worker left with items still to fetch'));
    } else if (this.workersDone && this.items.ready.stuck([...this.workers.keys()])) {
      this.stop();
      this.sink.error(new DownloadError(DownloadErrorCode.NotFound, 'every worker answered without an item (none has it)'));
    }
  }

  /** Check stalls and timeouts every {@link CHECK_INTERVAL} while anything is in flight. */
  private arm(): void {
    if (this.timer || this.stopped) return;
    this.timer = this.scheduler.schedule(() => {
      this.timer = undefined;
      this.check();
    }, CHECK_INTERVAL);
  }

  private check(): void {
    if (this.stopped) return;
    const now = this.scheduler.now();
    if (this.advanced) {
      this.advanced = false;
      this.stallTimeout.advanced();
    }
    for (const w of [...this.workers.values()]) if (w.requests.size > 0) this.checkWorker(w, now);
    this.checkWindow(now);
    this.run();
    // Resting workers are woken by the next check too.
    const waiting = [...this.workers.values()].some((w) => w.requests.size > 0 || (w.restUntil > now && this.items.ready.size > 0));
    if (waiting) this.arm();
  }

  /** Silence for the stall timeout with requests out, and request deadlines. */
  private checkWorker(w: WorkerState<W, I, R>, now: number): void {
    const silent = silence(w, now, this.job.received?.(w.worker), this.stallTimeout.current, this.itemBytes);
    if (silent !== undefined) {
      this.stall(w, `nothing received for ${Math.round(silent)} ms with requests outstanding`);
      return;
    }
    for (const req of lateRequests(w, now)) {
      if (!this.workers.has(w.worker)) return;
      this.drop(req);
      this.strike(w, new DownloadError(DownloadErrorCode.Timeout, `${MAX_TIMEOUTS} requests in a row timed out`));
    }
  }

  /** Core's rule: a worker whose item holds up a full window for the stall timeout is dismissed; the timeout doubles. */
  private checkWindow(now: number): void {
    const holder = windowHolder(this.items);
    if (!holder) {
      this.blockedSince = undefined;
      return;
    }
    this.blockedSince ??= now;
    if (now - this.blockedSince > this.stallTimeout.current)
      this.stall(holder, `held up the download window for ${Math.round(this.stallTimeout.current)} ms`);
  }

  private stall(w: WorkerState<W, I, R>, why: string): void {
    this.blockedSince = undefined;
    const timeout = this.stallTimeout.stalled();
    this.dismiss(w, new DownloadError(DownloadErrorCode.Stall, `${why} (stall timeout ${Math.round(timeout)} ms)`));
  }
}
