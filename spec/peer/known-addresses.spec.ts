import { MAX_KNOWN_ADDRESSES } from '../../lib/peer/constants.js';
import { KnownAddresses } from '../../lib/peer/known-addresses.js';

const ipv4 = (n: number): Uint8Array =>
  Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);

describe('KnownAddresses', () => {
  it('knows an addr entry by IP and port, an addrv2 entry by its bytes and port', () => {
    const known = new KnownAddresses();
    expect(known.has({ ip: ipv4(1), port: 8333 })).toBe(false);
    known.add({ ip: ipv4(1), port: 8333 });
    expect(known.has({ ip: ipv4(1), port: 8333 })).toBe(true);
    expect(known.has({ ip: ipv4(1), port: 8334 })).toBe(false);
    expect(known.has({ ip: ipv4(2), port: 8333 })).toBe(false);
    const onion = new Uint8Array(32).fill(7);
    known.add({ address: onion, port: 9050 });
    expect(known.has({ address: onion.slice(), port: 9050 })).toBe(true);
    expect(known.has({ address: new Uint8Array(32).fill(8), port: 9050 })).toBe(false);
  });

  it(`forgets the oldest past ${MAX_KNOWN_ADDRESSES.toLocaleString('en')} addresses`, () => {
    const known = new KnownAddresses();
    for (let i = 0; i <= MAX_KNOWN_ADDRESSES; i++) known.add({ ip: ipv4(i), port: 8333 });
    expect(known.has({ ip: ipv4(0), port: 8333 })).toBe(false);
    expect(known.has({ ip: ipv4(1), port: 8333 })).toBe(true);
    expect(known.has({ ip: ipv4(MAX_KNOWN_ADDRESSES), port: 8333 })).toBe(true);
  });
});
