import { Observable, Subject, VirtualTimeScheduler, from, range, type Subscription } from 'rxjs';
import {
  DownloadError,
  DownloadErrorCode,
  LinkEstimate,
  MAX_STALL_TIMEOUT,
  STALL_TIMEOUT,
  download,
  type Delivery,
  type DownloadJob,
  type DownloadOptions,
  type Downloaded,
  type WorkerChange,
} from '../../lib/download/index.js';

/**
 * A simulated worker on a virtual clock: a request reaches it `latency` ms
 * after it is sent; it sends the items one after another down a link of
 * `rate` bytes/ms (the link stays busy with a cancelled request's bytes, as
 * a real one does), each reaching us `latency` ms after it left.
 */
class FakeWorker {
  readonly name: string;
  rate: number;
  readonly latency: number;
  /** Items it sends before it goes silent (socket open). */
  silentAfter = Infinity;
  /** Heights it lies about (the job rejects the delivery). */
  readonly lies = new Set<number>();
  /** Heights it does not have: answered as `notfound` (the request completes without them). */
  readonly lacks = new Set<number>();
  sent = 0;
  delivered = 0;
  /** Each item's bytes arriving, from when to when. */
  private readonly arriving: [from: number, to: number, bytes: number][] = [];
  connected = true;
  readonly requests: number[][] = [];
  private linkFree = 0;

  constructor(name: string, rate: number, latency: number) {
    this.name = name;
    this.rate = rate;
    this.latency = latency;
  }

  /** The delivery times of `items`, asked at `now`, and the link's state after them. */
  plan(now: number, sizes: readonly number[]): number[] {
    const arrives = now + this.latency;
    return sizes.map((size) => {
      if (this.sent >= this.silentAfter) return Infinity;
      this.sent++;
      const start = Math.max(arrives, this.linkFree);
      this.linkFree = start + size / this.rate;
      this.arriving.push([start + this.latency, this.linkFree + this.latency, size]);
      return this.linkFree + this.latency;
    });
  }

  /** Bytes that reached us by `now`. */
  received(now: number): number {
    let sum = 0;
    for (const [from, to, bytes] of this.arriving) sum += bytes * Math.min(1, Math.max(0, (now - from) / (to - from)));
    return sum;
  }
}

const sizeOf = (height: number): number => 15_000 + ((height * 7919) % 10_000);

/** A job over fake workers: an item is a height, its result the height doubled; a lie errors (the job disconnects the worker). */
function fakeJob(
  clock: VirtualTimeScheduler,
  log: { dismissed: [string, DownloadError][]; held: number[] },
): DownloadJob<FakeWorker, number, number> {
  let outstanding = 0;
  return {
    fetch: (worker, items) =>
      new Observable<Delivery<number>>((subscriber) => {
        worker.requests.push([...items]);
        const times = worker.plan(clock.now(), items.map(sizeOf));
        const subs: Subscription[] = [];
        let left = items.length;
        outstanding += items.length;
        log.held.push(outstanding);
        items.forEach((height, index) => {
          const at = times[index]!;
          if (!Number.isFinite(at)) return;
          if (worker.lacks.has(height)) {
            subs.push(
              clock.schedule(() => {
                outstanding--;
                if (--left === 0) subscriber.complete();
              }, at - clock.now()),
            );
            return;
          }
          subs.push(
            clock.schedule(() => {
              if (!worker.connected) return;
              outstanding--;
              if (worker.lies.has(height)) {
                worker.connected = false;
                subscriber.error(new Error(`${worker.name} lied about ${height}`));
                return;
              }
              worker.delivered++;
              subscriber.next({ index, value: height * 2, bytes: sizeOf(height) });
              if (--left === 0) subscriber.complete();
            }, at - clock.now()),
          );
        });
        return () => subs.forEach((s) => s.unsubscribe());
      }),
    dismiss: (worker, error) => {
      worker.connected = false;
      log.dismissed.push([worker.name, error]);
    },
    follows: (prev, next) => next === prev + 1,
    received: (worker) => worker.received(clock.now()),
    available: (worker) => worker.connected,
  };
}

interface Run {
  results: Downloaded<number, number, FakeWorker>[];
  completedAt: number | undefined;
  error: unknown;
  dismissed: [string, DownloadError][];
  held: number[];
  clock: VirtualTimeScheduler;
}

function run(
  workers: FakeWorker[],
  count: number,
  options: DownloadOptions<FakeWorker> = {},
  changes?: Subject<WorkerChange<FakeWorker>>,
): Run {
  const clock = new VirtualTimeScheduler();
  const out: Run = { results: [], completedAt: undefined, error: undefined, dismissed: [], held: [], clock };
  const workers$ = changes ?? from(workers.map((worker) => ({ type: 'added' as const, worker })));
  range(1, count)
    .pipe(download(fakeJob(clock, out), workers$, { scheduler: clock, ...options }))
    .subscribe({
      next: (r) => out.results.push(r),
      complete: () => (out.completedAt = clock.now()),
      error: (e: unknown) => (out.error = e),
    });
  if (changes) for (const worker of workers) changes.next({ type: 'added', worker });
  clock.flush();
  return out;
}

