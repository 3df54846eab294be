import { BATCH_DURATION, MAX_REQUESTS } from './download-constants.js';
import type { WorkerState } from './worker-state.js';

/** What sizing a request needs beyond the worker: item size, limits. */
export interface SizingLimits {
  /** Bytes an item is assumed to take. */
  itemBytes: number;
  /** Items in one request at most. */
  maxBatch: number;
  /** Items one worker holds in flight at most. */
  maxInFlight: number;
}

/** Items in a full request to `w`: {@link BATCH_DURATION} of transfer at its rate, at least one. */
export function fullBatch(w: WorkerState<unknown, unknown, unknown>, limits: SizingLimits): number {
  const fits = Math.floor((w.link.rate * BATCH_DURATION) / limits.itemBytes);
  return Math.max(1, Math.min(fits, limits.maxBatch));
}

/** Items in the next request to `w`: a full one, or what its in-flight limit leaves. */
export function batchSize(w: WorkerState<unknown, unknown, unknown>, limits: SizingLimits): number {
  return Math.max(1, Math.min(fullBatch(w, limits), limits.maxInFlight - w.items));
}

/**
 * Whether `w` has room for another request: fewer than {@link MAX_REQUESTS}
 * out, and what it holds covers less than a round trip plus one request's
 * transfer by half a request at least (items and bytes), so that a worker
 * whose items come back one by one is not sent a request per item. An idle
 * worker always has room.
 */
export function hasRoom(w: WorkerState<unknown, unknown, unknown>, limits: SizingLimits): boolean {
  if (w.requests.size >= MAX_REQUESTS) return false;
  if (w.items === 0) return true;
  const full = fullBatch(w, limits);
  const target = w.link.rate * (w.link.roundTrip + BATCH_DURATION);
  return limits.maxInFlight - w.items >= Math.ceil(full / 2) && w.bytes + (full / 2) * limits.itemBytes <= target;
}

/** When a full request sent to `w` now would be delivered, ms from now: its round trip, then what it holds and the request at its rate. */
export function expectedFinish(w: WorkerState<unknown, unknown, unknown>, limits: SizingLimits): number {
  return w.link.roundTrip + (w.bytes + fullBatch(w, limits) * limits.itemBytes) / w.link.rate;
}
