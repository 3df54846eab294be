import { Observable, filter, map } from 'rxjs';
import type { WorkerChange } from '../download/download-job.js';
import type { Peer } from '../peer/peer-api.js';
import type { PeerSet } from './peer-set.js';

/**
 * The peers of a source as download workers: each joins once its handshake
 * is done and `accept` takes it (say, it serves compact filters), and leaves
 * when it disconnects. A list completes once every peer in it has left (a
 * download then fails when work is left); a pool's set never completes (a
 * download waits for its next peer).
 */
export function peerWorkers(source: readonly Peer[] | PeerSet, accept: (peer: Peer) => boolean): Observable<WorkerChange<Peer>> {
  if (!Array.isArray(source)) {
    return (source as PeerSet).peers$.pipe(
      filter((c) => c.type === 'removed' || (c.peer.connected && accept(c.peer))),
      map((c) => ({ type: c.type, worker: c.peer })),
    );
  }
  const peers = source as readonly Peer[];
  return new Observable<WorkerChange<Peer>>((subscriber) => {
    let left = peers.length;
    const leave = (): void => {
      if (--left === 0) subscriber.complete();
    };
    if (left === 0) subscriber.complete();
    for (const peer of peers) {
      peer.handshake.then(
        () => {
          if (subscriber.closed) return;
          if (peer.connected && accept(peer)) subscriber.next({ type: 'added', worker: peer });
          void peer.closed.then(() => {
            if (subscriber.closed) return;
            subscriber.next({ type: 'removed', worker: peer });
            leave();
          });
        },
        () => leave(),
      );
    }
  });
}
