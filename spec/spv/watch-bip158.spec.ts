import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { filter, firstValueFrom, tap, share, timeout } from 'rxjs';
import {
  ByteReader,
  CompactFilterError,
  FilterHeaderChain,
  FilterIndex,
  GcsFilter,
  MruSet,
  ServiceFlag,
  basicFilterItems,
  blockHash,
  connectTcp,
  createHeaderChain,
  createPeer,
  fileFilterHeaderStore,
  hashToHex,
  listenTcp,
  memoryFilterHeaderStore,
  networks,
  openHeaderChain,
  readBlock,
  serveCompactFilters,
  serveHeaders,
  syncHeaders,
  watchBip158,
  type Block,
  type FilterHeaderStore,
  type HeaderChain,
  type Listener,
  type Peer,
  type WalletEvent,
} from '../../lib/index.js';
import { eventually } from '../helpers/loopback.js';
import { useRegtestNode } from '../helpers/regtest.js';
import { useTempDir } from '../helpers/temp-dir.js';

/**
 * BIP157/158 wallet watching, rxbtc client against rxbtc servers over loopback TCP (no BIP157 server can run here),
 * on real regtest blocks mined by bcoin: one block pays a watched script.
 */
const network = networks.regtest;
const tmp = useTempDir('rxbtc-cfh-');
const within = 20_000;
const watched = Uint8Array.from([0x00, 0x14, ...randomBytes(20)]);
const node = useRegtestNode({ blocks: 110 });

let blocks: Block[] = [];
let paid = '';
beforeAll(async () => {
  paid = hashToHex(await node().pay([{ script: watched, value: 42_000_000 }]));
  await node().mine(3);
  blocks = [];
  for (let h = 0; h <= node().height; h++) blocks.push(readBlock(new ByteReader(await node().rawBlock(h))));
});

/** An rxbtc server of headers, filters and blocks built from `blocks`, optionally lying at one height. */
async function server(
  lieAt?: number,
  onGetCfHeaders?: () => void,
): Promise<{ listener: Listener; index: FilterIndex; cfheadersFrom: number[] }> {
  const cfheadersFrom: number[] = [];
  const index = new FilterIndex();
  const chain = createHeaderChain({ network });
  for (const b of blocks) index.add(b);
  await chain.add(blocks.slice(1).map((b) => b.header));
  if (lieAt !== undefined) {
    // A consistent liar: the filter at `lieAt` leaves the watched script out, and its filter headers are rebuilt to match.
    const block = blocks[lieAt]!;
    const items = basicFilterItems(block, []).filter((s) => hashToHex(s) !== hashToHex(watched));
    index.tamper(lieAt, GcsFilter.build(items, blockHash(block.header)).encoded);
    index.rechain();
  }
  const listener = await listenTcp({ port: 0 });
  listener.connections$.subscribe((c) => {
    const peer = createPeer(c, {
      network,
      inbound: true,
      services: ServiceFlag.Network | ServiceFlag.CompactFilters,
      sentNonces: new MruSet(50),
    });
    serveHeaders(peer, chain);
    serveCompactFilters(peer, index);
    peer.on('getcfheaders').subscribe((m) => {
      cfheadersFrom.push(m.startHeight);
      onGetCfHeaders?.();
    });
  });
  return { listener, index, cfheadersFrom };
}

async function client(port: number, chain: HeaderChain): Promise<Peer> {
  const peer = createPeer(await connectTcp({ host: '127.0.0.1', port, timeout: within }), { network, sentNonces: new MruSet(50) });
  syncHeaders(peer, chain).subscribe({ error: () => undefined });
  return peer;
}

