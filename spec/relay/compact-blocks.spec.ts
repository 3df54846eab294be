import {
  BLOCK_REQUEST_TIMEOUT_MS,
  MAX_BLOCKS_IN_FLIGHT_PER_PEER,
  ByteReader,
  InvType,
  MruSet,
  blockHash,
  compactBlocks,
  createPeer,
  encodePayload,
  hashToHex,
  memoryPair,
  mempool,
  networks,
  readBlock,
  shortIdKey,
  shortTxId,
  wtxid,
  type CompactBlockEvent,
  type Message,
  type Peer,
  type Transaction,
  type VersionMessage,
} from '../../lib/index.js';
import { block426884, cmpct426884, isBlock426884 } from '../helpers/block-426884.js';
import { serveRequested } from '../helpers/serve-requested.js';
import { readData } from '../helpers/data.js';
import { scriptedRemote, remoteVersion, type ScriptedRemote } from '../helpers/scripted-remote.js';
import { advance, settle, virtualClock } from '../helpers/virtual-time.js';

const network = networks.regtest;
const block = block426884;
const cmpct = cmpct426884;
const sameBlock = isBlock426884;
const hash = blockHash(block.header);

interface Side {
  peer: Peer;
  remote: ScriptedRemote;
}

async function connected(
  clock: ReturnType<typeof virtualClock>,
  version: Partial<VersionMessage> = {},
  extra: Message[] = [],
): Promise<Side> {
  const [local, far] = memoryPair();
  const peer = createPeer(local, { network, scheduler: clock, sentNonces: new MruSet(50), stallResponseTimeout: 600_000 });
  const remote = scriptedRemote(far, network);
  await remote.next('version');
  await remote.send(remoteVersion(version));
  for (const m of extra) await remote.send(m);
  await remote.send({ command: 'verack' });
  await peer.handshake;
  return { peer, remote };
}

const of = <C extends Message['command']>(r: ScriptedRemote, command: C): Extract<Message, { command: C }>[] =>
  r.received.filter((m): m is Extract<Message, { command: C }> => m.command === command);

/** A compact-block follower over `sides` with a mempool holding the block's transactions but those at `missing`. */
async function follower(
  clock: ReturnType<typeof virtualClock>,
  sides: Side[],
  missing: readonly number[] = [],
  highBandwidth?: number,
): Promise<{ events: CompactBlockEvent[]; stop: () => void }> {
  const view = mempool(
    sides.map((s) => s.peer),
    { scheduler: clock },
  );
  const events: CompactBlockEvent[] = [];
  const sub = compactBlocks(
    sides.map((s) => s.peer),
    view,
    { scheduler: clock, ...(highBandwidth === undefined ? {} : { highBandwidth }) },
  ).subscribe((e) => events.push(e));
  await settle();
  await serveRequested(
    sides[0]!.remote,
    block.transactions.filter((_, i) => i > 0 && !missing.includes(i)),
    { announce: true },
  );
  expect(view.size).toBe(408 - missing.length);
  return {
    events,
    stop: () => {
      sub.unsubscribe();
      for (const s of sides) s.peer.disconnect();
    },
  };
}

