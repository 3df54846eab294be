import type { Observable } from 'rxjs';
import { connectPeer, type ConnectPeerOptions } from './connect-peer.js';
import { connectWebSocketPeer, type WebSocketPeerOptions } from './connect-websocket-peer.js';
import type { Peer } from './peer-api.js';
import { peerResource } from './peer-resource.js';

/**
 * A peer as a cold Observable resource, the way RxJS's `webSocket()` is a
 * socket: each subscription dials — TCP with `host`/`port`
 * ({@link connectPeer}), a WebSocket with `url` ({@link connectWebSocketPeer});
 * v2 with downgrade by default — and emits the handshaken Peer;
 * unsubscribing disconnects it (also while it is still connecting); the
 * Observable completes when the peer closes cleanly and errors with the
 * typed error that closed it otherwise (TransportError, PeerError, V2Error,
 * ProtocolError). So `retry({ delay })`, `repeat`, `share` and `switchMap`
 * compose as usual. In the browser build only `url` exists.
 * @example
 * ```ts
 * peer$({ host: '127.0.0.1', port: 18444, network: networks.regtest })
 *   .pipe(switchMap((peer) => peer.on('inv')), retry({ delay: 5_000 }))
 *   .subscribe((inv) => console.log(inv.items.length));
 * ```
 */
export function peer$(options: ConnectPeerOptions | WebSocketPeerOptions): Observable<Peer> {
  return peerResource(
    (onPeer) => ('url' in options ? connectWebSocketPeer({ ...options, onPeer }) : connectPeer({ ...options, onPeer })),
    options.onPeer,
  );
}
