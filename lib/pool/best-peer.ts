import type { Peer } from '../peer/peer-api.js';
import type { PoolPeer } from './pool-events.js';

/** The height a peer is known to have: the higher of its version's start height and the last block it announced. */
const knownHeight = (p: PoolPeer): number => Math.max(p.peer.stats().startHeight, p.peer.stats().lastBlock);

/** Whether `a` is a better peer to sync from than `b`: higher, then outbound before inbound, then the faster ping. */
function better(a: PoolPeer, b: PoolPeer): boolean {
  if (knownHeight(a) !== knownHeight(b)) return knownHeight(a) > knownHeight(b);
  if (a.inbound !== b.inbound) return !a.inbound;
  return a.peer.stats().lastPingMicros < b.peer.stats().lastPingMicros;
}

/**
 * The connected peer to sync from among `members`: the one known to be
 * highest, an outbound one before an inbound one of the same height, then
 * the one with the shortest ping; undefined when none is connected.
 */
export function bestPeer(members: Iterable<PoolPeer>): Peer | undefined {
  let best: PoolPeer | undefined;
  for (const m of members) if (m.peer.connected && (!best || better(m, best))) best = m;
  return best?.peer;
}
