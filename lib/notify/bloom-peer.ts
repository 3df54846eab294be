import { filter, firstValueFrom, map } from 'rxjs';
import type { Peer } from '../peer/peer-api.js';
import type { PeerSet } from '../spv/peer-set.js';
import { ServiceFlag, hasService } from '../wire/services.js';
import { FilteredBlockError } from './filtered-blocks.js';

/** Whether a handshaken peer serves BIP37 (NODE_BLOOM). */
export function servesBloom(peer: Peer): boolean {
  return peer.connected && hasService(peer.stats().services, ServiceFlag.Bloom);
}

/**
 * The peer to ask for filtered blocks: a list's first connected peer that
 * serves BIP37 once the handshakes settled; a set's, waiting for one to join
 * when it has none.
 * @throws FilteredBlockError when no peer of a list serves BIP37
 */
export async function bloomPeer(source: readonly Peer[] | PeerSet): Promise<Peer> {
  if (!Array.isArray(source)) {
    const set = source as PeerSet;
    const now = set
      .peers()
      .map((m) => m.peer)
      .find(servesBloom);
    if (now) return now;
    return firstValueFrom(
      set.peers$.pipe(
        filter((c) => c.type === 'added' && servesBloom(c.peer)),
        map((c) => c.peer),
      ),
    );
  }
  const peers = source as readonly Peer[];
  await Promise.allSettled(peers.map((p) => p.handshake));
  const peer = peers.find(servesBloom);
  if (!peer) throw new FilteredBlockError('no peer serves bloom filters (NODE_BLOOM)');
  return peer;
}
