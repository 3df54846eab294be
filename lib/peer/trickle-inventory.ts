import { Observable, asyncScheduler, interval, type OperatorFunction, type SchedulerLike } from 'rxjs';
import type { InvMessage, InvVector } from '../wire/messages/inv.js';
import { MAX_INV_TRICKLE_SIZE, MAX_QUEUED_INVENTORY, TRICKLE_INTERVAL } from './constants.js';
import { inventoryKey, type KnownInventory } from './known-inventory.js';

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
  /**
   * The peer's known inventory. When given, each item is checked again when
   * its batch is flushed (it may have become known while waiting) and is
   * remembered once sent, as btcd does.
   */
  known?: KnownInventory;
  /** Scheduler for the interval. @default asyncScheduler */
  scheduler?: SchedulerLike;
}

/**
 * Batch inventory items and send them as `inv` messages every `interval`:
 * each tick drains the queue into messages of at most `maxBatch` items
 * (btcd's trickle). Memory is bounded by `maxQueued`. With `known`, items
 * the peer came to know while waiting are skipped and sent ones remembered.
 * An item already waiting is not queued twice.
 */
export function trickleInventory(options: TrickleOptions = {}): OperatorFunction<InvVector, InvMessage> {
  const every = options.interval ?? TRICKLE_INTERVAL;
  const maxBatch = options.maxBatch ?? MAX_INV_TRICKLE_SIZE;
  const maxQueued = options.maxQueued ?? MAX_QUEUED_INVENTORY;
  if (!(every > 0) || !(maxBatch > 0) || !(maxQueued > 0)) throw new RangeError('interval, maxBatch and maxQueued must be positive');
  const scheduler = options.scheduler ?? asyncScheduler;
  const known = options.known;

  return (source) =>
    new Observable<InvMessage>((subscriber) => {
      let queue: InvVector[] = [];
      let pending = new Set<string>();
      const ticker = interval(every, scheduler).subscribe(() => {
        const waiting = queue;
        queue = [];
        pending = new Set();
        let batch: InvVector[] = [];
        for (const item of waiting) {
          if (known) {
            if (known.has(item)) continue;
            known.add(item);
          }
          batch.push(item);
          if (batch.length === maxBatch) {
            subscriber.next({ command: 'inv', items: batch });
            batch = [];
          }
        }
        if (batch.length > 0) subscriber.next({ command: 'inv', items: batch });
      });
      const subscription = source.subscribe({
        next(item) {
          const key = inventoryKey(item);
          if (pending.has(key)) return;
          if (queue.length < maxQueued) {
            queue.push(item);
            pending.add(key);
          } else options.onDropped?.(item);
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
