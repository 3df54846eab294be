import type { Peer } from '../../lib/peer/peer-api.js';
import { bestPeer } from '../../lib/pool/best-peer.js';
import type { PoolPeer } from '../../lib/pool/pool-events.js';

/** A pool member whose peer reports these figures. */
function member(name: string, startHeight: number, lastBlock: number, ping: number, inbound = false, connected = true): PoolPeer {
  const peer = { name, connected, stats: () => ({ startHeight, lastBlock, lastPingMicros: ping }) } as unknown as Peer;
  return { peer, address: { host: name, port: 8333 }, inbound, netgroup: name };
}
const nameOf = (p: Peer | undefined): string | undefined => (p as unknown as { name: string } | undefined)?.name;

describe('bestPeer', () => {
  it('takes the highest known height (start height or last block announced)', () => {
    expect(nameOf(bestPeer([member('a', 100, 0, 1), member('b', 90, 120, 50), member('c', 110, 0, 1)]))).toBe('b');
  });

  it('at the same height, an outbound peer before an inbound one, then the shorter ping', () => {
    expect(nameOf(bestPeer([member('in', 100, 0, 1, true), member('out', 100, 0, 900)]))).toBe('out');
    expect(nameOf(bestPeer([member('slow', 100, 0, 900), member('fast', 100, 0, 20)]))).toBe('fast');
  });

  it('skips peers no longer connected, and is undefined when none is', () => {
    expect(nameOf(bestPeer([member('gone', 500, 0, 1, false, false), member('here', 10, 0, 1)]))).toBe('here');
    expect(bestPeer([member('gone', 500, 0, 1, false, false)])).toBeUndefined();
  });
});
