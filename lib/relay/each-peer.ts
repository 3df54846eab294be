import { EMPTY, catchError, filter, from, map, mergeMap, of, type Observable } from 'rxjs';
import type { Peer } from '../peer/peer-api.js';
import { isPeerSet, type PeerSet } from '../spv/peer-set.js';

/** What relay functions listen to: a peer, several, or a pool (any {@link PeerSet}). */
export type RelaySource = Peer | readonly Peer[] | PeerSet;

/**
 * Each peer of a source once its handshake is done: the given peers (those
 * whose handshake fails are skipped), or a pool's current and joining
 * peers. Completes for a fixed list once every handshake settled.
 */
export function eachPeer(source: RelaySource): Observable<Peer> {
  if (isPeerSet(source)) {
    return source.peers$.pipe(
      filter((c) => c.type === 'added'),
      map((c) => c.peer),
    );
  }
  const peers = Array.isArray(source) ? (source as readonly Peer[]) : [source as Peer];
  return from(peers).pipe(
    mergeMap((p) =>
      from(p.handshake).pipe(
        mergeMap(() => (p.connected ? of(p) : EMPTY)),
        catchError(() => EMPTY),
      ),
    ),
  );
}
