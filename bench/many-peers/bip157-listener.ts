import {
  MruSet,
  ServiceFlag,
  createPeer,
  listenTcp,
  networks,
  serveCompactFilters,
  serveHeaders,
  type FilterSource,
  type HeaderChain,
  type Peer,
} from '../../lib/index.js';

/** A connection the server saw end. */
export interface ServedConnection {
  /** Bytes the server sent on it (the shaper may have delivered fewer). */
  bytesSent: number;
  /** BIP324 v2 or v1. */
  transport: 'v1' | 'v2';
}

/**
 * A BIP157 server on 127.0.0.1 built on rxbtc's own `serveHeaders` and
 * `serveCompactFilters` (advertising NODE_COMPACT_FILTERS, speaking v2
 * where the client does), serving `source`; `onPeer` is given each
 * connection's peer (to relay transactions to it).
 * @returns its port
 */
export async function listenBip157(
  chain: HeaderChain,
  source: FilterSource,
  onClosed: (c: ServedConnection) => void,
  onPeer?: (peer: Peer) => void,
): Promise<number> {
  const listener = await listenTcp({ host: '127.0.0.1', port: 0 });
  listener.connections$.subscribe((c) => {
    const peer = createPeer(c, {
      network: networks.regtest,
      inbound: true,
      services: ServiceFlag.Network | ServiceFlag.CompactFilters,
      sentNonces: new MruSet<bigint>(50),
      newestBlock: () => ({ hash: chain.tip.hash, height: chain.height }),
      userAgent: { name: 'many-peers-bench', version: '1.0' },
    });
    peer.handshake.catch(() => undefined);
    serveHeaders(peer, chain);
    serveCompactFilters(peer, source);
    // A listening node answers an outbound peer's getaddr (Core with up to 1,000 addresses; this one knows none):
    // unanswered, the client's own stall rule (getaddr → addr in 30 s, btcd's) would drop every peer at 30 s.
    peer.on('getaddr').subscribe(() => peer.queue({ command: 'addr', addresses: [] }));
    onPeer?.(peer);
    void peer.closed.then(() => onClosed({ bytesSent: peer.stats().bytesSent, transport: peer.stats().transport }));
  });
  return listener.port;
}
