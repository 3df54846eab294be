import { filter, firstValueFrom } from 'rxjs';
import {
  ByteReader,
  MruSet,
  ServiceFlag,
  createHeaderChain,
  createPeer,
  memoryPair,
  networks,
  readBlock,
  readBlockFile,
  watchBip37,
  type Block,
  type BlockHeader,
  type Message,
} from '../../lib/index.js';
import { readData } from '../helpers/data.js';
import { eventually } from '../helpers/loopback.js';

const network = networks.mainnet;
const blocks: Block[] = readBlockFile(readData('blocks1-256')).map((r) => readBlock(new ByteReader(r.block)));

describe('watchBip37 rescans from the birthday', () => {
  it('asks only for blocks from `from` on, even when the chain is still below it when the watch starts', async () => {
    // Found by the web dashboard: its wallet peer starts watching while the other peer is still syncing headers.
    const chain = createHeaderChain({ network }); // genesis only
    const [a, b] = memoryPair();
    const client = createPeer(a, { network, sentNonces: new MruSet(50) });
    const server = createPeer(b, { network, inbound: true, services: ServiceFlag.Network | ServiceFlag.Bloom, sentNonces: new MruSet(50) });
    const asked = firstValueFrom(server.on('getdata'));
    const sub = watchBip37({ chain, source: client, scripts: [Uint8Array.of(0x51)], from: 10 }).subscribe();
    await client.handshake;
    await chain.add(blocks.slice(0, 20).map((blk) => blk.header)); // heights 1–20 arrive after the watch started
    const heights = (await asked).items.map((i) => chain.header(i.hash)?.height);
    expect(heights).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    sub.unsubscribe();
    client.disconnect();
  });
});

describe('watchBip37 tells how far it has checked', () => {
  /** The proof for a one-transaction block: its only hash, matched or not. */
  const proof = (header: BlockHeader, matched: boolean): Message => ({
    command: 'merkleblock',
    header,
    totalTransactions: 1,
    hashes: [header.merkleRoot],
    flags: Uint8Array.of(matched ? 1 : 0),
  });

  it('onScanned follows the merkleblocks, and waits for a matched block’s transaction before counting that block', async () => {
    const chain = createHeaderChain({ network });
    await chain.add(blocks.slice(0, 12).map((blk) => blk.header)); // heights 1–12
    const payout = blocks[8]!.transactions[0]!.outputs[0]!.script; // height 9's coinbase
    const [a, b] = memoryPair();
    const client = createPeer(a, { network, sentNonces: new MruSet(50) });
    const server = createPeer(b, { network, inbound: true, services: ServiceFlag.Network | ServiceFlag.Bloom, sentNonces: new MruSet(50) });
    const scanned: number[] = [];
    const confirmed: number[] = [];
    const sub = watchBip37({ chain, source: client, scripts: [payout], from: 3, onScanned: (h) => scanned.push(h) }).subscribe((e) =>
      confirmed.push(e.height!),
    );
    const { items } = await firstValueFrom(server.on('getdata'));
    expect(items.map((i) => chain.header(i.hash)?.height)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const header = (h: number): BlockHeader => blocks[h - 1]!.header;
    for (let h = 3; h <= 9; h++) await server.send(proof(header(h), h === 9));
    // A pong comes back after the client has read everything before the ping.
    const pong = firstValueFrom(server.on('pong').pipe(filter((m) => m.nonce === 9n)));
    await server.send({ command: 'ping', nonce: 9n });
    await pong;
    expect(scanned).toEqual([3, 4, 5, 6, 7, 8]); // 9 matched: not checked until its transaction is in
    await server.send({ command: 'tx', tx: blocks[8]!.transactions[0]! });
    await eventually(() => scanned.at(-1) === 9);
    expect(confirmed).toEqual([9]);
    for (let h = 10; h <= 12; h++) await server.send(proof(header(h), false));
    await eventually(() => scanned.at(-1) === 12);
    expect(scanned).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    sub.unsubscribe();
    client.disconnect();
  });
});
