import { randomBytes } from 'node:crypto';
import {
  FilterIndex,
  MruSet,
  ServiceFlag,
  chainParams,
  connectPeer,
  createHeaderChain,
  createPeer,
  genesisBlock,
  hashToHex,
  memoryPair,
  networks,
  serveCompactFilters,
  txid,
  watchBip158,
  type HeaderChain,
  type Peer,
  type WalletEvent,
} from '../../lib/index.js';
import { startFilterNode, type FilterNode } from '../helpers/filter-node.js';
import { eventually } from '../helpers/loopback.js';
import { createSimNet, type SimNet, type SimPeer } from '../helpers/simnet/index.js';
import { syntheticBlocks, type Payment } from '../helpers/synthetic-blocks.js';

/**
 * watchBip158 over several peers on a simulated internet: the project's own
 * BIP157 server behind shaping proxies of their own latency, bandwidth and
 * faults (spec/helpers/simnet), blocks whose 400 outputs give filters of
 * about 1 KB. Real sockets and real time decide here; the scheduler's rules
 * themselves are proved in virtual time (spec/download).
 */
const network = networks.regtest;
const BLOCKS = 1200;
const within = 60_000;
const watched = Uint8Array.from([0x00, 0x14, ...randomBytes(20)]);
const PAID = [57, 333, 610, 611, 999, 1188];

/** 400 distinct outputs a block (so its filter is about 1 KB), and a payment to the wallet at the paid heights. */
const outputs = (height: number): Payment[] => {
  const out = Array.from({ length: 400 }, (_, i) => {
    const script = new Uint8Array(22);
    script[1] = 0x14;
    new DataView(script.buffer).setUint32(2, height);
    new DataView(script.buffer).setUint32(6, i);
    return { script, value: 1000n };
  });
  if (PAID.includes(height)) out.push({ script: watched, value: 5000n + BigInt(height) });
  return out;
};

let node: FilterNode;
let chain: HeaderChain;
beforeAll(async () => {
  node = await startFilterNode();
  await node.mine(BLOCKS, outputs);
}, within);
afterAll(async () => {
  await node.close();
});
beforeEach(async () => {
  chain = createHeaderChain({ network });
  await chain.add(node.blocks.slice(1).map((b) => b.header));
});

let net: SimNet;
afterEach(async () => {
  await net.close();
});

interface Watched {
  events: WalletEvent[];
  peers: Peer[];
  ms: number;
}

/** Watch from block 1 through `links` until every block is checked. */
async function watchThrough(links: SimPeer[]): Promise<Watched> {
  const peers = await Promise.all(
    links.map((l) => connectPeer({ host: l.host, port: l.port, network, sentNonces: new MruSet(50), transport: 'v1' })),
  );
  const events: WalletEvent[] = [];
  let scanned = 0;
  const started = Date.now();
  const sub = watchBip158({ chain, source: peers, scripts: [watched], from: 1, onScanned: (h) => (scanned = h) }).subscribe({
    next: (e) => events.push(e),
  });
  await eventually(() => scanned === BLOCKS, within);
  const ms = Date.now() - started;
  sub.unsubscribe();
  for (const p of peers) p.disconnect('done');
  return { events, peers, ms };
}

const paidOnceInOrder = (events: WalletEvent[]): void => {
  expect(events.map((e) => [e.status, e.height])).toEqual(PAID.map((h) => ['confirmed', h]));
  expect(events.map((e) => e.txid)).toEqual(PAID.map((h) => hashToHex(txid(node.blocks[h]!.transactions[0]!))));
};

const link = (kBps: number, latencyMs: number) => ({
  upstream: { host: '127.0.0.1', port: node.port },
  latencyMs,
  bandwidth: { down: kBps * 1000, up: 200_000 },
});

