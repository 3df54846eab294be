import { NEVER, concat, from, lastValueFrom, takeWhile, toArray, type SchedulerLike, type VirtualTimeScheduler } from 'rxjs';
import {
  ChainError,
  MruSet,
  connectPeer,
  createHeaderChain,
  createPeer,
  hashFromHex,
  listenTcp,
  memoryPair,
  networks,
  serveHeaders,
  syncHeaders,
  type BlockHeader,
  type Connection,
  type HeaderChain,
  type Peer,
  type PeerSet,
  type SyncProgress,
} from '../../lib/index.js';
import { eventually } from '../helpers/loopback.js';
import { headerHash, mineChain } from '../helpers/mine.js';
import { createSimNet } from '../helpers/simnet/index.js';
import { advance, virtualClock } from '../helpers/virtual-time.js';

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

/** A link in virtual time: each write is delivered `latencyMs` after its last byte leaves at `bytesPerSecond`, in order. */
function shaped(conn: Connection, clock: SchedulerLike, latencyMs: number, bytesPerSecond: number): Connection {
  let free = 0; // when the link has sent everything written so far, ms
  return {
    bytes$: conn.bytes$,
    remoteAddress: conn.remoteAddress,
    closed: conn.closed,
    close: () => conn.close(),
    write(bytes) {
      free = Math.max(clock.now(), free) + (bytes.length * 1000) / bytesPerSecond;
      const copy = bytes.slice();
      clock.schedule(() => void conn.write(copy).catch(() => undefined), free + latencyMs - clock.now());
      return Promise.resolve();
    },
  };
}

/** A remote node at the far end of a link (one-way `latencyMs`, `down` bytes/s towards us, 1 MB/s up). */
interface Remote {
  /** Our peer. */
  client: Peer;
  /** The far side. */
  server: Peer;
  /** Headers asked of it: one entry per getheaders, the number of headers it answered with. */
  answered: number[];
}

/** A node serving `served` (or `serve`'s answer to each getheaders) behind a shaped link, on the virtual clock. */
function remote(
  clock: VirtualTimeScheduler,
  served: HeaderChain,
  link: { latencyMs: number; down: number },
  serve?: (locator: Uint8Array[]) => BlockHeader[],
): Remote {
  const [a, b] = memoryPair();
  const client = createPeer(shaped(a, clock, link.latencyMs, 1e6), { network, scheduler: clock, sentNonces: new MruSet(50) });
  const server = createPeer(shaped(b, clock, link.latencyMs, link.down), {
    network,
    inbound: true,
    scheduler: clock,
    sentNonces: new MruSet(50),
    newestBlock: () => ({ hash: served.tip.hash, height: served.height }),
  });
  const answered: number[] = [];
  server.on('getheaders').subscribe((m) => {
    const headers = serve ? serve(m.locator) : served.after(m.locator, m.stopHash, 2000).map((e) => e.header);
    answered.push(headers.length);
    server.queue({ command: 'headers', headers });
  });
  return { client, server, answered };
}

/** A set of handshaken peers whose best peer is `best` (as a pool's, by claimed height). */
function peerSet(peers: Peer[], best: Peer): PeerSet {
  return {
    peers$: concat(from(peers.map((peer) => ({ type: 'added' as const, peer }))), NEVER),
    bestPeer: () => (best.connected ? best : peers.find((p) => p.connected)),
    peers: () => peers.filter((p) => p.connected).map((peer) => ({ peer })),
  };
}

/** Sync `chain` from `set` on the virtual clock until it holds `height`; the progress seen and the virtual time it took, ms. */
async function syncInVirtualTime(
  clock: VirtualTimeScheduler,
  set: PeerSet,
  chain: HeaderChain,
  height: number,
): Promise<{ progress: SyncProgress[]; ms: number }> {
  const progress: SyncProgress[] = [];
  const t0 = clock.now();
  let at = Infinity;
  const sub = syncHeaders(set, chain, { scheduler: clock }).subscribe((p) => {
    progress.push(p);
    if (p.height >= height && p.synced) at = Math.min(at, clock.now());
  });
  for (let i = 0; i < 600 && at === Infinity; i++) await advance(clock, 50, 5);
  sub.unsubscribe();
  return { progress, ms: at - t0 };
}

