import { LocatorRequests } from '../../lib/peer/locator-requests.js';

const hash = (n: number): Uint8Array => new Uint8Array(32).fill(n);

describe('LocatorRequests (btcd: the same getblocks/getheaders twice in a row is not sent)', () => {
  it('refuses a repeat of the last request of the same command only', () => {
    const r = new LocatorRequests();
    expect(r.fresh('getheaders', [hash(1), hash(0)], hash(0))).toBe(true);
    expect(r.fresh('getheaders', [hash(1)], hash(0))).toBe(false); // same first hash and stop: a repeat
    expect(r.fresh('getblocks', [hash(1)], hash(0))).toBe(true); // the other command keeps its own record
    expect(r.fresh('getheaders', [hash(1)], hash(5))).toBe(true); // another stop
    expect(r.fresh('getheaders', [hash(1)], hash(0))).toBe(true); // no longer the last one
    expect(r.fresh('getheaders', [hash(2)], hash(0))).toBe(true);
  });

  it('always sends an empty locator, and forgets the last request with it', () => {
    const r = new LocatorRequests();
    expect(r.fresh('getblocks', [hash(1)], hash(0))).toBe(true);
    expect(r.fresh('getblocks', [], hash(0))).toBe(true);
    expect(r.fresh('getblocks', [], hash(0))).toBe(true);
    expect(r.fresh('getblocks', [hash(1)], hash(0))).toBe(true);
  });
});
