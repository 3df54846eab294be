import { createSimNet, type SimFaults, type SimNet } from '../../spec/helpers/simnet/index.js';
import { DROP_EVERY_MS, PEERS, STALL_AFTER_BYTES, type PeerFault } from './peer-layout.js';

const faultsOf = (fault: PeerFault | undefined): SimFaults =>
  fault === 'stall' ? { stallAfterBytes: STALL_AFTER_BYTES } : fault === 'drop' ? { dropEveryMs: DROP_EVERY_MS } : {};

/**
 * The bench's eight simulated peers (PEERS), each on its own /16: the liar
 * forwards to `liarPort`, the others to `honestPort` (both on 127.0.0.1).
 * Up bandwidth is a quarter of down; jitter up to a tenth of the latency.
 */
export async function startSimPeers(honestPort: number, liarPort: number): Promise<SimNet> {
  const net = createSimNet({ seed: 34 });
  for (const p of PEERS) {
    await net.addPeer({
      upstream: { host: '127.0.0.1', port: p.fault === 'lie' ? liarPort : honestPort },
      latencyMs: p.latencyMs,
      jitterMs: p.latencyMs / 10,
      bandwidth: { down: p.down, up: p.down / 4 },
      faults: faultsOf(p.fault),
    });
  }
  return net;
}
