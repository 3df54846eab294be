import { Observable, asyncScheduler, type OperatorFunction } from 'rxjs';
import type { DownloadJob, DownloadOptions, Downloaded, WorkerChange } from './download-job.js';
import { Downloader } from './downloader.js';

/**
 * Fetch every item of the source from a changing set of workers at once,
 * and emit the results in the items' order: Bitcoin Core's block download
 * (a window of 1,024 items ahead of the first not yet emitted; the worker
 * holding up a full window dismissed after 2 s, the timeout doubling up to
 * 64 s) with neutrino's query scheduler (jobs that know what they fetch,
 * a scheduler that knows only workers and items). Each worker's requests
 * are sized from its measured rate and round trip: a slow one gets a few
 * items at a time, a fast one many, and each holds in flight what keeps its
 * link busy. A request that times out, a worker that is silent, fails or
 * leaves: its items go to the others at once. Memory is bounded by the
 * window whatever the workers do.
 *
 * Completes once every item is emitted after the source completed; errors
 * with `DownloadError` `no-workers` when `workers$` completed and the last
 * worker left with items still to fetch (a source that never completes,
 * such as a pool's peers, makes the download wait instead).
 *
 * @param job - what a request is and how a reply is checked
 * @param workers$ - workers joining and leaving
 * @param options - window, limits, clock
 * @returns an operator from items to their results, in order
 * @example
 * ```ts
 * import { download } from 'rxbtc';
 * heights$.pipe(download(filterJob, peers$)).subscribe(({ item, value }) => console.log(item, value));
 * ```
 */
export function download<W, I, R>(
  job: DownloadJob<W, I, R>,
  workers$: Observable<WorkerChange<W>>,
  options: DownloadOptions<W> = {},
): OperatorFunction<I, Downloaded<I, R, W>> {
  return (items$) =>
    new Observable<Downloaded<I, R, W>>((subscriber) => {
      const downloader = new Downloader(job, subscriber, { ...options, scheduler: options.scheduler ?? asyncScheduler });
      const workers = workers$.subscribe({
        next: (c) => (c.type === 'added' ? downloader.addWorker(c.worker) : downloader.removeWorker(c.worker)),
        error: (e: unknown) => subscriber.error(e),
        complete: () => downloader.endWorkers(),
      });
      const items = items$.subscribe({
        next: (i) => downloader.addItem(i),
        error: (e: unknown) => subscriber.error(e),
        complete: () => downloader.endItems(),
      });
      return () => {
        items.unsubscribe();
        workers.unsubscribe();
        downloader.stop();
      };
    });
}
