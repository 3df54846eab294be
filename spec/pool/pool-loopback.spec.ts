import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { firstValueFrom, filter } from 'rxjs';
import {
  MruSet,
  createHeaderChain,
  createPeer,
  createPool,
  genesisHashBytes,
  listenTcp,
  networks,
  syncHeaders,
  type Listener,
  type Peer,
  type Pool,
  type PoolEvent,
} from '../../lib/index.js';
import { eventually } from '../helpers/loopback.js';
import { useRegtestNode } from '../helpers/regtest.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { bookOf } from './named-world.js';

jest.setTimeout(120_000);
const network = networks.regtest;

/** An rxbtc listener on its own loopback /16; `behave` scripts each accepted peer. */
interface Remote {
  host: string;
  port: number;
  accepted: number;
  peers: Peer[];
  listener: Listener;
  stop(): Promise<void>;
  start(): Promise<void>;
}

async function remote(host: string, behave: (p: Peer) => void = () => undefined, height = 0): Promise<Remote> {
  const r: Remote = {
    host,
    port: 0,
    accepted: 0,
    peers: [],
    listener: undefined as unknown as Listener,
    async stop() {
      for (const p of r.peers) p.disconnect('killed');
      await r.listener.close(); // resolves once the killed connections are gone
    },
    async start() {
      r.listener = await listenTcp({ host, port: r.port });
      r.port = r.listener.port;
      r.listener.connections$.subscribe((c) => {
        r.accepted++;
        const p = createPeer(c, {
          network,
          inbound: true,
          sentNonces: new MruSet(50),
          newestBlock: () => ({ hash: genesisHashBytes(network), height }),
        });
        p.handshake.catch(() => undefined);
        r.peers.push(p);
        behave(p);
      });
    },
  };
  await r.start();
  return r;
}

