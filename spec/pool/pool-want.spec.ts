import {
  PoolError,
  ServiceFlag,
  addrV2Entries,
  networks,
  type KnownAddress,
  type Peer,
  type PoolEvent,
  type PoolOptions,
} from '../../lib/index.js';
import { hosts, poolWorld, type PoolWorld } from '../helpers/pool-world.js';
import { advance } from '../helpers/virtual-time.js';

const PORT = 18444;
const FILTERS = ServiceFlag.Network | ServiceFlag.Witness | ServiceFlag.CompactFilters; // 0x49
const PLAIN = ServiceFlag.Network | ServiceFlag.Witness;

/** Addresses as gossip carries them. */
const claims = (list: readonly string[], services: bigint): KnownAddress[] =>
  list.map((host) => ({ host, port: PORT, services, timestamp: 1_700_000_000 }));

/** A far side that answers each getaddr with `addresses` (as addrv2). */
const answersGetaddr =
  (addresses: () => KnownAddress[]) =>
  (far: Peer): void =>
    void far
      .on('getaddr')
      .subscribe(() => void far.send({ command: 'addrv2', addresses: addrV2Entries(addresses()) }).catch(() => undefined));

/** Send unsolicited gossip from the connected far side at `host`. */
const gossip = async (w: PoolWorld, host: string, addresses: KnownAddress[]): Promise<void> => {
  await w.live(host)[0]!.send({ command: 'addrv2', addresses: addrV2Entries(addresses) });
};

/** Remotes at `list` advertising `services` in their version. */
const serve = (w: PoolWorld, list: readonly string[], services: bigint): void => {
  for (const h of list) w.remotes.set(h, { services });
};

const hostsOf = (pool: { peers(): { address: { host: string } }[] }): string[] => pool.peers().map((p) => p.address.host);
const evictions = (events: PoolEvent[]): string[] =>
  events.flatMap((e) => (e.type === 'removed' && e.error instanceof PoolError && e.error.code === 'evicted' ? [e.address.host] : []));

