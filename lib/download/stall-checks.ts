import type { ItemWindow } from './item-window.js';
import type { Request } from './request.js';
import type { WorkerState } from './worker-state.js';

/**
 * How long `w` has been silent with requests out, ms, when that is past
 * `timeout`: no byte came (`received`, its byte count now, moves its
 * progress mark), or, without a byte count, no item for the timeout plus an
 * item's transfer at its rate. Undefined while it is not.
 */
export function silence(
  w: WorkerState<unknown, unknown, unknown>,
  now: number,
  received: number | undefined,
  timeout: number,
  itemBytes: number,
): number | undefined {
  if (received !== undefined && received !== w.lastReceived) {
    w.lastReceived = received;
    w.lastProgress = Math.max(w.lastProgress, now);
  }
  const grace = received === undefined ? itemBytes / w.link.rate : 0;
  const silent = now - w.lastProgress;
  return silent > timeout + grace ? silent : undefined;
}

/** The requests of `w` past their deadline. */
export function lateRequests<W, I, R>(w: WorkerState<W, I, R>, now: number): Request<W, I, R>[] {
  return [...w.requests].filter((req) => now >= req.deadline);
}

/**
 * Core's window rule: the worker whose item holds up a full window (items
 * wait past it, none in it waits for a worker, and its first item is in
 * flight with that worker); undefined while there is none.
 */
export function windowHolder<W, I, R>(items: ItemWindow<W, I, R>): WorkerState<W, I, R> | undefined {
  if (!items.overflowing || items.ready.size > 0) return undefined;
  return items.front?.request?.worker;
}
