import { Observable, asyncScheduler, interval, type MonoTypeOperatorFunction, type SchedulerAction, type SchedulerLike } from 'rxjs';
import type { Message } from '../wire/message.js';
import { IDLE_TIMEOUT, PING_INTERVAL } from './constants.js';
import { PeerError, PeerErrorCode } from './errors.js';
import { randomNonce } from './nonce.js';

/** Options of {@link keepAlive}. */
export interface KeepAliveOptions {
  /** Send a message (pings and pongs). */
  send: (message: Message) => Promise<void>;
  /** Ping interval, ms. @default 120000 */
  pingInterval?: number;
  /** Fail after receiving nothing for this long, ms. @default 300000 */
  idleTimeout?: number;
  /** Whether BIP31 ping nonces and pongs are in use (negotiated version > 60000). @default always */
  bip31?: () => boolean;
  /** Called when a ping is sent, with its nonce and the scheduler time. */
  onPing?: (nonce: bigint, at: number) => void;
  /** Called when the pong for our last ping arrives, with the round trip in ms (fractional: see `clock`). */
  onPong?: (latency: number, nonce: bigint) => void;
  /**
   * The clock the round trip is measured on, ms. On loopback a round trip takes well under a
   * millisecond, which the scheduler's `Date.now()` clock reads as 0 or 1.
   * @default `performance.now()` on the real `asyncScheduler`; any other scheduler's own `now()`,
   * so virtual time measures virtual latency
   */
  clock?: () => number;
  /** Nonce source. @default a CSPRNG */
  nonce?: () => bigint;
  /** Scheduler for the ping interval and idle timer. @default asyncScheduler */
  scheduler?: SchedulerLike;
}

/**
 * Keep a connection alive and prove the remote is: ping every
 * `pingInterval` with a fresh nonce (BIP31), answer every ping with a pong,
 * measure latency from the matching pong, and fail with a
 * {@link PeerError} `idle-timeout` when nothing at all arrives for
 * `idleTimeout`. Every message passes through, pings and pongs included.
 */
export function keepAlive(options: KeepAliveOptions): MonoTypeOperatorFunction<Message> {
  const pingEvery = options.pingInterval ?? PING_INTERVAL;
  const idle = options.idleTimeout ?? IDLE_TIMEOUT;
  if (!(pingEvery > 0) || !(idle > 0)) throw new RangeError('pingInterval and idleTimeout must be positive');
  const scheduler = options.scheduler ?? asyncScheduler;
  const bip31 = options.bip31 ?? (() => true);
  const nextNonce = options.nonce ?? randomNonce;
  const clock = options.clock ?? (scheduler === asyncScheduler ? () => performance.now() : () => scheduler.now());
  const ignore = (): void => undefined;

  return (source) =>
    new Observable<Message>((subscriber) => {
      let lastRecv = scheduler.now();
      let pending: { nonce: bigint; at: number; sent: number } | undefined;

      const idleCheck = scheduler.schedule(function (this: SchedulerAction<undefined>) {
        const quiet = scheduler.now() - lastRecv;
        if (quiet >= idle) subscriber.error(new PeerError(PeerErrorCode.IdleTimeout, `no message received for ${quiet} ms`));
        else this.schedule(undefined, idle - quiet);
      }, idle);

      const pinger = interval(pingEvery, scheduler).subscribe(() => {
        if (!bip31()) return;
        const nonce = nextNonce();
        pending = { nonce, at: scheduler.now(), sent: clock() };
        options.onPing?.(nonce, pending.at);
        options.send({ command: 'ping', nonce }).catch(ignore);
      });

      const subscription = source.subscribe({
        next(m) {
          lastRecv = scheduler.now();
          if (m.command === 'ping' && bip31()) {
            options.send({ command: 'pong', nonce: m.nonce }).catch(ignore);
          } else if (m.command === 'pong' && m.nonce === pending?.nonce) {
            const latency = clock() - pending.sent;
            pending = undefined;
            options.onPong?.(latency, m.nonce);
          }
          subscriber.next(m);
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
      return () => {
        idleCheck.unsubscribe();
        pinger.unsubscribe();
        subscription.unsubscribe();
      };
    });
}
