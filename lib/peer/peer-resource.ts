import { Observable } from 'rxjs';
import type { Peer } from './peer-api.js';

/**
 * A peer as a cold Observable resource around any opener, the way RxJS's
 * `webSocket()` is a socket: each subscription calls `open` and emits the
 * handshaken Peer; unsubscribing disconnects it (also while it is still
 * connecting: `open` reports each peer it creates through `onPeer`); the
 * Observable completes when the peer closes cleanly and errors with the
 * typed error that closed it otherwise. `onPeer` (the caller's) hears of
 * each peer too, as soon as it exists. `peer$` is this over
 * {@link connectPeer} or {@link connectWebSocketPeer}.
 */
export function peerResource(open: (onPeer: (peer: Peer) => void) => Promise<Peer>, onPeer?: (peer: Peer) => void): Observable<Peer> {
  return new Observable<Peer>((subscriber) => {
    let current: Peer | undefined;
    let unsubscribed = false;
    open((p) => {
      current = p;
      onPeer?.(p);
      if (unsubscribed) p.disconnect('unsubscribed');
    }).then(
      (peer) => {
        if (unsubscribed) return;
        subscriber.next(peer);
        void peer.closed.then(({ error }) => (error ? subscriber.error(error) : subscriber.complete()));
      },
      (e: unknown) => subscriber.error(e),
    );
    return () => {
      unsubscribed = true;
      current?.disconnect('unsubscribed');
    };
  });
}
