import { Observable, filter, map, merge, of, race, take, timer } from 'rxjs';
import { endpointKey } from '../pool/endpoint.js';
import type { Pool } from '../pool/pool.js';
import { poolTarget, type PoolArguments } from './cli-pool.js';

/** How long a command waits for its named peers' first answers, ms. */
export const FIRST_ROUND_MS = 5000;

/**
 * Emits once (then completes) when the pool's first round of dials is over:
 * it holds {@link poolTarget} peers, or every named peer has joined or
 * failed once; at the latest after `ms`. What `headers` waits for before
 * choosing the best peer, and `send` before announcing.
 * @param pool - the command's pool, just created
 * @param args - its named peers, `--peers` and `--dns-seed`
 * @param ms - the longest wait @default FIRST_ROUND_MS
 */
export function firstRound(pool: Pool, args: PoolArguments, ms = FIRST_ROUND_MS): Observable<void> {
  const named = new Set(args.peers.map(endpointKey));
  const answered = new Set<string>();
  const over = (): boolean =>
    pool.peers().length >= poolTarget(args) || (!args.dnsSeed && named.size > 0 && [...named].every((k) => answered.has(k)));
  const answers$ = pool.events$.pipe(
    filter((e) => {
      if (e.type === 'added' || e.type === 'dial-failed' || e.type === 'removed') answered.add(endpointKey(e.address));
      return over();
    }),
  );
  return race(merge(of(undefined).pipe(filter(over)), answers$), timer(ms)).pipe(
    take(1),
    map(() => undefined),
  );
}