describe('Pool.want (virtual time, memory pairs)', () => {
  const seedHost = '127.1.0.1';
  const start = (w: PoolWorld, options: Partial<PoolOptions>) => w.pool({ connect: [`${seedHost}:${PORT}`], ...options });

  it('dials addresses that claim the wanted services first, and keeps `count` of them', async () => {
    const w = poolWorld();
    const plain = hosts(16, 10);
    const filters = hosts(4, 40);
    serve(w, plain, PLAIN);
    serve(w, filters, FILTERS);
    w.remotes.set(seedHost, { services: PLAIN, onPeer: answersGetaddr(() => [...claims(plain, PLAIN), ...claims(filters, FILTERS)]) });
    const { pool } = start(w, { outbound: 4 });
    const want = pool.want({ services: ServiceFlag.CompactFilters, count: 3 });
    await advance(w.clock, 2000, 100);
    expect(
      w.dials
        .map((d) => d.host)
        .slice(1, 4)
        .every((h) => filters.includes(h)),
    ).toBe(true);
    expect(want.peers()).toHaveLength(3);
    expect(pool.peers()).toHaveLength(4);
    expect(want).toMatchObject({ services: ServiceFlag.CompactFilters, count: 3, active: true });
    await w.closeAll();
    expect(want.active).toBe(false);
  });

  it('gives the newest unprotected outbound slot without the services to a wanted peer, one at a time, never the named one', async () => {
    const w = poolWorld();
    const [p1, p2] = hosts(2, 10) as [string, string];
    const [f1, f2] = hosts(2, 40) as [string, string];
    serve(w, [p1, p2], PLAIN);
    serve(w, [f1, f2], FILTERS);
    w.remotes.set(seedHost, { services: PLAIN, onPeer: answersGetaddr(() => claims([p1], PLAIN)) });
    const { pool, events } = start(w, { outbound: 3 });
    await advance(w.clock, 1000, 100);
    await gossip(w, seedHost, claims([p2], PLAIN)); // p2 joins a second after p1: the newer
    await advance(w.clock, 1000, 100);
    expect(hostsOf(pool).sort()).toEqual([seedHost, p1, p2].sort());

    const want = pool.want({ services: ServiceFlag.CompactFilters, count: 2 });
    await advance(w.clock, 1000, 100);
    expect(evictions(events)).toEqual([]); // no candidate yet: nobody is let go
    await gossip(w, seedHost, claims([f1, f2], FILTERS));
    await advance(w.clock, 2000, 100);
    expect(evictions(events)).toEqual([p2, p1]);
    expect(hostsOf(pool).sort()).toEqual([seedHost, f1, f2].sort());
    expect(want.peers().map((p) => p.address.host)).toEqual(expect.arrayContaining([f1, f2]));
    await w.closeAll();
  });

  it('lets go of the peer whose netgroup alone keeps a wanted address back, even below the target', async () => {
    const w = poolWorld();
    const [inTheWay, sameGroup] = ['127.40.0.1', '127.40.0.2'];
    serve(w, [inTheWay], PLAIN);
    serve(w, [sameGroup], FILTERS);
    w.remotes.set(seedHost, { services: PLAIN, onPeer: answersGetaddr(() => claims([inTheWay], PLAIN)) });
    const { pool, events } = start(w, { outbound: 3 });
    const want = pool.want({ services: ServiceFlag.CompactFilters, count: 1 });
    await advance(w.clock, 1000, 100);
    expect(hostsOf(pool).sort()).toEqual([seedHost, inTheWay].sort());
    await gossip(w, seedHost, claims([sameGroup], FILTERS));
    await advance(w.clock, 1000, 100);
    expect(evictions(events)).toEqual([inTheWay]);
    expect(want.peers().map((p) => p.address.host)).toEqual([sameGroup]);
    await w.closeAll();
  });

  it('dials beyond `outbound` when no slot can be given up, up to `maxOutbound`', async () => {
    const w = poolWorld();
    const filters = hosts(6, 40);
    serve(w, filters, FILTERS);
    w.remotes.set(seedHost, { services: PLAIN, onPeer: answersGetaddr(() => claims(filters, FILTERS)) });
    const { pool, events } = start(w, { outbound: 2, maxOutbound: 4 });
    const want = pool.want({ services: ServiceFlag.CompactFilters, count: 5 });
    await advance(w.clock, 5000, 100);
    expect(pool.peers()).toHaveLength(4);
    expect(hostsOf(pool)).toContain(seedHost); // named in connect: protected
    expect(want.peers()).toHaveLength(3);
    expect(evictions(events)).toEqual([]);
    expect(w.dials).toHaveLength(4);
    await w.closeAll();
  });

  it('does not count a peer whose version lacks the claimed services, corrects its entry for good, and lets it go for a real one', async () => {
    const w = poolWorld();
    const liar = '127.30.0.1';
    const [f1, f2] = hosts(2, 40) as [string, string];
    serve(w, [liar], PLAIN);
    serve(w, [f1, f2], FILTERS);
    w.remotes.set(seedHost, { services: PLAIN, onPeer: answersGetaddr(() => [...claims([liar], FILTERS), ...claims([f1], FILTERS)]) });
    const { pool, events } = start(w, { outbound: 3 });
    const want = pool.want({ services: ServiceFlag.CompactFilters, count: 2 });
    await advance(w.clock, 1000, 100);
    expect(hostsOf(pool).sort()).toEqual([seedHost, liar, f1].sort());
    expect(want.peers().map((p) => p.address.host)).toEqual([f1]);
    expect(pool.addressBook.get({ host: liar, port: PORT })?.services).toBe(PLAIN);
    await gossip(w, seedHost, claims([liar], FILTERS)); // the claim again: the version stands
    await advance(w.clock, 500, 100);
    expect(pool.addressBook.get({ host: liar, port: PORT })?.services).toBe(PLAIN);
    expect(pool.addressBook.withServices(ServiceFlag.CompactFilters).map((e) => e.host)).toEqual([f1]);
    expect(evictions(events)).toEqual([]);
    await gossip(w, seedHost, claims([f2], FILTERS));
    await advance(w.clock, 1000, 100);
    expect(evictions(events)).toEqual([liar]);
    expect(
      want
        .peers()
        .map((p) => p.address.host)
        .sort(),
    ).toEqual([f1, f2].sort());
    await w.closeAll();
  });

  it('after release, gives up no slot for those services', async () => {
    const w = poolWorld();
    const plain = hosts(2, 10);
    const filters = hosts(2, 40);
    serve(w, plain, PLAIN);
    serve(w, filters, FILTERS);
    w.remotes.set(seedHost, { services: PLAIN, onPeer: answersGetaddr(() => claims(plain, PLAIN)) });
    const { pool, events } = start(w, { outbound: 3 });
    const want = pool.want({ services: ServiceFlag.CompactFilters, count: 2 });
    await advance(w.clock, 1000, 100);
    want.release();
    want.release();
    expect(want.active).toBe(false);
    await gossip(w, seedHost, claims(filters, FILTERS));
    await advance(w.clock, 2000, 100);
    expect(evictions(events)).toEqual([]);
    expect(hostsOf(pool).sort()).toEqual([seedHost, ...plain].sort());
    await w.closeAll();
  });

  it('asks the x49 subdomain of seeds that serve it (and of seeds Core notes nothing about), crediting 0x49 to the answers', async () => {
    const w = poolWorld();
    const filters = hosts(3, 40);
    const plain = hosts(3, 10);
    serve(w, filters, FILTERS);
    serve(w, plain, PLAIN);
    const asked: string[] = [];
    const resolver = (name: string): Promise<string[]> => {
      asked.push(name);
      if (name === 'x49.seed.mainnet.achownodes.xyz') return Promise.resolve(filters.slice(0, 2));
      if (name === 'x49.seed.other.test') return Promise.resolve(filters.slice(2));
      return name.startsWith('x') ? Promise.reject(new Error('NXDOMAIN')) : Promise.resolve(plain);
    };
    const seeds = ['seed.bitcoin.sipa.be', 'seed.mainnet.achownodes.xyz', 'seed.other.test'];
    const network = { ...networks.regtest, dnsSeeds: seeds };
    const { pool, events } = w.pool({ network, dnsSeeds: true, resolver, outbound: 3 });
    const want = pool.want({ services: ServiceFlag.CompactFilters, count: 3 });
    await advance(w.clock, 2000, 100);
    expect(asked.filter((n) => n.startsWith('x')).sort()).toEqual(['x49.seed.mainnet.achownodes.xyz', 'x49.seed.other.test']);
    expect(asked.filter((n) => !n.startsWith('x')).sort()).toEqual([...seeds].sort()); // the plain round, as before
    expect(events).toContainEqual({ type: 'seeded', addresses: 3, failed: [], services: 0x49n });
    expect(
      want
        .peers()
        .map((p) => p.address.host)
        .sort(),
    ).toEqual(filters);
    expect(pool.addressBook.get({ host: filters[0]!, port: PORT })?.source).toBe('dns');
    await advance(w.clock, 60_000, 5000);
    expect(asked.filter((n) => n.startsWith('x'))).toHaveLength(2); // met: not asked again
    await w.closeAll();
  });

  it('checks its options', () => {
    const w = poolWorld();
    const { pool } = w.pool();
    expect(() => pool.want({ services: 0n })).toThrow(RangeError);
    expect(() => pool.want({ services: 64 as unknown as bigint })).toThrow(TypeError);
    expect(() => pool.want({ services: 1n << 64n })).toThrow(RangeError);
    expect(() => pool.want({ services: ServiceFlag.CompactFilters, count: 0 })).toThrow(RangeError);
    expect(() => pool.want({ services: ServiceFlag.CompactFilters, count: 1.5 })).toThrow(RangeError);
    expect(pool.want({ services: ServiceFlag.CompactFilters }).count).toBe(8);
    return w.closeAll();
  });
});
