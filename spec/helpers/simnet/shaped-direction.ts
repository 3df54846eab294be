import type { SchedulerLike, Subscription } from 'rxjs';
import type { LinkPacer } from './link-pacer.js';

/** Largest piece a chunk is cut into before it is timed, so pacing is smooth: 16 KiB. */
export const MAX_PIECE = 16 * 1024;
/** Bytes a direction may hold beyond its bandwidth-delay product before it pauses its source (as a TCP window would). */
export const WINDOW_MARGIN = 64 * 1024;

/** The two sockets (or test doubles) a {@link ShapedDirection} sits between. */
export interface DirectionEnds {
  /** Hand bytes to the far end (a socket's write). */
  deliver(bytes: Uint8Array): void;
  /** Bytes handed over that the far end has not taken yet (a socket's `writableLength`). */
  backlog(): number;
  /** Stop reading the source. */
  pause(): void;
  /** Read the source again. */
  resume(): void;
  /** Every byte allowed by the budget was delivered (see {@link ShapedDirection.setBudget}). */
  exhausted?(): void;
  /** The source ended and everything it sent was delivered. */
  finished?(): void;
}

interface Piece {
  due: number;
  bytes: Uint8Array;
}

/**
 * One direction of a simulated connection: bytes pushed in are cut into
 * pieces of at most {@link MAX_PIECE}, timed by a {@link LinkPacer} and
 * delivered when due on the given scheduler (real or virtual time). It
 * pauses its source while it holds more than a window (bandwidth-delay
 * product + {@link WINDOW_MARGIN}, counting what the far end has not taken),
 * so it never buffers without bound. A budget caps what it delivers (a
 * stall, a close mid-message, silence).
 */
export class ShapedDirection {
  /** Bytes delivered so far. */
  delivered = 0;
  private readonly queue: Piece[] = [];
  private head = 0;
  private held = 0;
  private budget = Infinity;
  private paused = false;
  private ended = false;
  private closed = false;
  private toldExhausted = false;
  private timer: Subscription | undefined;
  private timerDue = Infinity;
  private readonly window: number;
  private readonly pacer: LinkPacer;
  private readonly scheduler: SchedulerLike;
  private readonly ends: DirectionEnds;

  /**
   * @param pacer - times the pieces
   * @param scheduler - the clock (`asyncScheduler` for real sockets, a virtual one in tests)
   * @param ends - the source and the far end
   */
  constructor(pacer: LinkPacer, scheduler: SchedulerLike, ends: DirectionEnds) {
    this.pacer = pacer;
    this.scheduler = scheduler;
    this.ends = ends;
    this.window = pacer.bandwidthDelay + WINDOW_MARGIN;
  }

  /** Bytes taken from the source and not delivered yet. */
  get holding(): number {
    return this.held;
  }

  /** Take bytes from the source: each piece is booked on the link now. */
  push(bytes: Uint8Array): void {
    if (this.closed || this.ended) return;
    const now = this.scheduler.now();
    for (let at = 0; at < bytes.length; at += MAX_PIECE) {
      const piece = bytes.subarray(at, Math.min(bytes.length, at + MAX_PIECE));
      this.queue.push({ due: this.pacer.schedule(piece.length, now), bytes: piece });
      this.held += piece.length;
    }
    this.pump();
  }

  /**
   * Cap the bytes still delivered: `Infinity` for none, 0 to hold everything from now on. When a finite budget is
   * used up, `ends.exhausted` is told once.
   * @throws RangeError for a negative or NaN budget
   */
  setBudget(bytes: number): void {
    if (!(bytes >= 0)) throw new RangeError(`budget ${bytes} is not ≥ 0`);
    this.budget = bytes;
    this.toldExhausted = false;
    this.pump();
  }

  /** The far end took bytes (a socket's `drain`): deliver and read again as the window allows. */
  poke(): void {
    this.pump();
  }

  /** The source ended: `ends.finished` is told once what it sent has been delivered. */
  end(): void {
    this.ended = true;
    this.pump();
  }

  /** Drop everything held and stop the timer. */
  close(): void {
    this.closed = true;
    this.timer?.unsubscribe();
    this.timer = undefined;
    this.queue.length = 0;
    this.head = 0;
    this.held = 0;
  }

  private pump(): void {
    if (this.closed) return;
    const now = this.scheduler.now();
    while (this.head < this.queue.length && this.queue[this.head]!.due <= now && this.budget > 0) {
      const piece = this.queue[this.head]!;
      const n = Math.min(piece.bytes.length, this.budget);
      this.send(piece.bytes.subarray(0, n));
      if (n < piece.bytes.length) piece.bytes = piece.bytes.subarray(n);
      else this.head++;
      if (this.isClosed()) return; // the far end closed while it was handed bytes
    }
    this.compact();
    if (this.budget === 0 && !this.toldExhausted) {
      this.toldExhausted = true;
      this.ends.exhausted?.();
      if (this.isClosed()) return;
    }
    if (this.ended && this.head === this.queue.length) {
      this.closed = true;
      this.ends.finished?.();
      return;
    }
    this.regulate();
    this.arm();
  }

  /** Read through a call: a callback to the ends may have closed this direction meanwhile. */
  private isClosed(): boolean {
    return this.closed;
  }

  private send(bytes: Uint8Array): void {
    this.held -= bytes.length;
    this.delivered += bytes.length;
    if (Number.isFinite(this.budget)) this.budget -= bytes.length;
    this.ends.deliver(bytes);
  }

  /** Pause the source while more than a window is held here or at the far end; read again below it. */
  private regulate(): void {
    const full = this.held + this.ends.backlog() > this.window;
    if (full && !this.paused) {
      this.paused = true;
      this.ends.pause();
    } else if (!full && this.paused) {
      this.paused = false;
      this.ends.resume();
    }
  }

  /** One timer, for the piece at the head (later ones are due no earlier: the pacer never reorders). */
  private arm(): void {
    const next = this.head < this.queue.length && this.budget > 0 ? this.queue[this.head]!.due : Infinity;
    if (next === this.timerDue) return;
    this.timer?.unsubscribe();
    this.timer = undefined;
    this.timerDue = next;
    if (next === Infinity) return;
    this.timer = this.scheduler.schedule(
      () => {
        this.timer = undefined;
        this.timerDue = Infinity;
        this.pump();
      },
      Math.max(0, Math.ceil(next - this.scheduler.now())),
    );
  }

  private compact(): void {
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }
}