describe('watchBip158, rxbtc ↔ rxbtc over TCP on real regtest blocks', () => {
  it('finds the payment from a birthday, with the block checked against the header chain, and nothing else', async () => {
    const { listener } = await server();
    const chain = createHeaderChain({ network });
    const peer = await client(listener.port, chain);
    await eventually(() => chain.height === blocks.length - 1, within);
    const events: WalletEvent[] = [];
    const scanned: number[] = [];
    const events$ = watchBip158({ chain, source: peer, scripts: [watched], from: 100, onScanned: (h) => scanned.push(h) }).pipe(share());
    events$.subscribe({ next: (e) => events.push(e), error: () => undefined });
    await eventually(() => scanned.at(-1) === chain.height, within);
    expect(scanned).toEqual(Array.from({ length: chain.height - 99 }, (_, i) => 100 + i)); // every block, in order
    expect(events.map((e) => [e.txid, e.status, e.height])).toEqual([[paid, 'confirmed', 111]]);
    expect(events[0]!.proof).toMatchObject({ kind: 'block' });
    expect(events[0]!.blockHash).toBe(hashToHex(blockHash(blocks[111]!.header)));
    expect(events[0]!.received).toEqual([{ index: 0, value: 42_000_000n }]);
    peer.disconnect();
    await listener.close();
  });

  it('scans only as far as the filter headers reached while the chain grew under a scan (found by the web dashboard)', async () => {
    const chain = createHeaderChain({ network });
    await chain.add(blocks.slice(1, 101).map((b) => b.header)); // the chain is at 100 when the watch starts
    // The first getcfheaders (to 100) reaches the server; the chain reaches 114 before the answer is back.
    let grown: Promise<unknown> | undefined;
    const { listener } = await server(undefined, () => {
      grown ??= chain.add(blocks.slice(101).map((b) => b.header));
    });
    const peer = createPeer(await connectTcp({ host: '127.0.0.1', port: listener.port, timeout: within }), {
      network,
      sentNonces: new MruSet(50),
    });
    await peer.handshake;
    const errors: unknown[] = [];
    const found = firstValueFrom(
      watchBip158({ chain, source: peer, scripts: [watched], from: 100 }).pipe(
        tap({ error: (e: unknown) => errors.push(e) }),
        filter((e) => e.status === 'confirmed'),
        timeout(within),
      ),
    );
    const event = await found;
    await grown;
    expect([event.txid, event.height]).toEqual([paid, 111]);
    expect(errors).toEqual([]);
    peer.disconnect();
    await listener.close();
  });

  it('with a lying server beside an honest one: the liar is found from the block, disconnected, and the payment still reported', async () => {
    const liar = await server(111);
    const honest = await server();
    const chain = createHeaderChain({ network });
    const bad = await client(liar.listener.port, chain);
    const good = await client(honest.listener.port, chain);
    await eventually(() => chain.height === blocks.length - 1, within);
    const found = await firstValueFrom(
      watchBip158({ chain, source: [bad, good], scripts: [watched], from: 100 }).pipe(
        filter((e) => e.status === 'confirmed'),
        timeout(within),
      ),
    );
    expect([found.txid, found.height]).toEqual([paid, 111]);
    const closed = await bad.closed;
    expect(closed.error).toBeInstanceOf(CompactFilterError);
    expect((closed.error as CompactFilterError).code).toBe('lying-filter');
    expect(good.connected).toBe(true);
    good.disconnect();
    await liar.listener.close();
    await honest.listener.close();
  });

  it('two identical liars and an honest server: the second liar, checked only against the first, goes with it', async () => {
    const liars = [await server(111), await server(111)];
    const honest = await server();
    const chain = createHeaderChain({ network });
    const peers = [
      await client(liars[0]!.listener.port, chain),
      await client(liars[1]!.listener.port, chain),
      await client(honest.listener.port, chain),
    ];
    await eventually(() => chain.height === blocks.length - 1, within);
    const found = await firstValueFrom(
      watchBip158({ chain, source: peers, scripts: [watched], from: 100 }).pipe(
        filter((e) => e.status === 'confirmed'),
        timeout(within),
      ),
    );
    expect([found.txid, found.height]).toEqual([paid, 111]);
    for (const liar of peers.slice(0, 2)) expect(((await liar.closed).error as CompactFilterError).code).toBe('lying-filter');
    // The first liar served the run from genesis; all three were then asked for their filter header at the tip and
    // disagreed, so the run was settled as before, from height 1: the first liar read in full, the second only after
    // the last checkpoint (it agreed with the first), the honest one after the last checkpoint (it disagreed), then in full.
    const tip = blocks.length - 1;
    expect([liars[0]!.cfheadersFrom, liars[1]!.cfheadersFrom, honest.cfheadersFrom]).toEqual([
      [0, tip, 1],
      [tip, 1],
      [tip, 1, 1],
    ]);
    expect(peers[2]!.connected).toBe(true);
    peers[2]!.disconnect();
    for (const l of [...liars, honest]) await l.listener.close();
  });

  it('with a file store, a restart goes on from the stored filter headers: getcfheaders only for what is new', async () => {
    const { listener, cfheadersFrom } = await server();
    const path = join(tmp, 'regtest-filter-headers.dat');
    const chain = createHeaderChain({ network });
    await chain.add(blocks.slice(1, 106).map((b) => b.header)); // the first run sees the chain to 105
    const run = async (store: FilterHeaderStore, until: number): Promise<number[]> => {
      const peer = createPeer(await connectTcp({ host: '127.0.0.1', port: listener.port, timeout: within }), {
        network,
        sentNonces: new MruSet(50),
      });
      const scanned: number[] = [];
      const sub = watchBip158({
        chain,
        source: peer,
        scripts: [watched],
        from: 100,
        filterHeaders: store,
        onScanned: (h) => scanned.push(h),
      }).subscribe({
        error: () => undefined,
      });
      await eventually(() => scanned.at(-1) === until, within);
      sub.unsubscribe();
      peer.disconnect();
      await store.close();
      return scanned;
    };
    await run(fileFilterHeaderStore(path), 105);
    expect(cfheadersFrom).toEqual([0]);
    await chain.add(blocks.slice(106).map((b) => b.header));
    await run(fileFilterHeaderStore(path), chain.height);
    expect(cfheadersFrom).toEqual([0, 106]); // none below the stored height
    const stored = new FilterHeaderChain(fileFilterHeaderStore(path));
    expect(stored.height).toBe(chain.height);
    expect(hashToHex(stored.blockHashAt(111))).toBe(hashToHex(blockHash(blocks[111]!.header)));
    await listener.close();
  });

  describe('from a checkpoint', () => {
    /** A chain started at block `height` of `blocks` through `peers`, synced to the tip. */
    async function checkpointed(height: number, peers: Peer[]): Promise<HeaderChain> {
      const start = { height, hash: hashToHex(blockHash(blocks[height]!.header)) };
      const chain = await openHeaderChain({ network, start, source: peers });
      for (const p of peers) syncHeaders(p, chain).subscribe({ error: () => undefined });
      await eventually(() => chain.height === blocks.length - 1, within);
      return chain;
    }

    it('filter headers start at the checkpoint: one getcfheaders from it, anchored on the agreed previous header', async () => {
      const a = await server();
      const b = await server();
      const peers = [
        createPeer(await connectTcp({ host: '127.0.0.1', port: a.listener.port }), { network, sentNonces: new MruSet(50) }),
        createPeer(await connectTcp({ host: '127.0.0.1', port: b.listener.port }), { network, sentNonces: new MruSet(50) }),
      ];
      const chain = await checkpointed(105, peers);
      const store = memoryFilterHeaderStore();
      const found = await firstValueFrom(
        watchBip158({ chain, source: peers, scripts: [watched], from: 105, filterHeaders: store }).pipe(timeout(within)),
      );
      expect([found.txid, found.height]).toEqual([paid, 111]);
      // Each peer was asked from the checkpoint (the anchor), then the primary for the rest; nothing from genesis.
      expect(Math.min(...a.cfheadersFrom, ...b.cfheadersFrom)).toBe(105);
      const state = new FilterHeaderChain(store);
      expect([state.rootHeight, hashToHex(state.blockHashAt(104))]).toEqual([104, hashToHex(blockHash(blocks[104]!.header))]);
      // The anchor is the real filter header at 104 (the servers' own index says so).
      expect(hashToHex(state.headerAt(104))).toBe(hashToHex(a.index.record(104)!.header));
      for (const p of peers) p.disconnect();
      await a.listener.close();
      await b.listener.close();
    });

    it('peers disagreeing below the checkpoint: the first differing block is authenticated by its links down from the checkpoint, and the liar found', async () => {
      const liar = await server(111);
      const honest = await server();
      const peers = [
        createPeer(await connectTcp({ host: '127.0.0.1', port: liar.listener.port }), { network, sentNonces: new MruSet(50) }),
        createPeer(await connectTcp({ host: '127.0.0.1', port: honest.listener.port }), { network, sentNonces: new MruSet(50) }),
      ];
      const chain = await checkpointed(113, peers);
      const store = memoryFilterHeaderStore();
      const scanned: number[] = [];
      const events: WalletEvent[] = [];
      watchBip158({
        chain,
        source: peers,
        scripts: [watched],
        from: 113,
        filterHeaders: store,
        onScanned: (h) => scanned.push(h),
      }).subscribe({
        next: (e) => events.push(e),
        error: () => undefined,
      });
      const closed = await peers[0]!.closed;
      expect((closed.error as CompactFilterError).code).toBe('lying-filter');
      await eventually(() => scanned.at(-1) === chain.height, within);
      expect(events).toEqual([]); // the payment at 111 is below the birthday
      expect(hashToHex(new FilterHeaderChain(store).headerAt(112))).toBe(hashToHex(honest.index.record(112)!.header));
      expect(peers[1]!.connected).toBe(true);
      peers[1]!.disconnect();
      await liar.listener.close();
      await honest.listener.close();
    });
  });
});
