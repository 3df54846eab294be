import type { Observable } from 'rxjs';
import { connectWebSocketPeer, type WebSocketPeerOptions } from './connect-websocket-peer.js';
import type { Peer } from './peer-api.js';
import { peerResource } from './peer-resource.js';

/**
 * The browser build's `peer$`: a peer over a WebSocket (`url`, e.g. through
 * `rxbtc bridge`) as a cold Observable resource — each subscription opens
 * and emits the handshaken Peer, unsubscribing disconnects, errors are
 * typed. Node's `peer$` takes `host`/`port` too.
 * @example
 * ```ts
 * peer$({ url: 'ws://127.0.0.1:8080/', network: networks.regtest })
 *   .pipe(switchMap((peer) => peer.on('headers')), retry({ delay: 5_000 }))
 *   .subscribe(({ headers }) => console.log(headers.length));
 * ```
 */
export function peer$(options: WebSocketPeerOptions): Observable<Peer> {
  return peerResource((onPeer) => connectWebSocketPeer({ ...options, onPeer }), options.onPeer);
}
