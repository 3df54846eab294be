import { ItemBacklog } from './item-backlog.js';
import { ReadyQueue } from './ready-queue.js';
import { newSlot, type Slot } from './slot.js';

/**
 * The items of a download and their order: those past the window wait in a
 * backlog; those in it (at most `size` from the first not yet emitted) are
 * slots, waiting in the ready queue, in flight, or done and waiting for
 * the ones before them to be emitted.
 */
export class ItemWindow<W, I, R> {
  /** Slots waiting for a worker, lowest first. */
  readonly ready = new ReadyQueue<W, I, R>();
  private readonly size: number;
  private readonly backlog = new ItemBacklog<I>();
  /** Slots of the window, by sequence, from `emitNext` to `nextSeq` − 1. */
  private readonly slots = new Map<number, Slot<W, I, R>>();
  private emitNext = 0;
  private nextSeq = 0;

  /** @param size - slots at most */
  constructor(size: number) {
    this.size = size;
  }

  /** An item after every one before it. */
  push(item: I): void {
    this.backlog.push(item);
  }

  /** Whether any item is not yet emitted. */
  get pending(): boolean {
    return this.slots.size > 0 || this.backlog.size > 0;
  }

  /** Whether items wait past the window (it is full). */
  get overflowing(): boolean {
    return this.backlog.size > 0;
  }

  /** The first slot not yet emitted. */
  get front(): Slot<W, I, R> | undefined {
    return this.slots.get(this.emitNext);
  }

  /** Move items from the backlog into the window, as far as it reaches. */
  fill(): void {
    while (this.backlog.size > 0 && this.nextSeq < this.emitNext + this.size) {
      const slot = newSlot<W, I, R>(this.nextSeq++, this.backlog.shift()!);
      this.slots.set(slot.seq, slot);
      this.ready.put(slot);
    }
  }

  /** Take the front slot when it is done (the window moves on by one). */
  takeDone(): Slot<W, I, R> | undefined {
    const slot = this.slots.get(this.emitNext);
    if (!slot?.done) return undefined;
    this.slots.delete(this.emitNext++);
    return slot;
  }
}
