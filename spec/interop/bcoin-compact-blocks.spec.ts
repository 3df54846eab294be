import { randomBytes } from 'node:crypto';
import {
  MruSet,
  compactBlocks,
  connectTcp,
  createPool,
  createPeer,
  encodePayload,
  hashToHex,
  mempool,
  networks,
  type CompactBlockEvent,
  type MempoolEvent,
  type Peer,
} from '../../lib/index.js';
import { eventually } from '../helpers/loopback.js';
import { useRegtestNode } from '../helpers/regtest.js';

const network = networks.regtest;
const within = 20_000;

/**
 * Against the real bcoin node: transactions it relays reach rxbtc's mempool
 * view, and the blocks it mines arrive as `cmpctblock`s (bcoin honours
 * `sendcmpct` mode 1 version 2) that rxbtc rebuilds without the full block.
 */
describe('mempool and compact blocks against bcoin', () => {
  // On 127.104.0.1: a pool refuses 127.0.0.1 (its own address), and 127.0.0.0/8 is all loopback.
  const HOST = '127.104.0.1';
  const node = useRegtestNode({ blocks: 110, host: HOST });
  let peer: Peer;
  const received: string[] = [];
  const added: MempoolEvent[] = [];
  const blocks: CompactBlockEvent[] = [];
  let view: ReturnType<typeof mempool>;
  const subs: { unsubscribe(): void }[] = [];

  beforeAll(async () => {
    peer = createPeer(await connectTcp({ host: HOST, port: node().port, timeout: within }), { network, sentNonces: new MruSet(50) });
    subs.push(peer.messages$.subscribe((m) => received.push(m.command)));
    view = mempool(peer);
    subs.push(view.events$.subscribe((e) => e.type === 'added' && added.push(e)));
    subs.push(compactBlocks(peer, view).subscribe((e) => blocks.push(e)));
    await peer.handshake;
    await node().waitForPeers(1);
  });
  afterAll(() => {
    for (const s of subs) s.unsubscribe();
    peer.disconnect();
  });

  const script = (): Uint8Array => Uint8Array.from([0x00, 0x14, ...randomBytes(20)]);
  const count = (command: string): number => received.filter((c) => c === command).length;

  it('bcoin’s transactions reach the view; its block is rebuilt from a cmpctblock alone, byte for byte', async () => {
    const paid: string[] = [];
    for (let i = 0; i < 3; i++) paid.push(hashToHex(await node().pay([{ script: script(), value: 100_000 + i }])));
    await eventually(() => paid.every((id) => view.has(id)), within);
    expect(added.map((e) => e.type === 'added' && e.txid)).toEqual(expect.arrayContaining(paid));
    const before = { block: count('block'), cmpct: count('cmpctblock'), blocktxn: count('blocktxn') };
    await node().mine(1);
    await eventually(() => blocks.length === 1, within);
    const e = blocks[0]!;
    expect(e).toMatchObject({ via: 'compact', fromMempool: 3, prefilled: 1, requested: 0, height: node().height });
    expect(Buffer.from(encodePayload({ command: 'block', block: e.block })).equals(Buffer.from(await node().rawBlock(node().height)))).toBe(
      true,
    );
    expect(count('cmpctblock') - before.cmpct).toBe(1);
    expect(count('block') - before.block).toBe(0);
    expect(count('blocktxn') - before.blocktxn).toBe(0);
    // The block's transactions left the view.
    expect(paid.some((id) => view.has(id))).toBe(false);
    expect(e.bytes).toBeLessThan(encodePayload({ command: 'block', block: e.block }).length);
  });

  it('a transaction the view dropped on purpose is fetched with one getblocktxn', async () => {
    const kept = hashToHex(await node().pay([{ script: script(), value: 200_000 }]));
    const dropped = hashToHex(await node().pay([{ script: script(), value: 300_000 }]));
    await eventually(() => view.has(kept) && view.has(dropped), within);
    expect(view.remove(dropped)).toBe(true);
    const before = { block: count('block'), blocktxn: count('blocktxn') };
    await node().mine(1);
    await eventually(() => blocks.length === 2, within);
    const e = blocks[1]!;
    expect(e).toMatchObject({ via: 'compact', fromMempool: 1, requested: 1 });
    expect(e.block.transactions).toHaveLength(3);
    expect(count('blocktxn') - before.blocktxn).toBe(1);
    expect(count('block') - before.block).toBe(0);
    expect(Buffer.from(encodePayload({ command: 'block', block: e.block })).equals(Buffer.from(await node().rawBlock(node().height)))).toBe(
      true,
    );
  });

  it('an empty block (coinbase only) is complete from the cmpctblock', async () => {
    await node().mine(1);
    await eventually(() => blocks.length === 3, within);
    expect(blocks[2]).toMatchObject({ via: 'compact', fromMempool: 0, requested: 0, prefilled: 1, height: node().height });
  });

  it('askMempool (BIP35): a view started late holds what bcoin already had', async () => {
    const early = hashToHex(await node().pay([{ script: script(), value: 500_000 }]));
    await eventually(() => view.has(early), within);
    const late = createPeer(await connectTcp({ host: HOST, port: node().port, timeout: within }), { network, sentNonces: new MruSet(50) });
    const lateView = mempool(late, { askMempool: true });
    const sub = lateView.events$.subscribe();
    try {
      await eventually(() => lateView.has(early), within);
      expect(lateView.size).toBe(view.size);
    } finally {
      sub.unsubscribe();
      late.disconnect();
    }
    await node().mine(1);
    await eventually(() => !view.has(early), within);
  });

  it('through a pool: the same view and blocks from the pool’s peers', async () => {
    const pool = createPool({ network, connect: [`${HOST}:${node().port}`], outbound: 1, backoff: { base: 200, max: 400 } });
    const poolView = mempool(pool);
    const poolBlocks: CompactBlockEvent[] = [];
    const sub = compactBlocks(pool, poolView).subscribe((e) => poolBlocks.push(e));
    try {
      await eventually(() => pool.peers().length === 1, within);
      await node().waitForPeers(2);
      const id = hashToHex(await node().pay([{ script: script(), value: 400_000 }]));
      await eventually(() => poolView.has(id), within);
      await node().mine(1);
      await eventually(() => poolBlocks.length === 1, within);
      expect(poolBlocks[0]).toMatchObject({ via: 'compact', fromMempool: 1, requested: 0, peer: pool.peers()[0]!.peer });
      expect(poolView.has(id)).toBe(false);
    } finally {
      sub.unsubscribe();
      await pool.close();
    }
  });
});
