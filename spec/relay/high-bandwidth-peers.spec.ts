import type { Peer } from '../../lib/peer/peer-api.js';
import { COMPACT_BLOCK_VERSION, HighBandwidthPeers } from '../../lib/relay/high-bandwidth-peers.js';
import { ProtocolVersion } from '../../lib/wire/protocol.js';

/** A peer that records the `sendcmpct` it is sent (announce flags). */
function peer(): Peer & { said: boolean[] } {
  const said: boolean[] = [];
  const fake = { connected: true, said, queue: (m: { command: string; announce: boolean }) => void said.push(m.announce) };
  return fake as unknown as Peer & { said: boolean[] };
}
const modern = { protocolVersion: ProtocolVersion.ShortIds, witness: true };

describe('HighBandwidthPeers', () => {
  it('sends sendcmpct once at the handshake: high-bandwidth while the set has room, low after; none to peers that cannot', () => {
    const modes = new HighBandwidthPeers(2);
    const [a, b, c, old, plain] = [peer(), peer(), peer(), peer(), peer()];
    modes.handshaken(a, modern);
    modes.handshaken(b, modern);
    modes.handshaken(c, modern);
    modes.handshaken(old, { protocolVersion: ProtocolVersion.ShortIds - 1, witness: true });
    modes.handshaken(plain, { ...modern, witness: false });
    expect([a.said, b.said, c.said, old.said, plain.said]).toEqual([[true], [true], [false], [], []]);
  });

  it('a peer announcing first joins the set and the longest-serving member leaves it; one leaving frees its place', () => {
    const modes = new HighBandwidthPeers(2);
    const [a, b, c] = [peer(), peer(), peer()];
    for (const p of [a, b, c]) modes.handshaken(p, modern);
    modes.promote(c);
    expect(c.said).toEqual([false, true]);
    expect(a.said).toEqual([true, false]);
    modes.promote(b); // already in the set: nothing sent
    expect(b.said).toEqual([true]);
    modes.forget(b);
    modes.promote(a);
    expect(a.said).toEqual([true, false, true]);
    expect(c.said).toEqual([false, true]); // room was made by b leaving
  });

  it('asks compact blocks only of peers that said sendcmpct version 2, and promotes nobody with a set of 0', () => {
    const modes = new HighBandwidthPeers(0);
    const a = peer();
    modes.handshaken(a, modern);
    modes.said(a, 1n);
    expect(modes.sendsCompact(a)).toBe(false);
    modes.said(a, COMPACT_BLOCK_VERSION);
    expect(modes.sendsCompact(a)).toBe(true);
    modes.promote(a);
    expect(a.said).toEqual([false]);
  });
});
