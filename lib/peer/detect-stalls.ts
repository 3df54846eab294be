import { Observable, asyncScheduler, interval, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs';
import type { Message } from '../wire/message.js';
import { STALL_RESPONSE_TIMEOUT, STALL_TICK_INTERVAL } from './constants.js';
import { PeerError, PeerErrorCode } from './errors.js';

/** The replies each request expects; any one of a group answers the whole group. */
export const EXPECTED_REPLIES: Readonly<Record<string, readonly string[]>> = {
  getaddr: ['addr', 'addrv2'],
  ping: ['pong'],
  getblocks: ['inv'],
  mempool: ['inv'],
  getheaders: ['headers'],
  getdata: ['block', 'merkleblock', 'tx', 'notfound'],
};

const GROUP_OF = new Map<string, readonly string[]>();
for (const replies of Object.values(EXPECTED_REPLIES)) for (const r of replies) GROUP_OF.set(r, replies);

/** Options of {@link detectStalls}. */
export interface DetectStallsOptions {
  /** Messages as they are written to the remote (requests start their deadlines). */
  sent$: Observable<Message>;
  /** How often deadlines are checked, ms. @default 15000 */
  tickInterval?: number;
  /** Time a reply may take, ms. @default 30000 */
  responseTimeout?: number;
  /** Scheduler for the ticks and clock. @default asyncScheduler */
  scheduler?: SchedulerLike;
}

/**
 * btcd's stall handler as an operator. Each request written (getaddr,
 * ping, getblocks, mempool, getheaders, getdata) sets a deadline for its
 * reply; a reply clears it; every `tickInterval` overdue deadlines fail the
 * stream with a {@link PeerError} `stalled`. Time spent downstream handling
 * a message (your subscribers) is added to every pending deadline, so a
 * slow handler never makes the remote look stalled.
 */
export function detectStalls(options: DetectStallsOptions): MonoTypeOperatorFunction<Message> {
  const tick = options.tickInterval ?? STALL_TICK_INTERVAL;
  const timeout = options.responseTimeout ?? STALL_RESPONSE_TIMEOUT;
  if (!(tick > 0) || !(timeout > 0)) throw new RangeError('tickInterval and responseTimeout must be positive');
  const scheduler = options.scheduler ?? asyncScheduler;

  return (source) =>
    new Observable<Message>((subscriber) => {
      const deadlines = new Map<string, number>();
      const sent = options.sent$.subscribe((m) => {
        const replies = EXPECTED_REPLIES[m.command];
        if (!replies) return;
        const deadline = scheduler.now() + timeout;
        for (const r of replies) deadlines.set(r, deadline);
      });
      const ticker = interval(tick, scheduler).subscribe(() => {
        const now = scheduler.now();
        for (const [command, deadline] of deadlines) {
          if (now > deadline) {
            subscriber.error(new PeerError(PeerErrorCode.Stalled, `no ${command} received within ${timeout} ms of the request`, command));
            return;
          }
        }
      });
      const subscription = source.subscribe({
        next(m) {
          const group = GROUP_OF.get(m.command);
          if (group) for (const r of group) deadlines.delete(r);
          const start = scheduler.now();
          subscriber.next(m);
          const spent = scheduler.now() - start;
          if (spent > 0) for (const [command, deadline] of deadlines) deadlines.set(command, deadline + spent);
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
      return () => {
        sent.unsubscribe();
        ticker.unsubscribe();
        subscription.unsubscribe();
      };
    });
}