describe('compactBlocks(source, mempool): block 426,884 pushed as its real cmpctblock', () => {
  it('negotiates sendcmpct version 2 in high-bandwidth mode and rebuilds the block from the mempool alone', async () => {
    const clock = virtualClock();
    const a = await connected(clock);
    const f = await follower(clock, [a]);
    expect(of(a.remote, 'sendcmpct')).toEqual([{ command: 'sendcmpct', announce: true, version: 2n }]);
    await a.remote.send({ command: 'sendcmpct', announce: false, version: 2n });
    await a.remote.send(cmpct);
    await settle();
    expect(f.events).toHaveLength(1);
    const e = f.events[0]!;
    expect(sameBlock(e.block)).toBe(true);
    expect(e).toMatchObject({ hash: hashToHex(hash), via: 'compact', fromMempool: 408, prefilled: 1, requested: 0, height: 426_884 });
    expect(e.bytes).toBe(24 + readData('cmpctblock-426884.bin').length);
    expect(e).not.toHaveProperty('fallback');
    // Nothing was asked for the block; the same block pushed again is not told twice.
    expect(of(a.remote, 'getblocktxn')).toHaveLength(0);
    expect(
      of(a.remote, 'getdata')
        .flatMap((m) => m.items)
        .filter((i) => i.type !== InvType.WitnessTx),
    ).toHaveLength(0);
    await a.remote.send(cmpct);
    await settle();
    expect(f.events).toHaveLength(1);
    f.stop();
  });

  it.each([
    ['one', [137]],
    ['ten', [1, 2, 3, 100, 101, 200, 300, 350, 407, 408]],
  ])('with %s missing from the mempool: one getblocktxn for exactly those, and the exact block', async (_, missing) => {
    const clock = virtualClock();
    const a = await connected(clock);
    const f = await follower(clock, [a], missing);
    await a.remote.send(cmpct);
    const ask = await a.remote.next('getblocktxn');
    expect(ask.indexes).toEqual(missing);
    expect(hashToHex(ask.blockHash)).toBe(hashToHex(hash));
    const answer: Message = { command: 'blocktxn', blockHash: hash, transactions: missing.map((i) => block.transactions[i]!) };
    await a.remote.send(answer);
    await settle();
    expect(f.events).toHaveLength(1);
    expect(sameBlock(f.events[0]!.block)).toBe(true);
    expect(f.events[0]).toMatchObject({ via: 'compact', fromMempool: 408 - missing.length, requested: missing.length });
    expect(f.events[0]!.bytes).toBe(48 + readData('cmpctblock-426884.bin').length + encodePayload(answer).length);
    f.stop();
  });

  const lies: [string, (missing: Transaction[]) => Transaction[], string][] = [
    ['too few transactions', (t) => t.slice(1), 'blocktxn-count'],
    ['a wrong transaction', (t) => [{ ...t[0]!, lockTime: 7 }, ...t.slice(1)], 'merkle-root'],
  ];
  it.each(lies)('a blocktxn with %s: the full block is fetched instead and checked', async (_, lie, why) => {
    const clock = virtualClock();
    const a = await connected(clock);
    const f = await follower(clock, [a], [5, 6]);
    await a.remote.send(cmpct);
    await a.remote.next('getblocktxn');
    await a.remote.send({ command: 'blocktxn', blockHash: hash, transactions: lie([block.transactions[5]!, block.transactions[6]!]) });
    await settle();
    expect(of(a.remote, 'getdata').at(-1)!.items).toEqual([{ type: InvType.WitnessBlock, hash }]);
    expect(f.events).toHaveLength(0);
    await a.remote.send({ command: 'block', block });
    await settle();
    expect(f.events).toHaveLength(1);
    expect(f.events[0]).toMatchObject({ via: 'full', fallback: why });
    expect(sameBlock(f.events[0]!.block)).toBe(true);
    f.stop();
  });

  it('a short-id collision (the mempool matches a slot with the wrong transaction) ends in the full block', async () => {
    const clock = virtualClock();
    const a = await connected(clock);
    const stranger = { ...block.transactions[1]!, lockTime: 4242 };
    const f = await follower(clock, [a], [9]);
    await serveRequested(a.remote, [stranger], { announce: true });
    const shortIds = [...cmpct.shortIds];
    shortIds[8] = shortTxId(shortIdKey(cmpct.header, cmpct.nonce), wtxid(stranger));
    await a.remote.send({ ...cmpct, shortIds });
    await settle();
    expect(of(a.remote, 'getblocktxn')).toHaveLength(0);
    expect(of(a.remote, 'getdata').at(-1)!.items).toEqual([{ type: InvType.WitnessBlock, hash }]);
    await a.remote.send({ command: 'block', block });
    await settle();
    expect(f.events[0]).toMatchObject({ via: 'full', fallback: 'merkle-root' });
    f.stop();
  });

  it('no blocktxn within 30 s (virtual time): the full block is asked; a block that does not match its header is refused', async () => {
    const clock = virtualClock();
    const a = await connected(clock);
    const f = await follower(clock, [a], [3]);
    await a.remote.send(cmpct);
    await a.remote.next('getblocktxn');
    await advance(clock, BLOCK_REQUEST_TIMEOUT_MS - 1000);
    expect(of(a.remote, 'getdata').at(-1)!.items[0]!.type).toBe(InvType.WitnessTx);
    await advance(clock, 2000);
    expect(of(a.remote, 'getdata').at(-1)!.items).toEqual([{ type: InvType.WitnessBlock, hash }]);
    const txs = block.transactions;
    await a.remote.send({ command: 'block', block: { ...block, transactions: [txs[0]!, txs[2]!, txs[1]!, ...txs.slice(3)] } });
    await settle();
    expect(f.events).toHaveLength(0);
    expect(a.peer.connected).toBe(false);
    f.stop();
  });

  it('high-bandwidth for the first peers, low-bandwidth beyond (getdata for a compact block), full blocks from peers without BIP152', async () => {
    const clock = virtualClock();
    const a = await connected(clock);
    const b = await connected(clock);
    const old = await connected(clock, { version: 70012 });
    const f = await follower(clock, [a, b, old], [], 1);
    expect(of(a.remote, 'sendcmpct')).toEqual([{ command: 'sendcmpct', announce: true, version: 2n }]);
    expect(of(b.remote, 'sendcmpct')).toEqual([{ command: 'sendcmpct', announce: false, version: 2n }]);
    expect(of(old.remote, 'sendcmpct')).toEqual([]);
    await b.remote.send({ command: 'sendcmpct', announce: false, version: 2n });
    await settle();
    // b announces the block first: asked for it as a compact block, and promoted to high-bandwidth in a's place.
    await b.remote.send({ command: 'inv', items: [{ type: InvType.Block, hash }] });
    await settle();
    expect(of(b.remote, 'getdata').at(-1)!.items).toEqual([{ type: InvType.CompactBlock, hash }]);
    expect(of(b.remote, 'sendcmpct').at(-1)).toEqual({ command: 'sendcmpct', announce: true, version: 2n });
    expect(of(a.remote, 'sendcmpct').at(-1)).toEqual({ command: 'sendcmpct', announce: false, version: 2n });
    await b.remote.send(cmpct);
    await settle();
    expect(f.events[0]).toMatchObject({ via: 'compact', peer: b.peer, requested: 0 });
    // The peer without BIP152 announces another block: asked for in full.
    const other = readBlock(new ByteReader(readData('block-0000000000000000821c4e0acc40f88bedbce3b73ba2358b5ade58a9022cc78c.blk')));
    await old.remote.send({
      command: 'inv',
      items: [
        { type: InvType.Block, hash: blockHash(other.header) },
        { type: InvType.Block, hash },
      ],
    });
    await settle();
    expect(of(old.remote, 'getdata').at(-1)!.items).toEqual([{ type: InvType.WitnessBlock, hash: blockHash(other.header) }]);
    await old.remote.send({ command: 'block', block: other });
    await settle();
    expect(f.events[1]).toMatchObject({ via: 'full', peer: old.peer, fromMempool: 0, height: 300_025 });
    f.stop();
  });

  it('hostile peers: an unasked cmpctblock without proof of work disconnects; a flood of block announcements asks for 16 at a time', async () => {
    const clock = virtualClock();
    const a = await connected(clock);
    const b = await connected(clock);
    const f = await follower(clock, [a, b]);
    await a.remote.send({ ...cmpct, header: { ...cmpct.header, nonce: cmpct.header.nonce + 1 } });
    await a.peer.closed;
    expect(f.events).toHaveLength(0);
    const fakes = Array.from({ length: 100 }, (_, i) => Uint8Array.from({ length: 32 }, (_, j) => (i * 7 + j) & 0xff));
    await b.remote.send({ command: 'inv', items: fakes.map((h) => ({ type: InvType.Block, hash: h })) });
    await settle();
    const blockItems = (): number =>
      of(b.remote, 'getdata')
        .flatMap((m) => m.items)
        .filter((i) => i.type !== InvType.WitnessTx).length;
    expect(blockItems()).toBe(MAX_BLOCKS_IN_FLIGHT_PER_PEER);
    // Once those are given up (timeout), the next announcements are asked for again.
    await advance(clock, BLOCK_REQUEST_TIMEOUT_MS + 1000);
    await b.remote.send({ command: 'inv', items: fakes.slice(50).map((h) => ({ type: InvType.Block, hash: h })) });
    await settle();
    expect(blockItems()).toBe(2 * MAX_BLOCKS_IN_FLIGHT_PER_PEER);
    expect(b.peer.connected).toBe(true);
    f.stop();
  });
});
