import { asyncScheduler, type SchedulerLike } from 'rxjs';

/**
 * How long the other peers may take after the first answered, ms: at least
 * this, and at least {@link GATHER_GRACE_FACTOR} times what the first took
 * (a peer 300 ms away answers within 2 round trips of a near one's first).
 */
export const GATHER_GRACE = 750;
/** See {@link GATHER_GRACE}. */
export const GATHER_GRACE_FACTOR = 4;

/** What {@link gatherAnswers} collected. */
export interface Gathered<C, T> {
  /** Those that answered in time, in the order of the clients. */
  answers: { client: C; value: T }[];
  /** Those that failed (each client's own timeout or error). */
  errors: { client: C; error: unknown }[];
  /** Those still silent when the grace ran out (left to their own timeouts). */
  late: C[];
}

/**
 * Ask every client at once and take the answers of those that answer in
 * time: all of them, or those in by a grace after the first answer
 * ({@link GATHER_GRACE}, or {@link GATHER_GRACE_FACTOR} × the first's
 * time). One stalling peer then costs the grace, not its full timeout, and
 * peers far away are not asked one after another.
 */
export function gatherAnswers<C, T>(
  clients: readonly C[],
  ask: (client: C) => Promise<T>,
  scheduler: SchedulerLike = asyncScheduler,
): Promise<Gathered<C, T>> {
  return new Promise((resolve) => {
    const started = scheduler.now();
    const values = new Map<C, T>();
    const errors: { client: C; error: unknown }[] = [];
    let pending = clients.length;
    let done = false;
    let timer: { unsubscribe(): void } | undefined;
    const finish = (): void => {
      if (done) return;
      done = true;
      timer?.unsubscribe();
      resolve({
        answers: clients.filter((c) => values.has(c)).map((client) => ({ client, value: values.get(client)! })),
        errors,
        late: clients.filter((c) => !values.has(c) && !errors.some((e) => e.client === c)),
      });
    };
    const settled = (): void => {
      if (--pending === 0) finish();
    };
    if (pending === 0) finish();
    for (const client of clients) {
      ask(client).then(
        (value) => {
          if (done) return;
          values.set(client, value);
          if (!timer) {
            const grace = Math.max(GATHER_GRACE, GATHER_GRACE_FACTOR * (scheduler.now() - started));
            timer = scheduler.schedule(finish, grace);
          }
          settled();
        },
        (error: unknown) => {
          if (done) return;
          errors.push({ client, error });
          settled();
        },
      );
    }
  });
}
