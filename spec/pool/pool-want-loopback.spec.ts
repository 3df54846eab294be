import { PoolError, ServiceFlag, createPool, hasService, networks, type Pool, type PoolEvent } from '../../lib/index.js';
import { startInternet, type NodeSpec, type SimulatedInternet } from '../helpers/filter-peer-internet.js';
import { eventually } from '../helpers/loopback.js';

jest.setTimeout(60_000);
const network = networks.regtest;
const PLAIN = ServiceFlag.Network | ServiceFlag.Witness;
const FILTERS = PLAIN | ServiceFlag.CompactFilters;
/** Real sockets decide how fast peers come: a generous bound for a loaded machine (a run takes about a second). */
const BOUND = 30_000;

/**
 * 100 nodes on 25 /16s (`127.150.0.0` … `127.174.0.0`, four hosts each): 10
 * serve compact filters (one per /16), 3 are claimed to in gossip but deny
 * it in their version, the rest are plain.
 */
function layout(): NodeSpec[] {
  const specs: NodeSpec[] = [];
  for (let g = 0; g < 25; g++) {
    for (let k = 0; k < 4; k++) {
      const host = `127.${150 + g}.${k + 1}.1`;
      if (k === 0 && g < 10) specs.push({ host, services: FILTERS });
      else if (k === 0 && g < 13) specs.push({ host, services: PLAIN, claimed: FILTERS });
      else specs.push({ host, services: PLAIN });
    }
  }
  return specs;
}

describe('Pool.want over a simulated internet of 100 rxbtc listeners on loopback', () => {
  let internet: SimulatedInternet;
  const pools: Pool[] = [];

  beforeAll(async () => {
    internet = await startInternet(layout());
  });
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.close()));
  });
  afterAll(async () => {
    await internet.close();
  });

  const start = (from: string[]): { pool: Pool; events: PoolEvent[] } => {
    const connect = from.map((h) => `${h}:${internet.node(h).port}`);
    const pool = createPool({ network, connect, outbound: 8, backoff: { base: 500, max: 5000 } });
    const events: PoolEvent[] = [];
    pool.events$.subscribe((e) => events.push(e));
    pools.push(pool);
    return { pool, events };
  };
  const filterPeers = (pool: Pool): number =>
    pool.peers().filter((p) => hasService(p.peer.stats().services, ServiceFlag.CompactFilters)).length;
  const outbound = (pool: Pool): number => pool.peers().filter((p) => !p.inbound).length;
  const liars = (): string[] => internet.nodes.filter((n) => n.claimed !== n.services).map((n) => n.host);

  it('a want from the start: 8 filter peers connected, found through getaddr gossip from two plain nodes', async () => {
    const t0 = Date.now();
    const { pool } = start(['127.170.2.1', '127.171.2.1']);
    const want = pool.want({ services: ServiceFlag.CompactFilters, count: 8 });
    await eventually(() => want.peers().length >= 8, BOUND);
    console.log(`want from the start: 8 filter peers after ${Date.now() - t0} ms, ${outbound(pool)} outbound`);
    expect(filterPeers(pool)).toBeGreaterThanOrEqual(8);
    expect(outbound(pool)).toBeLessThanOrEqual(10); // 8 wanted + the 2 named (protected) ones
    expect(new Set(pool.peers().map((p) => p.netgroup)).size).toBe(pool.peers().length);
    const dialled = liars().flatMap((host) => pool.addressBook.all().filter((e) => e.host === host && e.tried));
    expect(dialled.every((e) => e.services === PLAIN)).toBe(true); // a liar dialled: its version corrected the claim
    console.log(`${dialled.length} of ${liars().length} lying claims dialled and corrected`);
  });

  it('a want on a full pool: slots of plain peers given up one by one until 8 filter peers are connected', async () => {
    const { pool, events } = start(['127.172.3.1']);
    await eventually(() => outbound(pool) === 8 && pool.addressBook.size >= 99, BOUND);
    const t0 = Date.now();
    const want = pool.want({ services: ServiceFlag.CompactFilters, count: 8 });
    await eventually(() => want.peers().length >= 8, BOUND);
    console.log(`want on a full pool: 8 filter peers after ${Date.now() - t0} ms, ${outbound(pool)} outbound`);
    const evicted = events.flatMap((e) =>
      e.type === 'removed' && e.error instanceof PoolError && e.error.code === 'evicted' ? [e.address.host] : [],
    );
    expect(evicted.length).toBeGreaterThan(0);
    expect(evicted).not.toContain('127.172.3.1'); // named: protected
    expect(evicted.every((h) => internet.node(h).services === PLAIN)).toBe(true);
    expect(outbound(pool)).toBeLessThanOrEqual(9); // 8 wanted + the named one
    want.release();
  });
});