describe('watchBip158 over several peers of a simulated internet', () => {
  it('spreads the filters over every peer in proportion to its speed, and reports each payment once, in order', async () => {
    net = createSimNet({ firstNetgroup: 60 });
    const speeds = [400, 200, 100];
    const links = [await net.addPeer(link(400, 20)), await net.addPeer(link(200, 60)), await net.addPeer(link(100, 120))];
    const { events, ms } = await watchThrough(links);
    paidOnceInOrder(events);
    const down = links.map((l) => l.stats().bytesDown);
    const total = down.reduce((a, b) => a + b, 0);
    const shares = down.map((d) => d / total);
    const fair = speeds.map((s) => s / 700);
    // Each peer's share of the bytes is near its share of the bandwidth (the handshake and the filter headers, the same
    // for each, and the last round trips blur it a little).
    shares.forEach((s, i) => {
      expect(s).toBeGreaterThan(fair[i]! * 0.6);
      expect(s).toBeLessThan(fair[i]! * 1.5);
    });
    // Not a timing test (the bench measures time); only a sanity bound: far less than the slowest peer alone would need.
    expect(ms).toBeLessThan((total / (100 * 1000)) * 1000);
  });

  it('gives a staller’s filters to the others, disconnects it, and misses nothing', async () => {
    net = createSimNet({ firstNetgroup: 70 });
    const staller = await net.addPeer({ ...link(400, 20), faults: { stallAfterBytes: 60_000 } });
    const links = [staller, await net.addPeer(link(200, 40)), await net.addPeer(link(200, 80))];
    const { events, peers } = await watchThrough(links);
    paidOnceInOrder(events);
    const closed = await peers[0]!.closed;
    expect(closed.reason).toMatch(/stall|timed out/);
    expect(links[1]!.stats().bytesDown + links[2]!.stats().bytesDown).toBeGreaterThan(staller.stats().bytesDown);
  });

  it('loses nothing when a peer closes in the middle of a message', async () => {
    net = createSimNet({ firstNetgroup: 80 });
    const links = [await net.addPeer({ ...link(400, 20), faults: { closeAfterBytes: 150_000 } }), await net.addPeer(link(200, 50))];
    const { events, peers } = await watchThrough(links);
    paidOnceInOrder(events);
    expect(peers[0]!.connected).toBe(false);
  });
});

describe('watchBip158 with a peer that lies about one filter while several download', () => {
  it('finds the liar, disconnects it, and takes its filters from an honest peer', async () => {
    net = createSimNet(); // nothing added: the peers here are in-memory pairs
    const genesis = genesisBlock(chainParams(network));
    const blocks = [
      genesis,
      ...syntheticBlocks({ block: genesis, height: 0 }, 300, (h) => (h === 200 ? [{ script: watched, value: 7n }] : [])),
    ];
    const local = createHeaderChain({ network });
    await local.add(blocks.slice(1).map((b) => b.header));
    const serve = (lie: boolean): Peer => {
      const index = new FilterIndex();
      for (const b of blocks) index.add(b);
      // "Nothing in these blocks": filters its own headers do not commit to, one every 25 blocks, so whatever share of
      // the work it is given, it lies in it.
      if (lie) for (let h = 25; h <= 300; h += 25) index.tamper(h, new Uint8Array([0]));
      const [a, b] = memoryPair();
      const server = createPeer(b, {
        network,
        inbound: true,
        services: ServiceFlag.Network | ServiceFlag.CompactFilters,
        sentNonces: new MruSet(50),
      });
      serveCompactFilters(server, index);
      return createPeer(a, { network, sentNonces: new MruSet(50) });
    };
    const liar = serve(true);
    const honest = serve(false);
    const events: WalletEvent[] = [];
    let scanned = 0;
    const sub = watchBip158({
      chain: local,
      source: [liar, honest],
      scripts: [watched],
      from: 1,
      onScanned: (h) => (scanned = h),
    }).subscribe({
      next: (e) => events.push(e),
    });
    await eventually(() => scanned === 300, within);
    sub.unsubscribe();
    expect(events.map((e) => e.height)).toEqual([200]);
    const closed = await liar.closed;
    expect(closed.error).toMatchObject({ code: 'bad-filter' });
    honest.disconnect();
  });
});
