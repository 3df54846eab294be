import { Observable } from 'rxjs';
import { connectPeer, type ConnectPeerOptions } from './connect-peer.js';
import type { Peer } from './peer.js';

/**
 * A peer as a cold Observable resource, the way RxJS's `webSocket()` is a
 * socket: each subscription dials (`connectPeer`, so v2 with downgrade by
 * default) and emits the handshaken Peer; unsubscribing disconnects it
 * (also while it is still connecting); the Observable completes when the
 * peer closes cleanly and errors with the typed error that closed it
 * otherwise (TransportError, PeerError, V2Error, ProtocolError). So
 * `retry({ delay })`, `repeat`, `share` and `switchMap` compose as usual.
 * @example
 * ```ts
 * peer$({ host: '127.0.0.1', port: 18444, network: networks.regtest })
 *   .pipe(switchMap((peer) => peer.on('inv')), retry({ delay: 5_000 }))
 *   .subscribe((inv) => console.log(inv.items.length));
 * ```
 */
export function peer$(options: ConnectPeerOptions): Observable<Peer> {
  return new Observable<Peer>((subscriber) => {
    let current: Peer | undefined;
    let unsubscribed = false;
    connectPeer({
      ...options,
      onPeer: (p) => {
        current = p;
        options.onPeer?.(p);
        if (unsubscribed) p.disconnect('unsubscribed');
      },
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
