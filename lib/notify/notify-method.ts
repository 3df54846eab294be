import { Observable, defer, filter, from, map, of, take } from 'rxjs';
import type { Peer } from '../peer/peer-api.js';
import type { PeerSet } from '../spv/peer-set.js';
import { watchMethodFor } from '../spv/watch.js';

/** How a notifier checks blocks: BIP158 compact filters (private) or BIP37 bloom filters (the peer learns what is watched). */
export type NotifyMethod = 'bip158' | 'bip37';

/**
 * The method a notifier uses: the one asked for; else, as `watch` picks it,
 * BIP158 when the first peer (a list's first once handshaken, a set's first
 * to join that offers either) serves compact filters, else BIP37 when it
 * serves bloom filters.
 * @throws RangeError (in the Observable) when a list's first peer offers neither
 */
export function notifyMethodOf(source: readonly Peer[] | PeerSet, asked: NotifyMethod | undefined): Observable<NotifyMethod> {
  if (asked) return of(asked);
  if (!Array.isArray(source)) {
    const set = source as PeerSet;
    return set.peers$.pipe(
      filter((c) => c.type === 'added' && watchMethodFor(c.peer.stats().services) !== undefined),
      take(1),
      map(() => (set.peers().some((m) => watchMethodFor(m.peer.stats().services) === 'bip158') ? 'bip158' : 'bip37')),
    );
  }
  const first = (source as readonly Peer[])[0]!;
  return defer(() => from(first.handshake)).pipe(
    map((n) => {
      const method = watchMethodFor(n.remote.services);
      if (!method) throw new RangeError('the peer offers neither compact filters (NODE_COMPACT_FILTERS) nor bloom filters (NODE_BLOOM)');
      return method;
    }),
  );
}
