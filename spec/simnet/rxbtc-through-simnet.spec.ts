import { MruSet, ServiceFlag, connectPeer, createPeer, listenTcp, networks, type Listener, type Peer } from '../../lib/index.js';
import { eventually } from '../helpers/loopback.js';
import { createSimNet, type SimNet } from '../helpers/simnet/index.js';

/** rxbtc peers talk through the shaper as through any link: the handshake takes its round trips, and ends cleanly. */
const network = networks.regtest;

let listener: Listener;
let net: SimNet;
const served: Peer[] = [];
beforeEach(async () => {
  listener = await listenTcp({ host: '127.0.0.1', port: 0 });
  listener.connections$.subscribe((c) => {
    const peer = createPeer(c, {
      network,
      inbound: true,
      services: ServiceFlag.Network | ServiceFlag.CompactFilters,
      sentNonces: new MruSet<bigint>(50),
    });
    peer.handshake.catch(() => undefined);
    served.push(peer);
  });
  net = createSimNet({ firstNetgroup: 40 });
});
afterEach(async () => {
  for (const p of served.splice(0)) p.disconnect('test over');
  await net.close();
  await listener.close();
});

describe('rxbtc through a simulated peer', () => {
  it('handshakes across the latency and closes cleanly', async () => {
    const sim = await net.addPeer({
      upstream: { host: '127.0.0.1', port: listener.port },
      latencyMs: 50,
      bandwidth: { down: 1e6, up: 1e6 },
    });
    const t = performance.now();
    const peer = await connectPeer({ host: sim.host, port: sim.port, network, sentNonces: new MruSet(50) });
    const ms = performance.now() - t;
    // v1: version out, version + verack back — at least one round trip (BIP324 v2 needs two)
    console.log(`handshake over ${peer.stats().transport} through 50 ms each way: ${ms.toFixed(0)} ms`);
    expect(ms).toBeGreaterThanOrEqual(100);
    expect(sim.stats()).toMatchObject({ accepted: 1, current: 1 });
    expect(sim.stats().bytesDown).toBeGreaterThan(0);
    peer.disconnect('done');
    await eventually(() => sim.stats().current === 0);
  });
});
