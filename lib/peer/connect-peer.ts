import { connectTcp, type ConnectOptions } from '../transport/connect-tcp.js';
import type { PeerConfig } from './config.js';
import { createPeer, type Peer } from './peer.js';

/** Options of {@link connectPeer}: where to dial, the transport, and the peer's configuration. */
export interface ConnectPeerOptions extends Omit<PeerConfig, 'inbound' | 'transport'>, Omit<ConnectOptions, 'timeout'> {
  /**
   * `v2` (BIP324 only), `v1` (plaintext only), or `auto`: v2, and if the
   * remote closes or resets the connection before the v2 key exchange
   * completes, one more connection with v1 (Bitcoin Core's downgrade).
   * @default 'auto'
   */
  transport?: 'auto' | 'v2' | 'v1';
  /** Give up dialling after this many milliseconds. @default 10000 */
  connectTimeout?: number;
  /**
   * Called with each peer as soon as it exists, before its handshake (with
   * `auto`, a failed v2 attempt too): subscribe to `messages$` here to miss
   * nothing that arrives with the handshake.
   */
  onPeer?: (peer: Peer) => void;
}

/**
 * Whether a v2 peer failed before its key exchange completed (no session id):
 * Core's sign of a v1-only remote, on which `connectPeer`'s `auto` dials again with v1.
 */
export function keyExchangeFailed(peer: Peer): boolean {
  return !peer.connected && peer.stats().sessionId === undefined;
}

/**
 * Dial a peer and complete the handshake. Resolves with the handshaken
 * Peer (`stats().transport` says which transport won); rejects with the
 * dial or handshake error. Nothing is remembered between calls.
 * @example
 * ```ts
 * const peer = await connectPeer({ host: '127.0.0.1', port: 8333, network: networks.mainnet });
 * const { transport, sessionId } = await peer.handshake;
 * ```
 */
export async function connectPeer(options: ConnectPeerOptions): Promise<Peer> {
  const { host, port, proxy, connectTimeout, transport = 'auto', onPeer, ...config } = options;
  const dial = async (kind: 'v1' | 'v2', v2 = config.v2): Promise<Peer> => {
    const connection = await connectTcp({
      host,
      port,
      ...(proxy ? { proxy } : {}),
      ...(connectTimeout ? { timeout: connectTimeout } : {}),
    });
    const peer = createPeer(connection, { ...config, inbound: false, transport: kind, ...(v2 ? { v2 } : {}) });
    onPeer?.(peer);
    return peer;
  };
  const handshaken = async (peer: Peer): Promise<Peer> => {
    await peer.handshake;
    return peer;
  };
  if (transport !== 'auto') return handshaken(await dial(transport));
  // The garbage waits for the remote's key, so a v1-only remote sees only 64 bytes before we leave (see V2Tuning).
  const v2 = await dial('v2', { delayGarbage: true, ...config.v2 });
  try {
    return await handshaken(v2);
  } catch (error) {
    // A v1-only node drops (or answers in v1) our 64 random bytes: the key exchange never completes.
    if (keyExchangeFailed(v2)) return handshaken(await dial('v1'));
    throw error;
  }
}
