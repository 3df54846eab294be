import { AddressBook, netgroup, type KnownAddress } from '../../lib/index.js';

const at = (host: string, port = 8333, timestamp = Math.floor(Date.now() / 1000)): KnownAddress => ({
  host,
  port,
  services: 1n,
  timestamp,
});
const hosts = (n: number, prefix = 10): KnownAddress[] => Array.from({ length: n }, (_, i) => at(`${prefix + (i >> 8)}.${i & 255}.0.1`)); // each its own /16

describe('AddressBook', () => {
  it('learns into new, moves to tried on success, merges repeats', () => {
    const book = new AddressBook();
    expect(book.add([at('1.2.3.4'), at('5.6.7.8')], '9.9.9.9')).toBe(2);
    expect(book.add([{ ...at('1.2.3.4'), services: 8n, timestamp: 1 }], '9.9.9.9')).toBe(0);
    expect(book.get({ host: '1.2.3.4', port: 8333 })?.services).toBe(9n);
    book.failed({ host: '1.2.3.4', port: 8333 }, 1000, 5000);
    expect(book.get({ host: '1.2.3.4', port: 8333 })).toMatchObject({ attempts: 1, nextAttempt: 6000, tried: false });
    book.good({ host: '1.2.3.4', port: 8333 }, 2000);
    expect(book.get({ host: '1.2.3.4', port: 8333 })).toMatchObject({ attempts: 0, nextAttempt: 0, tried: true, lastSuccess: 2000 });
    expect(book.triedCount).toBe(1);
    expect(book.size).toBe(2);
  });

  it('answers which addresses have given services; a handshake’s services replace the claims, and later gossip cannot restore them', () => {
    const book = new AddressBook();
    book.add(
      [
        { ...at('1.0.0.1'), services: 0x49n },
        { ...at('2.0.0.1'), services: 0x9n },
        { ...at('3.0.0.1'), services: 0x41n },
      ],
      '9.9.9.9',
    );
    expect(book.withServices(0x40n).map((e) => e.host)).toEqual(['1.0.0.1', '3.0.0.1']);
    book.good({ host: '1.0.0.1', port: 8333 }, 0, 0x9n); // at time 0 too (a virtual clock)
    book.add([{ ...at('1.0.0.1'), services: 0x49n }], '8.8.8.8');
    expect(book.get({ host: '1.0.0.1', port: 8333 })?.services).toBe(0x9n);
    expect(book.withServices(0x40n).map((e) => e.host)).toEqual(['3.0.0.1']);
  });

  it('stays within its limits, and one source fills at most an eighth of the new table', () => {
    const book = new AddressBook({ maxNew: 800, maxTried: 10 });
    book.add(hosts(5000, 150), '66.0.0.1'); // one liar
    expect(book.size).toBe(100);
    for (let s = 0; s < 20; s++) book.add(hosts(100, 20 + s), `${100 + s}.0.0.1`);
    expect(book.size).toBe(800);
    for (const e of book.all().slice(0, 30)) book.good(e, 1);
    expect(book.triedCount).toBe(10);
    expect(book.size).toBe(800);
  });

  it('evicts stale and failing addresses before fresh ones, and never a fixed one', () => {
    const book = new AddressBook({ maxNew: 16 }, () => 0.5);
    const old = Math.floor(Date.now() / 1000) - 60 * 86400;
    book.add([at('1.1.1.1', 1, old)], 'self', true);
    book.add(
      Array.from({ length: 15 }, (_, i) => at(`2.${i}.0.1`)),
      'self',
    );
    for (let i = 0; i < 40; i++) book.add([at(`3.${i}.0.1`)], `${i}.7.0.1`);
    expect(book.get({ host: '1.1.1.1', port: 1 })).toBeDefined();
    expect(book.size).toBe(16);
  });

  it('selects only eligible addresses, and still finds the one eligible address among many', () => {
    const book = new AddressBook();
    book.add(hosts(500), 'self');
    const used = new Set(
      book
        .all()
        .slice(0, 499)
        .map((e) => netgroup(e.host)),
    );
    const pick = book.select((e) => !used.has(netgroup(e.host)), 0);
    expect(pick).toBeDefined();
    expect(used.has(netgroup(pick!.host))).toBe(false);
    expect(book.select(() => false, 0)).toBeUndefined();
  });

  it('prefers addresses that have not failed', () => {
    const book = new AddressBook();
    book.add([at('1.0.0.1'), at('2.0.0.1')], 'self');
    for (let i = 0; i < 8; i++) book.failed({ host: '1.0.0.1', port: 8333 }, 0, 0);
    const picks = Array.from({ length: 200 }, () => book.select(() => true, 10_000_000)!.host);
    expect(picks.filter((h) => h === '2.0.0.1').length).toBeGreaterThan(150);
  });

  it('reports the next time a backed-off address becomes eligible', () => {
    const book = new AddressBook();
    book.add([at('1.0.0.1'), at('2.0.0.1')], 'self');
    book.failed({ host: '1.0.0.1', port: 8333 }, 0, 4000);
    book.failed({ host: '2.0.0.1', port: 8333 }, 0, 9000);
    const free = (e: { nextAttempt: number }): boolean => e.nextAttempt <= 1000;
    expect(book.select(free, 1000)).toBeUndefined();
    expect(book.nextRetry(() => true, 1000)).toBe(4000);
  });
});
