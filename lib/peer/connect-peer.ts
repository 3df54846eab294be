import { connectTcp, type ConnectOptions } from '../transport/connect-tcp.js';
import { openPeer, type OpenPeerOptions } from './open-peer.js';
import type { Peer } from './peer-api.js';

/** Options of {@link connectPeer}: where to dial over TCP, the transport, and the peer's configuration. */
export interface ConnectPeerOptions extends OpenPeerOptions, Omit<ConnectOptions, 'timeout'> {
  /** Give up dialling after this many milliseconds. @default 10000 */
  connectTimeout?: number;
}

/**
 * Dial a peer over TCP and complete the handshake. Resolves with the
 * handshaken Peer (`stats().transport` says which transport won); rejects
 * with the dial or handshake error. Nothing is remembered between calls.
 * @example
 * ```ts
 * const peer = await connectPeer({ host: '127.0.0.1', port: 8333, network: networks.mainnet });
 * const { transport, sessionId } = await peer.handshake;
 * ```
 */
export function connectPeer(options: ConnectPeerOptions): Promise<Peer> {
  const { host, port, proxy, connectTimeout, ...rest } = options;
  const dial = () => connectTcp({ host, port, ...(proxy ? { proxy } : {}), ...(connectTimeout ? { timeout: connectTimeout } : {}) });
  return openPeer(dial, rest);
}
