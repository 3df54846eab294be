import { Observable, asyncScheduler, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs';
import type { Command, Message } from '../wire/message.js';
import { PoolError, PoolErrorCode } from './errors.js';

/** Limits of {@link floodGuard}: a token bucket of messages. */
export interface FloodLimits {
  /** Messages that may arrive at once. @default 10000 */
  burst?: number;
  /** Messages per second that may arrive for ever. @default 2000 */
  perSecond?: number;
}

/** Default burst of {@link floodGuard}. */
export const DEFAULT_FLOOD_BURST = 10_000;
/** Default sustained rate of {@link floodGuard}, messages/s. */
export const DEFAULT_FLOOD_RATE = 2_000;

/**
 * Commands that answer a request of ours (headers, filters, blocks, pong,
 * notfound): how many arrive is set by what was asked — a download
 * scheduler's window — not by the peer, so the pool's flood guard does not
 * count them. A fast peer answering eight `getcfilters` of 1,000 delivers
 * 8,000 messages at once.
 */
export const ANSWER_COMMANDS: ReadonlySet<Command> = new Set<Command>([
  'headers',
  'cfilter',
  'cfheaders',
  'cfcheckpt',
  'block',
  'merkleblock',
  'blocktxn',
  'notfound',
  'pong',
]);

/** Whether a message counts against the flood limits: anything a peer may send unasked (not in {@link ANSWER_COMMANDS}). */
export function sentUnasked(message: Message): boolean {
  return !ANSWER_COMMANDS.has(message.command);
}

/**
 * Pass values through while those that `counts` (every one by default)
 * arrive within a token bucket's limits; error with a {@link PoolError}
 * `flood` at the first one beyond them. The defaults are far above what an
 * honest peer sends unasked (Core announces at most 1,000 inventory items
 * per 5 s), so only a flood trips them.
 * @param limits - burst and sustained rate
 * @param scheduler - the clock (a virtual one in tests) @default asyncScheduler
 * @param counts - which values are counted (the pool's: {@link sentUnasked}) @default all
 */
export function floodGuard<T>(
  limits: FloodLimits = {},
  scheduler: SchedulerLike = asyncScheduler,
  counts: (value: T) => boolean = () => true,
): MonoTypeOperatorFunction<T> {
  const burst = limits.burst ?? DEFAULT_FLOOD_BURST;
  const perMs = (limits.perSecond ?? DEFAULT_FLOOD_RATE) / 1000;
  return (source) =>
    new Observable<T>((subscriber) => {
      let tokens = burst;
      let last = scheduler.now();
      return source.subscribe({
        next: (value) => {
          if (!counts(value)) {
            subscriber.next(value);
            return;
          }
          const now = scheduler.now();
          tokens = Math.min(burst, tokens + (now - last) * perMs) - 1;
          last = now;
          if (tokens < 0) {
            subscriber.error(new PoolError(PoolErrorCode.Flood, `more than ${burst} messages at once, or over ${perMs * 1000}/s`));
            return;
          }
          subscriber.next(value);
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
    });
}