describe('createPool against rxbtc listeners and real bcoin nodes on loopback', () => {
  const bcoinA = useRegtestNode({ blocks: 12, host: '127.101.0.1' });
  const bcoinB = useRegtestNode({ blocks: 3, host: '127.102.0.1' });
  const remotes: Remote[] = [];
  const pools: Pool[] = [];
  const dir = useTempDir('rxbtc-pool-');

  beforeAll(async () => {
    for (let i = 1; i <= 20; i++) remotes.push(await remote(`127.${i}.0.1`));
  });
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.close()));
  });
  afterAll(async () => {
    await Promise.all(remotes.map((r) => r.stop()));
  });

  const targets = (): string[] => [
    ...remotes.map((r) => `${r.host}:${r.port}`),
    `127.101.0.1:${bcoinA().port}`,
    `127.102.0.1:${bcoinB().port}`,
  ];
  const start = (options: Partial<Parameters<typeof createPool>[0]>): { pool: Pool; events: PoolEvent[] } => {
    const pool = createPool({ network, ...options });
    const events: PoolEvent[] = [];
    pool.events$.subscribe(
      (e) => (
        process.env['DEBUG_POOL']
          ? console.log(e.type, JSON.stringify((e as { address?: unknown }).address ?? e), (e as { error?: Error }).error?.message)
          : undefined,
        events.push(e)
      ),
    );
    pools.push(pool);
    return { pool, events };
  };

  it('keeps 8 outbound peers, one per netgroup, from 20 rxbtc listeners and 2 bcoin nodes, and never stays below 8 longer than its backoff while peers are killed and restarted every second', async () => {
    const { pool } = start({ addressBook: bookOf(targets()), outbound: 8 }); // picked, not named: one per netgroup
    await eventually(() => pool.peers().length === 8, 20_000);
    const groups = pool.peers().map((p) => p.netgroup);
    expect(new Set(groups).size).toBe(8);
    expect(pool.peers().every((p) => p.peer.stats().handshakeComplete)).toBe(true);

    // Flap: every second kill two of the pool's rxbtc peers and stop their listeners, restart them a second later.
    let below = 0;
    let longest = 0;
    let since: number | undefined;
    const sampler = setInterval(() => {
      const n = pool.peers().length;
      if (n < 8) {
        below++;
        since ??= Date.now();
        longest = Math.max(longest, Date.now() - since);
      } else since = undefined;
    }, 5);
    const stopped: Remote[] = [];
    for (let round = 0; round < 6; round++) {
      await Promise.all(stopped.splice(0).map((r) => r.start()));
      const victims = remotes.filter((r) => pool.peers().some((p) => p.address.host === r.host)).slice(0, 2);
      for (const v of victims) {
        stopped.push(v);
        await v.stop();
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    await Promise.all(stopped.splice(0).map((r) => r.start()));
    clearInterval(sampler);
    expect(pool.peers()).toHaveLength(8);
    expect(new Set(pool.peers().map((p) => p.netgroup)).size).toBe(8);
    expect(longest).toBeLessThan(1000); // the default first backoff step
    console.log(`flapping: ${below} samples below target, longest stretch ${longest} ms`);
  });

  it('bans a peer serving invalid headers, syncs the chain to bcoin’s tip from the others, and does not redial the liar', async () => {
    const liar = await remote(
      '127.50.0.1',
      (p) =>
        void p.on('getheaders').subscribe(() => {
          const header = {
            version: 4,
            prevBlock: genesisHashBytes(network),
            merkleRoot: new Uint8Array(32),
            timestamp: 1_296_688_700,
            bits: 0x1d00ffff,
            nonce: 1,
          };
          p.send({ command: 'headers', headers: [header] }).catch(() => undefined);
        }),
      1_000_000, // claims the best chain, so it is picked first
    );
    const { pool, events } = start({ connect: [`${liar.host}:${liar.port}`, `127.101.0.1:${bcoinA().port}`], outbound: 2 });
    await eventually(() => pool.peers().length === 2, 20_000);
    const chain = createHeaderChain({ network });
    const sub = syncHeaders(pool, chain).subscribe();
    await eventually(() => chain.height === bcoinA().height, 20_000);
    sub.unsubscribe();
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'banned', host: '127.50.0.1', reason: expect.stringMatching(/invalid headers/) }),
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(liar.accepted).toBe(1);
    expect(pool.peers().map((p) => p.address.host)).toEqual(['127.101.0.1']);
    await liar.stop();
  });

  it('bans a flooding peer and keeps the honest one', async () => {
    const flooder = await remote(
      '127.60.0.1',
      (p) =>
        void p.handshake
          .then(async () => {
            const hash = (i: number): Uint8Array => Uint8Array.from({ length: 32 }, (_, b) => (i >> (8 * (b & 3))) & 255);
            for (let i = 0; i < 3000 && p.connected; i++) await p.send({ command: 'inv', items: [{ type: 1, hash: hash(i) }] });
          })
          .catch(() => undefined), // cut off midway
    );
    const { pool, events } = start({
      connect: [`${flooder.host}:${flooder.port}`, `127.101.0.1:${bcoinA().port}`],
      outbound: 2,
      flood: { burst: 500, perSecond: 100 },
    });
    const banned = await firstValueFrom(pool.events$.pipe(filter((e) => e.type === 'banned')));
    expect(banned).toMatchObject({ host: '127.60.0.1', reason: 'flood' });
    await eventually(() => pool.peers().length === 1 && pool.peers()[0]!.address.host === '127.101.0.1', 20_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(flooder.accepted).toBe(1);
    expect(events.filter((e) => e.type === 'removed' && e.address.host === '127.60.0.1')).toHaveLength(1);
    await flooder.stop();
  });

  it('keeps its address book across a restart, and starts empty with a warning from a corrupted one', async () => {
    const path = join(dir, 'peers.json');
    const first = start({ connect: targets().slice(0, 5), outbound: 3, addressBook: path });
    await eventually(() => first.pool.peers().length === 5, 20_000); // named: every one, beyond `outbound`
    const connected = first.pool
      .peers()
      .map((p) => p.address.host)
      .sort();
    await first.pool.close();

    const second = start({ outbound: 3, addressBook: path, dnsSeeds: false });
    await second.pool.ready;
    expect(second.pool.addressBook.size).toBe(5);
    expect(second.pool.addressBook.triedCount).toBe(5);
    await eventually(() => second.pool.peers().length === 3, 20_000); // nothing named now: `outbound` picked from the book
    expect(connected.length).toBe(5);
    await second.pool.close();

    writeFileSync(path, '{"format":"rxbtc-address-book","version":1,"network":"regtest","entries":[{"host":');
    const third = start({ outbound: 3, addressBook: path, dnsSeeds: false });
    await third.pool.ready;
    expect(third.pool.addressBook.size).toBe(0);
    expect(third.events).toContainEqual({ type: 'warning', message: expect.stringMatching(/corrupt/) });
  });
});
