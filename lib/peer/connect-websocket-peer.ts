import { connectWebSocket, type WebSocketConstructor } from '../transport/connect-websocket.js';
import { openPeer, type OpenPeerOptions } from './open-peer.js';
import type { Peer } from './peer-api.js';

/** Options of {@link connectWebSocketPeer}: the WebSocket URL (a bridge such as `rxbtc bridge`), the transport, and the peer's configuration. */
export interface WebSocketPeerOptions extends OpenPeerOptions {
  /** `ws://` or `wss://` URL that carries the peer's bytes, e.g. `ws://127.0.0.1:8080/127.0.0.1:18444`. */
  url: string;
  /** Give up opening the WebSocket after this many milliseconds. @default 10000 */
  connectTimeout?: number;
  /** The WebSocket class. @default the global `WebSocket`, else the `ws` package */
  WebSocket?: WebSocketConstructor;
}

/**
 * Open a peer over a WebSocket (in a browser, through `rxbtc bridge`) and
 * complete the handshake, with the same `auto` v2-then-v1 downgrade as
 * {@link connectPeer}. Resolves with the handshaken Peer.
 * @example
 * ```ts
 * const peer = await connectWebSocketPeer({ url: 'ws://127.0.0.1:8080/', network: networks.regtest });
 * ```
 */
export function connectWebSocketPeer(options: WebSocketPeerOptions): Promise<Peer> {
  const { url, connectTimeout, WebSocket, ...rest } = options;
  const dial = () => connectWebSocket(url, { ...(connectTimeout ? { timeout: connectTimeout } : {}), ...(WebSocket ? { WebSocket } : {}) });
  return openPeer(dial, rest);
}
