import type { Request } from './request.js';

/** One item inside the window: waiting, in flight with one request, or done and waiting for the items before it. */
export interface Slot<W, I, R> {
  /** Its place in the order the items came in. */
  readonly seq: number;
  /** The item. */
  readonly item: I;
  /** The request it is in flight with, if any. */
  request: Request<W, I, R> | undefined;
  /** Whether its result is in. */
  done: boolean;
  /** Its result, once done. */
  value: R | undefined;
  /** Who delivered it, once done. */
  worker: W | undefined;
  /** Workers that answered a request for it without it (a pruned node's `notfound`): not asked for it again. */
  refused: Set<W> | undefined;
}

/** Make a waiting slot. */
export function newSlot<W, I, R>(seq: number, item: I): Slot<W, I, R> {
  return { seq, item, request: undefined, done: false, value: undefined, worker: undefined, refused: undefined };
}
