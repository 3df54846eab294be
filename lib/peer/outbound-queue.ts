import { Subject, type Observable } from 'rxjs';
import type { Message } from '../wire/message.js';
import { OUTPUT_QUEUE_SIZE } from './constants.js';
import { PeerError, PeerErrorCode } from './errors.js';

interface Entry {
  message: Message;
  urgent: boolean;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Options of {@link OutboundQueue}. */
export interface OutboundQueueOptions {
  /** Most ordinary messages waiting; more are refused with `queue-full`. @default 50 */
  capacity?: number;
  /** Start paused: ordinary messages wait for `resume()`; urgent ones still go. @default false */
  paused?: boolean;
  /** Called after each message is written, with its size in bytes. */
  onWritten?: (message: Message, bytes: number) => void;
  /** Nothing is encoded before this resolves (a v2 session's keys); if it rejects, messages wait for `close`. */
  ready?: Promise<unknown>;
}

/**
 * The outbound queue: one message written at a time, in order, each
 * `send` resolving when its bytes were written (btcd's done channel).
 * Because the next write starts only when the previous one finished, a
 * remote that stops reading holds the queue at its capacity instead of
 * growing memory without bound. Urgent messages (the handshake's) do not
 * count against the capacity and are not held while paused: they are
 * written ahead of the ordinary messages a pause holds back.
 */
export class OutboundQueue {
  private readonly entries: Entry[] = [];
  private readonly written = new Subject<Message>();
  private readonly starting = new Subject<Message>();
  private readonly capacity: number;
  private ordinary = 0;
  private paused: boolean;
  private isReady = false;
  private writing = false;
  private closedWith: Error | undefined;
  private readonly write: (bytes: Uint8Array) => Promise<void>;
  private readonly encode: (message: Message) => Uint8Array;
  private readonly options: OutboundQueueOptions;

  /** Every message after it was written. */
  readonly sent$: Observable<Message> = this.written.asObservable();
  /**
   * Every message as it is handed to the transport, before the write
   * completes: a reply can never arrive before this (over an in-memory pair
   * it can arrive before the write resolves), so request deadlines start here.
   */
  readonly started$: Observable<Message> = this.starting.asObservable();

  /**
   * @param write - writes bytes, resolving when written
   * @param encode - frames a message
   * @param options - capacity, pause, write hook
   */
  constructor(write: (bytes: Uint8Array) => Promise<void>, encode: (message: Message) => Uint8Array, options: OutboundQueueOptions = {}) {
    this.write = write;
    this.encode = encode;
    this.options = options;
    this.capacity = options.capacity ?? OUTPUT_QUEUE_SIZE;
    if (!(this.capacity > 0)) throw new RangeError('capacity must be positive');
    this.paused = options.paused ?? false;
  }

  /** Messages waiting to be written. */
  get length(): number {
    return this.entries.length;
  }

  /**
   * Queue a message; resolves once it was written.
   * @throws PeerError (as a rejection) `queue-full`, or `disconnected` when
   *   the queue closed or the write failed (the transport's error is its `cause`)
   */
  send(message: Message, urgent = false): Promise<void> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    if (!urgent && this.ordinary >= this.capacity) {
      return Promise.reject(
        new PeerError(PeerErrorCode.QueueFull, `outbound queue holds ${this.capacity} messages already`, message.command),
      );
    }
    return new Promise<void>((resolve, reject) => {
      this.entries.push({ message, urgent, resolve, reject });
      if (!urgent) this.ordinary++;
      void this.pump();
    });
  }

  /** Let ordinary messages go (after the handshake). */
  resume(): void {
    this.paused = false;
    void this.pump();
  }

  /** Refuse new messages and reject the waiting ones with `error`. Idempotent. */
  close(error: Error): void {
    if (this.closedWith) return;
    this.closedWith = error;
    for (const e of this.entries.splice(0)) e.reject(error);
    this.ordinary = 0;
    this.written.complete();
    this.starting.complete();
  }

  private closedError(): Error | undefined {
    return this.closedWith;
  }

  private next(): Entry | undefined {
    const i = this.paused ? this.entries.findIndex((e) => e.urgent) : 0;
    if (i < 0 || i >= this.entries.length) return undefined;
    const [entry] = this.entries.splice(i, 1);
    if (entry && !entry.urgent) this.ordinary--;
    return entry;
  }

  private async pump(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      if (this.options.ready && !this.isReady) {
        try {
          await this.options.ready;
        } catch {
          return; // the owner closes the queue with the reason
        }
        this.isReady = true;
      }
      for (let entry = this.next(); entry && !this.closedWith; entry = this.next()) {
        let bytes: Uint8Array;
        try {
          bytes = this.encode(entry.message);
        } catch (error) {
          entry.reject(error);
          continue;
        }
        this.starting.next(entry.message);
        try {
          await this.write(bytes);
        } catch (error) {
          // close() may have run while the write was awaited: read the field through a call, which the checker does not narrow.
          const failed =
            this.closedError() ?? new PeerError(PeerErrorCode.Disconnected, `write failed: ${String(error)}`, undefined, { cause: error });
          entry.reject(new PeerError(PeerErrorCode.Disconnected, failed.message, entry.message.command, { cause: error }));
          this.close(failed);
          return;
        }
        this.options.onWritten?.(entry.message, bytes.length);
        this.written.next(entry.message);
        entry.resolve();
      }
    } finally {
      this.writing = false;
    }
  }
}
