import { Subject } from 'rxjs';
import {
  BlockRebuild,
  InvType,
  MruSet,
  ServiceFlag,
  blockHash,
  compactBlocks,
  connectTcp,
  createPeer,
  listenTcp,
  memoryPair,
  mempool,
  networks,
  serveCompactBlocks,
  wtxid,
  type Block,
  type CompactBlockEvent,
  type Peer,
} from '../../lib/index.js';
import { block426884, isBlock426884 } from '../helpers/block-426884.js';
import { eventually } from '../helpers/loopback.js';
import { scriptedRemote, remoteVersion, type ScriptedRemote } from '../helpers/scripted-remote.js';
import { settle } from '../helpers/virtual-time.js';

const network = networks.regtest;
const block = block426884;
const hash = blockHash(block.header);
const sameBlock = isBlock426884;
const lookup = { block: (h: Uint8Array) => (Buffer.from(h).equals(Buffer.from(hash)) ? block : undefined) };

/** A serving rxbtc peer (inbound) and the scripted client that dialled it. */
async function served(tips$: Subject<Block>): Promise<{ server: Peer; remote: ScriptedRemote }> {
  const [near, far] = memoryPair();
  const server = createPeer(near, { network, inbound: true, sentNonces: new MruSet(50) });
  serveCompactBlocks(server, lookup, tips$);
  const remote = scriptedRemote(far, network);
  await remote.send(remoteVersion());
  await remote.next('version');
  await remote.send({ command: 'verack' });
  await server.handshake;
  await settle();
  return { server, remote };
}

describe('serveCompactBlocks(peer, blocks, tips$)', () => {
  it('says it speaks version 2, pushes new blocks to a high-bandwidth peer, answers getdata and getblocktxn', async () => {
    const tips$ = new Subject<Block>();
    const { server, remote } = await served(tips$);
    expect(await remote.next('sendcmpct')).toEqual({ command: 'sendcmpct', announce: false, version: 2n });
    await remote.send({ command: 'sendcmpct', announce: true, version: 2n });
    await settle();
    tips$.next(block);
    tips$.next(block); // the same tip again: pushed once
    const pushed = await remote.next('cmpctblock');
    await settle();
    expect(remote.commands().filter((c) => c === 'cmpctblock')).toHaveLength(1);
    expect(blockHash(pushed.header)).toEqual(hash);
    expect(pushed.prefilled.map((p) => p.index)).toEqual([0]);
    // The receiver's rebuild from the block's transactions gives the block: the short ids are right.
    const rebuild = new BlockRebuild(
      pushed,
      block.transactions.slice(1).map((tx) => ({ tx, wtxid: wtxid(tx) })),
    );
    expect(sameBlock(rebuild.block()!)).toBe(true);
    await remote.send({ command: 'getblocktxn', blockHash: hash, indexes: [1, 200, 408] });
    const txn = await remote.next('blocktxn');
    expect(txn.transactions).toEqual([1, 200, 408].map((i) => block.transactions[i]));
    const unknown = new Uint8Array(32).fill(3);
    await remote.send({
      command: 'getdata',
      items: [
        { type: InvType.CompactBlock, hash },
        { type: InvType.CompactBlock, hash: unknown },
      ],
    });
    await eventually(() => remote.commands().filter((c) => c === 'cmpctblock').length === 2, 5000);
    expect((await remote.next('notfound')).items).toEqual([{ type: InvType.CompactBlock, hash: unknown }]);
    // An index beyond the block: disconnected.
    await remote.send({ command: 'getblocktxn', blockHash: hash, indexes: [409] });
    await server.closed;
    expect(server.connected).toBe(false);
  });

  it('pushes nothing to a low-bandwidth peer (sendcmpct without announce), or to one that never asked', async () => {
    const tips$ = new Subject<Block>();
    const low = await served(tips$);
    const silent = await served(tips$);
    await low.remote.send({ command: 'sendcmpct', announce: false, version: 2n });
    await settle();
    tips$.next(block);
    await settle();
    expect(low.remote.commands()).not.toContain('cmpctblock');
    expect(silent.remote.commands()).not.toContain('cmpctblock');
    low.server.disconnect();
    silent.server.disconnect();
  });
});

describe('rxbtc against itself over TCP: compactBlocks from serveCompactBlocks', () => {
  it('the pushed cmpctblock, the getblocktxn for everything an empty mempool lacks, the exact block', async () => {
    const tips$ = new Subject<Block>();
    const listener = await listenTcp({ host: '127.0.0.1', port: 0 });
    const servers: Peer[] = [];
    listener.connections$.subscribe((c) => {
      const p = createPeer(c, { network, inbound: true, services: ServiceFlag.Network | ServiceFlag.Witness, sentNonces: new MruSet(50) });
      p.handshake.catch(() => undefined);
      serveCompactBlocks(p, lookup, tips$);
      servers.push(p);
    });
    const client = createPeer(await connectTcp({ host: '127.0.0.1', port: listener.port }), { network, sentNonces: new MruSet(50) });
    const events: CompactBlockEvent[] = [];
    const sub = compactBlocks(client, mempool(client)).subscribe((e) => events.push(e));
    await client.handshake;
    await eventually(() => servers.length === 1, 5000);
    await settle();
    tips$.next(block);
    await eventually(() => events.length === 1, 10_000);
    expect(events[0]).toMatchObject({ via: 'compact', fromMempool: 0, prefilled: 1, requested: 408, height: 426_884 });
    expect(sameBlock(events[0]!.block)).toBe(true);
    sub.unsubscribe();
    client.disconnect();
    await listener.close();
  });
});
