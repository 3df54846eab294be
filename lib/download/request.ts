import type { Subscription } from 'rxjs';
import type { Slot } from './slot.js';
import type { WorkerState } from './worker-state.js';

/** One request to one worker: its slots, when it left, when it is late, how much of it came back. */
export interface Request<W, I, R> {
  /** The worker asked. */
  readonly worker: WorkerState<W, I, R>;
  /** The slots asked for, in the order of the request's list. */
  readonly slots: readonly Slot<W, I, R>[];
  /** When it was sent, ms. */
  readonly sentAt: number;
  /** Bytes each slot is assumed to take (counted in the worker's bytes in flight). */
  readonly itemBytes: number;
  /** When it times out, ms. */
  deadline: number;
  /** The fetch's subscription. */
  subscription: Subscription | undefined;
}
