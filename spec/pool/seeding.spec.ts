import { AddressBook } from '../../lib/pool/address-book.js';
import { SEED_INTERVAL } from '../../lib/pool/pool-options.js';
import type { SeedsQueried } from '../../lib/pool/pool-events.js';
import { Seeding, type SeedingDeps } from '../../lib/pool/seeding.js';

function world(overrides: Partial<SeedingDeps> = {}) {
  const asked: string[] = [];
  const told: SeedsQueried[] = [];
  let time = 1_000_000;
  const book = new AddressBook();
  const seeding = new Seeding({
    use: true,
    seeds: ['seed.a.test', 'seed.b.test'],
    port: 18444,
    resolver: (name) => {
      asked.push(name);
      return name.includes('.b.') ? Promise.reject(new Error('NXDOMAIN')) : Promise.resolve([`127.3.0.${asked.length}`]);
    },
    below: 2,
    book: () => book,
    now: () => time,
    closed: () => false,
    seeded: (e) => told.push(e),
    ...overrides,
  });
  return { seeding, asked, told, book, later: (ms: number) => (time += ms) };
}
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('Seeding', () => {
  it('asks every seed while the book is short, at most once an interval, and puts the answers in the book', async () => {
    const w = world();
    w.seeding.whenShort();
    w.seeding.whenShort(); // one query at a time
    await settle();
    expect(w.asked).toEqual(['seed.a.test', 'seed.b.test']);
    expect(w.told).toEqual([{ type: 'seeded', addresses: 1, failed: ['seed.b.test'] }]);
    expect(w.book.size).toBe(1);
    w.later(SEED_INTERVAL - 1);
    w.seeding.whenShort();
    await settle();
    expect(w.asked).toHaveLength(2);
    w.later(1);
    w.seeding.whenShort();
    await settle();
    expect(w.asked).toHaveLength(4);
    expect(w.book.size).toBe(2);
    w.later(SEED_INTERVAL);
    w.seeding.whenShort(); // the book is no longer short
    await settle();
    expect(w.asked).toHaveLength(4);
  });

  it('asks the x<hex> names for services and credits the addresses with them', async () => {
    const w = world();
    await w.seeding.forServices(0x49n);
    expect(w.asked).toEqual(['x49.seed.a.test', 'x49.seed.b.test']);
    expect(w.told).toEqual([{ type: 'seeded', addresses: 1, failed: ['x49.seed.b.test'], services: 0x49n }]);
    expect(w.book.all()[0]?.services).toBe(0x49n);
  });

  it('asks nothing when seeds are off, and drops answers that come after the pool closed', async () => {
    const off = world({ use: false });
    off.seeding.whenShort();
    await off.seeding.forServices(0x49n);
    expect(off.asked).toEqual([]);
    const closed = world({ closed: () => true });
    closed.seeding.whenShort();
    await settle();
    expect(closed.asked).toHaveLength(2);
    expect(closed.told).toEqual([]);
    expect(closed.book.size).toBe(0);
  });
});
