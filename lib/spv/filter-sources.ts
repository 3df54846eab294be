import { filter, firstValueFrom } from 'rxjs';
import type { Peer } from '../peer/peer-api.js';
import { ServiceFlag, hasService } from '../wire/services.js';
import { CompactFilterError, CompactFilterErrorCode, FilterClient } from './filter-client.js';
import { isPeerSet, type PeerSet } from './peer-set.js';

/** A watch's source as a list of peers or a set (one peer is a list of one). */
export function sourceList(source: Peer | readonly Peer[] | PeerSet): readonly Peer[] | PeerSet {
  if (isPeerSet(source)) return source;
  return Array.isArray(source) ? (source as readonly Peer[]) : [source as Peer];
}

/** Whether a handshaken peer serves compact filters (NODE_COMPACT_FILTERS). */
export function servesFilters(peer: Peer): boolean {
  return hasService(peer.stats().services, ServiceFlag.CompactFilters);
}

/** Whether a handshaken peer serves blocks (NODE_NETWORK, or NODE_NETWORK_LIMITED for the last 288). */
export function servesBlocks(peer: Peer): boolean {
  const services = peer.stats().services;
  return hasService(services, ServiceFlag.Network) || hasService(services, ServiceFlag.NetworkLimited);
}

/**
 * Clients of the peers serving filters now: a list's connected peers once
 * their handshakes settled (none: `no-peers`, or a lone peer's own
 * handshake error); a set's handshaken ones, waiting for the first to join
 * when it has none.
 */
export async function filterClientsOf(source: Peer | readonly Peer[] | PeerSet, timeoutMs?: number): Promise<FilterClient[]> {
  const list = sourceList(source);
  if (!Array.isArray(list)) {
    const set = list as PeerSet;
    const now = (): Peer[] =>
      set
        .peers()
        .map((m) => m.peer)
        .filter((p) => p.connected && servesFilters(p));
    if (now().length === 0) await firstValueFrom(set.peers$.pipe(filter((c) => c.type === 'added' && servesFilters(c.peer))));
    return now().map((p) => new FilterClient(p, timeoutMs));
  }
  const peers = list as readonly Peer[];
  const settled = await Promise.allSettled(peers.map((p) => p.handshake));
  const serving = peers.filter((p) => p.connected && servesFilters(p));
  if (serving.length > 0) return serving.map((p) => new FilterClient(p, timeoutMs));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (peers.length === 1 && failed) throw failed.reason;
  throw new CompactFilterError(CompactFilterErrorCode.NoPeers, 'no peer serves compact filters (NODE_COMPACT_FILTERS)');
}
