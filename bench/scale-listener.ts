/**
 * The listening side of the scale bench, run as a child process so each
 * side's memory is measured on its own. Accepts rxbtc inbound peers,
 * serves them, and during a soak sends mixed traffic of its own.
 * Talks to its parent over IPC: `ready` (port), then answers `measure`,
 * `fill` (known inventory), `soak` (on/off) and `stop`.
 */
import { Random } from '../fuzz/random.js';
import { createPeer, listenTcp, networks, type Peer } from '../lib/index.js';
import { fillKnownInventory, lagMonitor, loadTraffic, memory, randomAction, serve } from './scale-traffic.js';

/** Messages from the parent. */
export type ToListener = { type: 'measure' } | { type: 'fill'; items: number } | { type: 'soak'; on: boolean } | { type: 'stop' };
/** Messages to the parent. */
export type FromListener =
  | { type: 'ready'; port: number }
  | {
      type: 'measured';
      peers: number;
      handshaken: number;
      heap: number;
      external: number;
      rss: number;
      lag: { p50: number; p99: number; max: number };
    };

const send = (m: FromListener): void => void process.send?.(m);
const traffic = loadTraffic();
const peers = new Set<Peer>();
let handshaken = 0;
const listener = await listenTcp({ port: 0 });
listener.connections$.subscribe((connection) => {
  const peer = createPeer(connection, { network: networks.regtest, inbound: true, userAgent: { name: 'scale-listener', version: '1.0' } });
  peers.add(peer);
  peer.handshake.then(
    () => handshaken++,
    () => undefined,
  );
  void peer.closed.then(() => peers.delete(peer));
  serve(peer, traffic);
});
const lag = lagMonitor();
let soak: NodeJS.Timeout | undefined;
const rnd = new Random(0x11573);

process.on('message', (m: ToListener) => {
  if (m.type === 'measure') {
    void memory().then((mem) => send({ type: 'measured', peers: peers.size, handshaken, ...mem, lag: lag.read() }));
  } else if (m.type === 'fill') {
    for (const peer of peers) fillKnownInventory(peer, m.items, rnd);
  } else if (m.type === 'soak') {
    clearInterval(soak);
    if (m.on) {
      soak = setInterval(() => {
        for (const peer of peers) if (rnd.chance(0.05)) randomAction(peer, traffic, rnd);
      }, 100);
    }
  } else {
    clearInterval(soak);
    for (const peer of peers) peer.disconnect('bench over');
    void listener.close().then(() => process.exit(0));
  }
});
send({ type: 'ready', port: listener.port });
