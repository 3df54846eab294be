import type { Connection } from '../transport/connection.js';
import type { PeerConfig } from './config.js';
import type { Peer } from './peer-api.js';
import { createPeer } from './peer.js';

/** Options of {@link openPeer}: the transport and the peer's configuration (everything but where to dial). */
export interface OpenPeerOptions extends Omit<PeerConfig, 'inbound' | 'transport'> {
  /**
   * `v2` (BIP324 only), `v1` (plaintext only), or `auto`: v2, and if the
   * remote closes or resets the connection before the v2 key exchange
   * completes, one more connection with v1 (Bitcoin Core's downgrade).
   * @default 'auto'
   */
  transport?: 'auto' | 'v2' | 'v1';
  /**
   * Called with each peer as soon as it exists, before its handshake (with
   * `auto`, a failed v2 attempt too): subscribe to `messages$` here to miss
   * nothing that arrives with the handshake.
   */
  onPeer?: (peer: Peer) => void;
}

/**
 * Whether a v2 peer failed before its key exchange completed (no session id):
 * Core's sign of a v1-only remote, on which `auto` dials again with v1.
 */
export function keyExchangeFailed(peer: Peer): boolean {
  return !peer.connected && peer.stats().sessionId === undefined;
}

/**
 * Open an outbound peer over connections from `dial` (TCP, WebSocket, a
 * memory pair…) and complete the handshake, with `auto`'s v2-then-v1
 * downgrade: `dial` is called once more when a v1-only remote drops the v2
 * attempt. Resolves with the handshaken Peer; rejects with the dial or
 * handshake error. {@link connectPeer} and {@link connectWebSocketPeer} are
 * this over TCP and over a WebSocket.
 */
export async function openPeer(dial: () => Promise<Connection>, options: OpenPeerOptions): Promise<Peer> {
  const { transport = 'auto', onPeer, ...config } = options;
  const open = async (kind: 'v1' | 'v2', v2 = config.v2): Promise<Peer> => {
    const peer = createPeer(await dial(), { ...config, inbound: false, transport: kind, ...(v2 ? { v2 } : {}) });
    onPeer?.(peer);
    return peer;
  };
  const handshaken = async (peer: Peer): Promise<Peer> => {
    await peer.handshake;
    return peer;
  };
  if (transport !== 'auto') return handshaken(await open(transport));
  // The garbage waits for the remote's key, so a v1-only remote sees only 64 bytes before we leave (see V2Tuning).
  const v2 = await open('v2', { delayGarbage: true, ...config.v2 });
  try {
    return await handshaken(v2);
  } catch (error) {
    // A v1-only node drops (or answers in v1) our 64 random bytes: the key exchange never completes.
    if (keyExchangeFailed(v2)) return handshaken(await open('v1'));
    throw error;
  }
}
