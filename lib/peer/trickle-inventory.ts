import { Observable, asyncScheduler, interval, type OperatorFunction, type SchedulerLike } from 'rxjs';
import type { InvMessage, InvVector } from '../wire/messages/inv.js';
import { MAX_INV_TRICKLE_SIZE, MAX_QUEUED_INVENTORY, TRICKLE_INTERVAL } from './constants.js';

/** Options of {@link trickleInventory}. */
export interface TrickleOptions {
  /** Interval between trickles, ms. @default 10000 */
  interval?: number;
  /** Most items in one `inv`. @default 1000 */
  maxBatch?: number;
  /** Most items waiting; later ones are dropped and reported. @default 50000 */
  maxQueued?: number;
  /** Called for each item dropped because the queue was full. */
  onDropped?: (item: InvVector) => void;
  /** Scheduler for the interval. @default asyncScheduler */
  scheduler?: SchedulerLike;
}

/**
 * Batch inventory items and send them as `inv` messages every `interval`:
 * each tick drains the queue into messages of at most `maxBatch` items
 * (btcd's trickle). Memory is bounded by `maxQueued`.
 */
export function trickleInventory(options: TrickleOptions = {}): OperatorFunction<InvVector, InvMessage> {
  const every = options.interval ?? TRICKLE_INTERVAL;
  const maxBatch = options.maxBatch ?? MAX_INV_TRICKLE_SIZE;
  const maxQueued = options.maxQueued ?? MAX_QUEUED_INVENTORY;
  if (!(every > 0) || !(maxBatch > 0) || !(maxQueued > 0)) throw new RangeError('interval, maxBatch and maxQueued must be positive');
  const scheduler = options.scheduler ?? asyncScheduler;

  return (source) =>
    new Observable<InvMessage>((subscriber) => {
      let queue: InvVector[] = [];
      const ticker = interval(every, scheduler).subscribe(() => {
        const items = queue;
        queue = [];
        for (let i = 0; i < items.length; i += maxBatch) subscriber.next({ command: 'inv', items: items.slice(i, i + maxBatch) });
      });
      const subscription = source.subscribe({
        next(item) {
          if (queue.length < maxQueued) queue.push(item);
          else options.onDropped?.(item);
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
      return () => {
        ticker.unsubscribe();
        subscription.unsubscribe();
      };
    });
}
