import { Subscription } from 'rxjs';
import { banOn } from '../pool/ban-list.js';
import { endpointKey } from '../pool/endpoint.js';
import type { Pool } from '../pool/pool.js';
import type { PoolEvent } from '../pool/pool-events.js';
import type { PoolArguments } from './cli-pool.js';
import { explainError } from './explain-error.js';
import type { EventWriter } from './output.js';

/** Options of {@link tellPeers}. */
export interface TellPeersOptions {
  /** Say when a peer joins (`connected`). @default true */
  joins?: boolean;
  /** The verified height, added to `peer-failed` lines (what is kept while the peer is away). */
  height?: () => number;
}

/**
 * Tell a command's peers coming and going, one line each:
 * `connected` (`peer`, `userAgent`, `height`: its start height) when one
 * joins, `disconnected` (`peer`, `reason`) when one leaves, `peer-failed`
 * (`peer`, `error`) on the first failed dial of a streak (not each redial),
 * `waiting` (`peers`: those redialled) once each time none is left, and
 * `banned` (`peer`, `reason`, `until`). Unsubscribe before closing the pool
 * (its own disconnections are not news).
 * @param pool - the command's pool
 * @param args - its named peers, DNS seeds and network
 * @param out - where lines go
 * @param options - which lines, and the height kept
 * @returns what stops the lines
 */
export function tellPeers(pool: Pool, args: PoolArguments, out: EventWriter, options: TellPeersOptions = {}): Subscription {
  const failing = new Set<string>();
  let alone = false;
  const waiting = (): void => {
    if (alone || pool.peers().length > 0) return;
    alone = true;
    const bans = pool.bans();
    const peers = args.peers.filter((p) => banOn(bans, p, true) === undefined).map(endpointKey);
    const whom = [...peers, ...(args.dnsSeed ? ['peers from the DNS seeds'] : [])].join(', ') || 'a peer';
    out('waiting', `no peer connected: waiting for ${whom} (redialled with backoff, at most every 10 s)`, { peers });
  };
  const tell = (e: PoolEvent): void => {
    switch (e.type) {
      case 'added': {
        const peer = endpointKey(e.address);
        failing.delete(peer);
        alone = false;
        if (options.joins === false) return;
        const s = e.peer.stats();
        out('connected', `connected to ${peer} (${s.userAgent}, height ${s.startHeight})`, {
          peer,
          userAgent: s.userAgent,
          height: s.startHeight,
        });
        return;
      }
      case 'removed': {
        const peer = endpointKey(e.address);
        out('disconnected', `${peer} disconnected: ${e.reason}`, { peer, reason: e.reason });
        waiting();
        return;
      }
      case 'dial-failed': {
        const peer = endpointKey(e.address);
        if (!failing.has(peer)) {
          failing.add(peer);
          const error = explainError(e.error, args.network);
          const height = options.height?.();
          out('peer-failed', `${peer}: ${error}${height === undefined ? '' : `; ${height} headers kept`}`, {
            peer,
            error,
            ...(height === undefined ? {} : { height }),
          });
        }
        waiting();
        return;
      }
      case 'banned':
        out('banned', `${e.host} banned: ${e.reason}`, { peer: e.host, reason: e.reason, until: new Date(e.until).toISOString() });
        return;
      case 'seeded':
        out('seeded', `${e.addresses} addresses from DNS seeds`, { addresses: e.addresses, failedSeeds: e.failed });
        return;
      default:
        return;
    }
  };
  return pool.events$.subscribe(tell);
}