const inOrderOnce = (r: Run, count: number): void => {
  expect(r.results.map((x) => x.item)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
  expect(r.results.every((x) => x.value === x.item * 2)).toBe(true);
};

/** Time the bytes of items 1..count take over the combined rate, ms. */
const bound = (workers: FakeWorker[], count: number): number => {
  let bytes = 0;
  for (let h = 1; h <= count; h++) bytes += sizeOf(h);
  return bytes / workers.reduce((s, w) => s + w.rate, 0);
};

describe('download', () => {
  it('emits every result once and in order, spreading the work in proportion to each worker’s speed', () => {
    // 8, 4, 2 and 1 MB/s (bytes per ms ÷ 1000), 20–150 ms away.
    const workers = [
      new FakeWorker('a', 8000, 20),
      new FakeWorker('b', 4000, 50),
      new FakeWorker('c', 2000, 100),
      new FakeWorker('d', 1000, 150),
    ];
    const r = run(workers, 4000);
    inOrderOnce(r, 4000);
    expect(r.error).toBeUndefined();
    const share = (w: FakeWorker): number => w.delivered / 4000;
    // Each worker's share of the items is within a few points of its share of the bandwidth (8/15, 4/15, 2/15, 1/15).
    expect(share(workers[0]!)).toBeCloseTo(8 / 15, 1);
    expect(share(workers[1]!)).toBeCloseTo(4 / 15, 1);
    expect(share(workers[2]!)).toBeGreaterThan(0.07);
    expect(share(workers[3]!)).toBeGreaterThan(0.03);
    // Within 10 % of the bytes over the combined rate, plus a slow start and the farthest round trip.
    expect(r.completedAt!).toBeLessThan(bound(workers, 4000) * 1.1 + 1000);
    // Nothing fetched twice.
    expect(workers.reduce((s, w) => s + w.sent, 0)).toBe(4000);
  });

  it('sizes requests from each worker’s rate: a slow worker gets a few items at a time, a fast one many', () => {
    const fast = new FakeWorker('fast', 8000, 20);
    const slow = new FakeWorker('slow', 250, 300);
    run([fast, slow], 3000);
    const late = (w: FakeWorker): number[] => w.requests.slice(8, -1).map((q) => q.length);
    // Half a second of transfer a request: about 200 items of ~20 KB at 8 MB/s, about 6 at 250 KB/s.
    expect(Math.min(...late(fast))).toBeGreaterThan(100);
    expect(Math.max(...late(slow))).toBeLessThanOrEqual(12);
    // Every request is a run of consecutive heights.
    for (const q of [...fast.requests, ...slow.requests]) expect(q.every((h, i) => i === 0 || h === q[i - 1]! + 1)).toBe(true);
  });

  it('gives a staller’s items to the others and dismisses it, costing about the stall timeout', () => {
    const workers = [new FakeWorker('a', 4000, 20), new FakeWorker('b', 4000, 40), new FakeWorker('c', 4000, 60)];
    workers[1]!.silentAfter = 50;
    const r = run(workers, 3000);
    inOrderOnce(r, 3000);
    expect(r.dismissed.map(([n, e]) => [n, e.code])).toEqual([['b', DownloadErrorCode.Stall]]);
    const twoLeft = bound(workers.slice(0, 2), 3000);
    expect(r.completedAt!).toBeLessThan(twoLeft + STALL_TIMEOUT + 1000);
  });

  it('loses nothing when a worker leaves in the middle of a request', () => {
    const workers = [new FakeWorker('a', 4000, 20), new FakeWorker('b', 8000, 40)];
    const changes = new Subject<WorkerChange<FakeWorker>>();
    const clock = new VirtualTimeScheduler();
    const results: number[] = [];
    let done = false;
    range(1, 2000)
      .pipe(download(fakeJob(clock, { dismissed: [], held: [] }), changes, { scheduler: clock }))
      .subscribe({ next: (x) => results.push(x.item), complete: () => (done = true) });
    for (const worker of workers) changes.next({ type: 'added', worker });
    clock.schedule(() => {
      workers[1]!.connected = false;
      changes.next({ type: 'removed', worker: workers[1]! });
    }, 1500);
    clock.flush();
    expect(done).toBe(true);
    expect(results).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
    expect(workers[1]!.delivered).toBeGreaterThan(0);
  });

  it('redoes a liar’s items elsewhere', () => {
    const workers = [new FakeWorker('a', 4000, 20), new FakeWorker('liar', 8000, 20)];
    workers[1]!.lies.add(700);
    const r = run(workers, 1500);
    inOrderOnce(r, 1500);
    expect(r.results.find((x) => x.item === 700)!.worker.name).toBe('a');
  });

  it('dismisses the worker holding up a full window after the stall timeout', () => {
    // The window is 64 items; the slow worker's one item takes 10 s, the fast one fills the window in well under 2 s.
    const fast = new FakeWorker('fast', 8000, 10);
    const slow = new FakeWorker('slow', 2, 10);
    const r = run([slow, fast], 500, { window: 64 });
    inOrderOnce(r, 500);
    expect(r.dismissed.map(([n, e]) => [n, e.code])).toEqual([['slow', DownloadErrorCode.Stall]]);
    expect(r.dismissed[0]![1].message).toContain('held up the download window');
  });

  it('doubles the stall timeout after a stall, up to 64 s, so a second staller is given longer', () => {
    const workers = [new FakeWorker('s1', 4000, 20), new FakeWorker('s2', 4000, 20), new FakeWorker('fast', 4000, 20)];
    workers[0]!.silentAfter = 20;
    workers[1]!.silentAfter = 20;
    const r = run(workers, 2000);
    inOrderOnce(r, 2000);
    const timeouts = r.dismissed.map(([, e]) => Number(/stall timeout (\d+) ms/.exec(e.message)![1]));
    expect(r.dismissed.map(([n]) => n).sort()).toEqual(['s1', 's2']);
    expect(timeouts[0]).toBe(STALL_TIMEOUT);
    expect(timeouts[1]).toBeGreaterThan(STALL_TIMEOUT);
    expect(timeouts[1]).toBeLessThanOrEqual(2 * STALL_TIMEOUT);
    expect(MAX_STALL_TIMEOUT).toBe(64_000);
  });

  it('holds no more than the window in flight and waiting, whatever the workers do', () => {
    const workers = Array.from({ length: 6 }, (_, i) => new FakeWorker(`w${i}`, 20_000, 5 + i));
    const r = run(workers, 5000, { window: 256 });
    inOrderOnce(r, 5000);
    expect(Math.max(...r.held)).toBeLessThanOrEqual(256);
  });

  it('waits while no worker is there, and goes on when one joins', () => {
    const clock = new VirtualTimeScheduler();
    const changes = new Subject<WorkerChange<FakeWorker>>();
    const results: number[] = [];
    let done = false;
    range(1, 300)
      .pipe(download(fakeJob(clock, { dismissed: [], held: [] }), changes, { scheduler: clock }))
      .subscribe({ next: (x) => results.push(x.item), complete: () => (done = true) });
    const late = new FakeWorker('late', 4000, 20);
    clock.schedule(() => changes.next({ type: 'added', worker: late }), 60_000);
    clock.flush();
    expect(done).toBe(true);
    expect(results.length).toBe(300);
  });

  it('fails with no-workers once the workers’ source completed and the last one left', () => {
    const w = new FakeWorker('only', 4000, 20);
    w.silentAfter = 10;
    const r = run([w], 100);
    expect(r.error).toBeInstanceOf(DownloadError);
    expect((r.error as DownloadError).code).toBe(DownloadErrorCode.NoWorkers);
  });

  it('starts a later download from the links an earlier one measured (no second slow start)', () => {
    const fast = new FakeWorker('fast', 8000, 20);
    const links = new WeakMap<FakeWorker, LinkEstimate>();
    run([fast], 2000, { links });
    const before = fast.requests.length;
    run([fast], 2000, { links });
    // The first request of the second download is already sized for 8 MB/s (about 200 filters), not a guess of 8.
    expect(fast.requests[before]!.length).toBeGreaterThan(100);
    expect(fast.requests[0]!.length).toBeLessThan(20);
  });

  it('asks another worker for what one answered without (notfound), never that one again', () => {
    const pruned = new FakeWorker('pruned', 8000, 10);
    const archive = new FakeWorker('archive', 1000, 50);
    for (let h = 1; h <= 300; h++) pruned.lacks.add(h);
    const r = run([pruned, archive], 600);
    inOrderOnce(r, 600);
    expect(r.results.filter((x) => x.item <= 300).every((x) => x.worker === archive)).toBe(true);
    const askedPruned = pruned.requests.flat().filter((h) => h <= 300);
    expect(new Set(askedPruned).size).toBe(askedPruned.length); // each at most once
  });

  it('fails with not-found when every worker answered without an item and no other can come', () => {
    const pruned = new FakeWorker('pruned', 8000, 10);
    pruned.lacks.add(50);
    const r = run([pruned], 100);
    expect(r.error).toMatchObject({ code: DownloadErrorCode.NotFound });
    expect(r.results.map((x) => x.item)).toEqual(Array.from({ length: 49 }, (_, i) => i + 1));
  });

  it('cancels every request and timer when unsubscribed', () => {
    const clock = new VirtualTimeScheduler();
    const w = new FakeWorker('a', 1000, 20);
    const sub = range(1, 1000)
      .pipe(download(fakeJob(clock, { dismissed: [], held: [] }), from([{ type: 'added' as const, worker: w }]), { scheduler: clock }))
      .subscribe();
    clock.schedule(() => sub.unsubscribe(), 300);
    clock.flush();
    expect(clock.actions.length).toBe(0);
    expect(w.delivered).toBeLessThan(100);
  });
});
