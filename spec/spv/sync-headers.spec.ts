import { lastValueFrom, takeWhile, toArray } from 'rxjs';
import {
  ChainError,
  MruSet,
  createHeaderChain,
  createPeer,
  hashFromHex,
  memoryPair,
  networks,
  serveHeaders,
  syncHeaders,
  type BlockHeader,
  type HeaderChain,
  type Peer,
} from '../../lib/index.js';
import { eventually } from '../helpers/loopback.js';
import { headerHash, mineChain } from '../helpers/mine.js';

const network = networks.regtest;
const GENESIS = hashFromHex(network.genesisHash);
const T0 = 1_296_688_602;
const BITS = 0x207fffff;
const list = mineChain(GENESIS, 4500, { time: T0, bits: BITS, spacing: 60 });

/** A client peer and a serving peer over a memory pair, each with its own nonce set. */
function pair(): { client: Peer; server: Peer } {
  const [a, b] = memoryPair();
  return {
    client: createPeer(a, { network, sentNonces: new MruSet(50) }),
    server: createPeer(b, { network, inbound: true, sentNonces: new MruSet(50) }),
  };
}

async function servingChain(headers: BlockHeader[]): Promise<HeaderChain> {
  const chain = createHeaderChain({ network });
  for (let i = 0; i < headers.length; i += 2000) await chain.add(headers.slice(i, i + 2000));
  return chain;
}

describe('syncHeaders, rxbtc against rxbtc', () => {
  it('downloads in batches of 2,000, catches up, sends sendheaders and follows new tips', async () => {
    const served = await servingChain(list);
    const { client, server } = pair();
    serveHeaders(server, served);
    const chain = createHeaderChain({ network });
    const progress: { height: number; synced: boolean; best: number }[] = [];
    const done = lastValueFrom(
      syncHeaders(client, chain).pipe(
        takeWhile((p) => p.height < 4503, true),
        toArray(),
      ),
    ).then((all) => all.forEach((p) => progress.push({ height: p.height, synced: p.synced, best: p.bestKnownHeight })));
    await eventually(() => chain.height === 4500);
    await eventually(() => server.stats().wantsHeaders);
    await served.add(mineChain(headerHash(list[4499]!), 3, { time: list[4499]!.timestamp, bits: BITS }));
    await done;
    expect(progress[progress.length - 1]!.height).toBe(4503);
    expect(progress.slice(0, 3).map((p) => [p.height, p.synced])).toEqual([
      [2000, false],
      [4000, false],
      [4500, true],
    ]);
    expect(chain.tip.hashHex).toBe(served.tip.hashHex);
    client.disconnect();
  });

  it('a peer serving an invalid header is disconnected with the ChainError, and the chain keeps what was valid', async () => {
    const bad = list.slice(0, 2500);
    bad[2100] = { ...bad[2100]!, bits: 0x1d00ffff }; // proof of work no longer met
    const lying = createHeaderChain({ network });
    await lying.add(list.slice(0, 2000));
    const { client, server } = pair();
    // Serve the first 2,000 honestly, then the broken batch by hand.
    server.on('getheaders').subscribe((m) => {
      const known = lying.after(m.locator, m.stopHash, 2000).map((e) => e.header);
      server.queue({ command: 'headers', headers: known.length ? known : bad.slice(2000) });
    });
    const chain = createHeaderChain({ network });
    const error = await lastValueFrom(syncHeaders(client, chain)).catch((e: unknown) => e);
    const closed = await client.closed;
    expect(error).toBeInstanceOf(ChainError);
    expect([(error as ChainError).code, (error as ChainError).height]).toEqual(['bad-pow', 2101]);
    expect(closed.error).toBe(error);
    expect(chain.height).toBe(2100);
  });

  it('an announcement that does not connect after catching up makes it ask again instead of dropping the peer', async () => {
    const served = await servingChain(list.slice(0, 100));
    const { client, server } = pair();
    serveHeaders(server, served);
    const chain = createHeaderChain({ network });
    const sub = syncHeaders(client, chain).subscribe();
    await eventually(() => chain.height === 100);
    const next = mineChain(headerHash(list[99]!), 2, { time: list[99]!.timestamp, bits: BITS });
    await served.add(next);
    // The first of the two is withheld: the announced second does not connect.
    server.queue({ command: 'headers', headers: [next[1]!] });
    await eventually(() => chain.height === 102);
    expect(client.connected).toBe(true);
    sub.unsubscribe();
    client.disconnect();
  });

  it('errors when the peer leaves before the headers are synced', async () => {
    const { client, server } = pair();
    server.on('getheaders').subscribe(() => server.disconnect('gone'));
    const chain = createHeaderChain({ network });
    await expect(lastValueFrom(syncHeaders(client, chain))).rejects.toThrow();
  });

  it('does not ask a peer that claims no more blocks than the chain has: it is followed (sendheaders) and its new tip arrives', async () => {
    const served = await servingChain(list.slice(0, 100));
    const [a, b] = memoryPair();
    const client = createPeer(a, { network, sentNonces: new MruSet(50) });
    const server = createPeer(b, {
      network,
      inbound: true,
      sentNonces: new MruSet(50),
      newestBlock: () => ({ hash: served.tip.hash, height: served.height }),
    });
    const asked: number[] = [];
    server.on('getheaders').subscribe(() => asked.push(served.height)); // nobody answers: as bcoin when it has nothing newer
    const chain = await servingChain(list.slice(0, 100));
    const seen: boolean[] = [];
    syncHeaders(client, chain).subscribe((p) => seen.push(p.synced));
    await eventually(() => server.stats().wantsHeaders);
    expect(asked).toEqual([]);
    expect(seen).toEqual([true]);
    await served.add(list.slice(100, 101));
    await server.send({ command: 'headers', headers: list.slice(100, 101) }); // the announcement a sendheaders peer makes
    await eventually(() => chain.height === 101);
    client.disconnect();
  });
});
