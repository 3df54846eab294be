import type { Slot } from './slot.js';

/**
 * Slots waiting for a worker, lowest sequence first: the items holding up
 * the window (returned by a worker that failed) are handed out before new ones.
 */
export class ReadyQueue<W, I, R> {
  private readonly slots: Slot<W, I, R>[] = [];

  /** Slots waiting. */
  get size(): number {
    return this.slots.length;
  }

  /** The lowest waiting slot. */
  peek(): Slot<W, I, R> | undefined {
    return this.slots[0];
  }

  /** Take the lowest waiting slot. */
  take(): Slot<W, I, R> | undefined {
    return this.slots.shift();
  }

  /** Take the lowest waiting slot `accept` takes (the others stay, in order). */
  takeFirst(accept: (slot: Slot<W, I, R>) => boolean): Slot<W, I, R> | undefined {
    const i = this.slots.findIndex(accept);
    return i < 0 ? undefined : this.slots.splice(i, 1)[0];
  }

  /** Whether some waiting slot is refused by every one of `workers` (and so cannot be fetched from them). */
  stuck(workers: readonly W[]): boolean {
    return this.slots.some((s) => workers.every((w) => s.refused?.has(w)));
  }

  /** Add a slot in its place by sequence (new slots, the usual case, go at the end at once). */
  put(slot: Slot<W, I, R>): void {
    const s = this.slots;
    if (s.length === 0 || s[s.length - 1]!.seq < slot.seq) {
      s.push(slot);
      return;
    }
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid]!.seq < slot.seq) lo = mid + 1;
      else hi = mid;
    }
    s.splice(lo, 0, slot);
  }
}