describe('syncHeaders over a set: moving off a slow peer (virtual time; once over real sockets)', () => {
  const HEIGHT = 12_000; // six full batches
  let long: BlockHeader[];
  let served: HeaderChain;
  beforeAll(async () => {
    long = [...list, ...mineChain(headerHash(list[4499]!), HEIGHT - 4500, { time: list[4499]!.timestamp, bits: BITS, spacing: 60 })];
    served = await servingChain(long);
  });
  const SLOW = { latencyMs: 300, down: 250_000 }; // far and thin: a batch takes 0.6 s of round trip + 0.65 s of bytes
  const FAST = { latencyMs: 20, down: 5_000_000 }; // a batch in 0.07 s
  const NEAR = { latencyMs: 40, down: 5_000_000 };
  const handshaken = async (clock: VirtualTimeScheduler, remotes: Remote[]): Promise<void> => {
    await advance(clock, 2000, 10);
    expect(remotes.every((r) => r.client.stats().handshakeComplete)).toBe(true);
  };
  const close = (remotes: Remote[]): void => remotes.forEach((r) => r.client.disconnect('test over'));

  it('races a late batch on the best-pinged other peer and goes on with it: 12,000 headers, one batch fetched twice, the slow peer kept', async () => {
    const clock = virtualClock();
    const alone = remote(clock, served, SLOW);
    await handshaken(clock, [alone]);
    const baseline = await syncInVirtualTime(clock, peerSet([alone.client], alone.client), createHeaderChain({ network }), HEIGHT);
    close([alone]);

    const [slow, fast, near] = [remote(clock, served, SLOW), remote(clock, served, FAST), remote(clock, served, NEAR)];
    await handshaken(clock, [slow, fast, near]);
    const chain = createHeaderChain({ network });
    const set = peerSet([slow.client, near.client, fast.client], slow.client); // the slow one claims the best chain
    const { progress, ms } = await syncInVirtualTime(clock, set, chain, HEIGHT);
    console.log(`12,000 headers from a slow best peer: ${baseline.ms} ms alone, ${ms} ms moving to the fast one (virtual time)`);
    expect(chain.tip.hashHex).toBe(served.tip.hashHex);
    expect(progress[progress.length - 1]!.peer).toBe(fast.client); // the best-pinged other peer
    expect(progress.every((p) => p.peer !== slow.client)).toBe(true); // its first batch lost the race
    expect(slow.answered).toEqual([2000]); // asked once, not raced again, never dropped
    expect(slow.client.connected).toBe(true);
    expect(near.answered).toEqual([]);
    expect(fast.answered).toEqual([2000, 2000, 2000, 2000, 2000, 2000, 0]);
    expect([...slow.answered, ...fast.answered].reduce((a, b) => a + b)).toBe(HEIGHT + 2000); // the chain once, one batch twice
    expect(baseline.ms).toBeGreaterThan(6 * 1200);
    expect(ms).toBeLessThan(1200);
    close([slow, fast, near]);
  });

  it('does not race a batch that is on time: the fast best peer serves every batch, slower ones are never asked', async () => {
    const clock = virtualClock();
    const [fast, slow, near] = [remote(clock, served, FAST), remote(clock, served, SLOW), remote(clock, served, NEAR)];
    await handshaken(clock, [fast, slow, near]);
    const chain = createHeaderChain({ network });
    const { progress } = await syncInVirtualTime(clock, peerSet([fast.client, slow.client, near.client], fast.client), chain, HEIGHT);
    expect(chain.tip.hashHex).toBe(served.tip.hashHex);
    expect(progress.every((p) => p.peer === fast.client)).toBe(true);
    expect([slow.answered, near.answered]).toEqual([[], []]);
    close([fast, slow, near]);
  });

  it('keeps the peer it had when the racer answers later: the racer is not raced again', async () => {
    const clock = virtualClock();
    const middling = remote(clock, served, { latencyMs: 100, down: 400_000 }); // a batch in 0.6 s
    const thin = remote(clock, served, { latencyMs: 10, down: 100_000 }); // pings fast, but a batch takes 1.6 s
    await handshaken(clock, [middling, thin]);
    const chain = createHeaderChain({ network });
    const { progress } = await syncInVirtualTime(clock, peerSet([middling.client, thin.client], middling.client), chain, HEIGHT);
    expect(chain.tip.hashHex).toBe(served.tip.hashHex);
    expect(progress.every((p) => p.peer === middling.client)).toBe(true);
    expect(thin.answered).toEqual([2000]); // raced once (its copy dropped unread), then left alone
    expect(thin.client.connected).toBe(true);
    close([middling, thin]);
  });

  it('verifies a racer’s batch as any: a fast liar wins the race, is disconnected with the ChainError, and the slow honest peer finishes', async () => {
    const clock = virtualClock();
    const slow = remote(clock, served, SLOW);
    const liar = remote(clock, served, FAST, (locator) => {
      const batch = served.after(locator, undefined, 2000).map((e) => e.header);
      return batch.map((h, i) => (i === 100 ? { ...h, bits: 0x1d00ffff } : h)); // proof of work no longer met
    });
    await handshaken(clock, [slow, liar]);
    const chain = createHeaderChain({ network });
    const { progress } = await syncInVirtualTime(clock, peerSet([slow.client, liar.client], slow.client), chain, HEIGHT);
    const closed = await liar.client.closed;
    expect(closed.error).toBeInstanceOf(ChainError);
    expect((closed.error as ChainError).code).toBe('bad-pow');
    expect(chain.tip.hashHex).toBe(served.tip.hashHex);
    expect(progress[progress.length - 1]!.peer).toBe(slow.client);
    close([slow]);
  });

  it('real sockets through the simulated internet: a slow and a fast peer in front of one header server, the sync ends on the fast one', async () => {
    const listener = await listenTcp({ host: '127.0.0.1', port: 0 });
    listener.connections$.subscribe((c) => {
      const p = createPeer(c, {
        network,
        inbound: true,
        sentNonces: new MruSet(50),
        newestBlock: () => ({ hash: served.tip.hash, height: served.height }),
      });
      p.handshake.catch(() => undefined);
      serveHeaders(p, served);
    });
    const net = createSimNet({ firstNetgroup: 150 });
    const upstream = { host: '127.0.0.1', port: listener.port };
    const slowSim = await net.addPeer({ upstream, latencyMs: SLOW.latencyMs, bandwidth: { down: SLOW.down, up: 1e6 } });
    const fastSim = await net.addPeer({ upstream, latencyMs: FAST.latencyMs, bandwidth: { down: FAST.down, up: 1e6 } });
    const dial = (sim: { host: string; port: number }): Promise<Peer> =>
      connectPeer({ host: sim.host, port: sim.port, network, transport: 'v1', sentNonces: new MruSet(50) });
    const [slow, fast] = await Promise.all([dial(slowSim), dial(fastSim)]);
    try {
      const chain = createHeaderChain({ network });
      const progress: SyncProgress[] = [];
      const t0 = performance.now();
      const sub = syncHeaders(peerSet([slow, fast], slow), chain).subscribe((p) => progress.push(p));
      await eventually(() => chain.height === HEIGHT && progress[progress.length - 1]!.synced, 20_000);
      const ms = performance.now() - t0;
      sub.unsubscribe();
      console.log(
        `12,000 headers over real sockets, slow best peer (300 ms, 250 kB/s) and a fast one (20 ms, 5 MB/s): ${ms.toFixed(0)} ms; ` +
          `through the slow one ${slowSim.stats().bytesDown} B, the fast one ${fastSim.stats().bytesDown} B`,
      );
      expect(chain.tip.hashHex).toBe(served.tip.hashHex);
      expect(progress[progress.length - 1]!.peer).toBe(fast);
      expect(slow.connected).toBe(true);
      expect(ms).toBeLessThan(5000); // the slow peer alone needs about 7.5 s
    } finally {
      slow.disconnect('test over');
      fast.disconnect('test over');
      await net.close();
      await listener.close();
    }
  });
});
