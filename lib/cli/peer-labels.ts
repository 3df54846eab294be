import type { Peer } from '../peer/peer-api.js';
import { endpointKey } from '../pool/endpoint.js';
import type { Pool } from '../pool/pool.js';

/** What a pool's peers are called in a command's lines. */
export interface PeerLabels {
  /** The address a peer was dialled at (`host:port`, as named), or undefined for a peer the pool never had. */
  of(peer: Peer): string | undefined;
  /** Stop following the pool. */
  stop(): void;
}

/** Name each peer of the pool by the address it was dialled at, as it joins (a peer that left keeps its name). */
export function peerLabels(pool: Pool): PeerLabels {
  const names = new WeakMap<Peer, string>();
  const sub = pool.peers$.subscribe((e) => {
    if (e.type === 'added') names.set(e.peer, endpointKey(e.address));
  });
  return { of: (peer) => names.get(peer), stop: () => sub.unsubscribe() };
}
