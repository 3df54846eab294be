import { NEVER, Observable } from 'rxjs';
import { ChainError } from '../chain/errors.js';
import { banOn } from '../pool/ban-list.js';
import { endpointKey } from '../pool/endpoint.js';
import { PoolError, PoolErrorCode } from '../pool/errors.js';
import { misbehaviour } from '../pool/misbehaviour.js';
import type { Pool } from '../pool/pool.js';
import type { PoolArguments } from './cli-pool.js';
import { explainError } from './explain-error.js';

/**
 * Why a peer can never serve the command, from the error it left or failed
 * with: a chain that fails validation (invalid headers, less than the
 * network's minimum work), misbehaviour the pool bans for (another
 * network's magic, a lying filter…), or a ban; undefined for what a restart
 * or the network explains (refused, reset, timed out).
 */
function lostForGood(error: unknown, args: PoolArguments): string | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error instanceof ChainError || misbehaviour(error) !== undefined) return explainError(error, args.network);
  if (error instanceof PoolError && error.code === PoolErrorCode.Banned) return `banned: ${error.message}`;
  return undefined;
}

/**
 * Emits why, each time no peer is connected and every named peer is lost
 * for good (see {@link lostForGood}; a banned host counts): the command has
 * nobody left who could serve it, a real error. Never with `--dns-seed`,
 * which can always find others. Any other loss is a wait: the pool redials.
 * @param pool - the command's pool
 * @param args - its named peers, DNS seeds and network
 * @returns the reasons, one per named peer, joined
 */
export function unservable(pool: Pool, args: PoolArguments): Observable<string> {
  if (args.dnsSeed || args.peers.length === 0) return NEVER;
  return new Observable<string>((subscriber) => {
    const why = new Map<string, string>();
    const check = (): void => {
      if (pool.peers().length > 0) return;
      const bans = pool.bans();
      const reasons = args.peers.map((p) => {
        const key = endpointKey(p);
        const ban = banOn(bans, p, true);
        return why.has(key) ? `${key}: ${why.get(key)}` : ban === undefined ? undefined : `${key}: banned (${ban.reason})`;
      });
      if (reasons.every((r) => r !== undefined)) subscriber.next(reasons.join('; '));
    };
    return pool.events$.subscribe((e) => {
      if (e.type === 'added') why.delete(endpointKey(e.address));
      if (e.type !== 'removed' && e.type !== 'dial-failed') return;
      const reason = lostForGood(e.error, args);
      if (reason === undefined) why.delete(endpointKey(e.address));
      else why.set(endpointKey(e.address), reason);
      check();
    });
  });
}
