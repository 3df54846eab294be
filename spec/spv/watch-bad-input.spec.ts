import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import {
  ByteReader,
  CompactFilterError,
  FilterIndex,
  MerkleProofError,
  MruSet,
  ServiceFlag,
  createHeaderChain,
  createPeer,
  decodePayload,
  memoryPair,
  networks,
  readBlock,
  readBlockFile,
  serveCompactFilters,
  watchBip158,
  watchBip37,
  type Block,
  type HeaderChain,
  type MerkleBlockMessage,
  type Peer,
} from '../../lib/index.js';
import { readData } from '../helpers/data.js';
import { eventually } from '../helpers/loopback.js';

/**
 * Hostile data on the wallet paths, from scripted rxbtc servers over memory pairs. The data are real mainnet
 * blocks (genesis and blocks 1–255) served as a little chain; every case must end in a typed error, the peer
 * disconnected, and no event.
 */
const network = networks.mainnet;
const blocks: Block[] = [
  readBlock(new ByteReader(readBlockFile(readData('blk_0_to_4.dat'))[0]!.block)),
  ...readBlockFile(readData('blocks1-256')).map((r) => readBlock(new ByteReader(r.block))),
];
const payout = blocks[9]!.transactions[0]!.outputs[0]!.script; // block 9's coinbase output (P2PK)

async function chainOf(n: number): Promise<HeaderChain> {
  const chain = createHeaderChain({ network });
  await chain.add(blocks.slice(1, n + 1).map((b) => b.header));
  return chain;
}

function pair(): { client: Peer; server: Peer } {
  const [a, b] = memoryPair();
  return {
    client: createPeer(a, { network, sentNonces: new MruSet(50) }),
    server: createPeer(b, {
      network,
      inbound: true,
      services: ServiceFlag.Network | ServiceFlag.Bloom | ServiceFlag.CompactFilters,
      sentNonces: new MruSet(50),
    }),
  };
}

describe('BIP37 watching against a lying peer', () => {
  it('a merkleblock whose proof does not match its header: MerkleProofError, disconnected, no event', async () => {
    const chain = await chainOf(20);
    const { client, server } = pair();
    const real = decodePayload('merkleblock', readData('merkleblock-300025.bin')) as MerkleBlockMessage;
    server.on('getdata').subscribe(() => server.queue({ ...real, header: blocks[10]!.header })); // a real proof, another block's header
    const events = lastValueFrom(watchBip37({ chain, source: client, scripts: [payout], from: 10 }).pipe(toArray())).catch(
      (e: unknown) => e,
    );
    const error = await events;
    expect(error).toBeInstanceOf(MerkleProofError);
    expect((await client.closed).error).toBe(error);
  });

  it('a transaction the merkleblock did not announce is never reported', async () => {
    const chain = await chainOf(20);
    const { client, server } = pair();
    server.on('getdata').subscribe((m) => {
      for (const item of m.items) {
        const b = blocks.find((x) => chain.header(item.hash)?.height === blocks.indexOf(x));
        if (!b) continue;
        // An empty proof for the block (its coinbase hash only, not matched), then block 9's coinbase, unasked for.
        server.queue({
          command: 'merkleblock',
          header: b.header,
          totalTransactions: 1,
          hashes: [b.header.merkleRoot],
          flags: Uint8Array.from([0]),
        });
        server.queue({ command: 'tx', tx: blocks[9]!.transactions[0]! });
      }
    });
    const seen: unknown[] = [];
    const sub = watchBip37({ chain, source: client, scripts: [payout], from: 1 }).subscribe({
      next: (e) => seen.push(e),
      error: (e: unknown) => seen.push(e),
    });
    await eventually(() => client.stats().bytesReceived > 20 * 200);
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual([]);
    sub.unsubscribe();
    client.disconnect();
  });
});

describe('BIP158 watching against a lying peer', () => {
  async function served(n: number, lie: (s: Peer, index: FilterIndex) => void): Promise<{ client: Peer; chain: HeaderChain }> {
    const chain = await chainOf(n);
    const index = new FilterIndex();
    for (const b of blocks.slice(0, n + 1)) index.add(b);
    const { client, server } = pair();
    lie(server, index);
    return { client, chain };
  }

  it('filter headers that do not chain: CompactFilterError bad-cfheaders, disconnected', async () => {
    const { client, chain } = await served(30, (server, index) => {
      // The right filter hashes, chained on a previous header that is not genesis's (all zero).
      server.on('getcfheaders').subscribe((m) =>
        server.queue({
          command: 'cfheaders',
          filterType: 0,
          stopHash: m.stopHash,
          previousFilterHeader: new Uint8Array(32).fill(1),
          filterHashes: Array.from({ length: index.height + 1 - m.startHeight }, (_, i) => index.record(m.startHeight + i)!.filterHash),
        }),
      );
    });
    const error = await firstValueFrom(watchBip158({ chain, source: client, scripts: [payout], from: 0, timeoutMs: 2000 })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CompactFilterError);
    expect(error).toMatchObject({ code: 'bad-cfheaders' });
    expect((await client.closed).error).toBe(error);
  });

  it('a filter that is not the one its header commits to: bad-filter, disconnected, no event', async () => {
    const { client, chain } = await served(30, (server, index) => {
      serveCompactFilters(server, index);
      index.tamper(9, new Uint8Array([0])); // an empty filter in place of block 9's
    });
    const error = await firstValueFrom(watchBip158({ chain, source: client, scripts: [payout], from: 0, timeoutMs: 2000 })).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'bad-filter' });
    expect((await client.closed).error).toBe(error);
  });

  it('a filter that does not decode (its count lies), even one the headers commit to: malformed, no event', async () => {
    const { client, chain } = await served(30, (server, index) => {
      serveCompactFilters(server, index);
      index.tamper(9, Uint8Array.from([0xfd, 0xff, 0xff, 0x01]));
      index.rechain(); // a consistent liar: the headers commit to the broken filter
    });
    const error = await firstValueFrom(watchBip158({ chain, source: client, scripts: [payout], from: 0, timeoutMs: 2000 })).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'malformed' });
    expect((await client.closed).error).toBe(error);
  });
});
