import { backoffDelay, endpointKey, netgroup, parseEndpoint } from '../../lib/index.js';

describe('netgroup', () => {
  it('groups IPv4 by /16: 127.1.0.1 and 127.2.0.1 differ, 127.1.x.y share one', () => {
    expect(netgroup('127.1.0.1')).toBe(netgroup('127.1.200.7'));
    expect(netgroup('127.1.0.1')).not.toBe(netgroup('127.2.0.1'));
    expect(netgroup('10.0.0.1')).not.toBe(netgroup('11.0.0.1'));
  });

  it('treats IPv4-mapped IPv6 as IPv4 and groups IPv6 by /32', () => {
    expect(netgroup('::ffff:127.1.0.1')).toBe(netgroup('127.1.9.9'));
    expect(netgroup('2001:db8:1::1')).toBe(netgroup('2001:db8:ffff::2'));
    expect(netgroup('2001:db8::1')).not.toBe(netgroup('2001:db9::1'));
  });

  it('gives Tor and I2P names their own groups (network + first 4 bits), never an IP group', () => {
    const onion = 'duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion';
    expect(netgroup(onion)).toMatch(/^onion:/);
    expect(netgroup(onion)).toBe(netgroup('dzzzzzzz.onion')); // 'd' = 3, 'd' = 3: same first 4 bits
    expect(netgroup(onion)).not.toBe(netgroup('zzzz.onion'));
    expect(netgroup('abcd.b32.i2p')).toMatch(/^i2p:/);
    expect(netgroup('Seed.Example')).toBe('name:seed.example');
  });
});

describe('endpoints', () => {
  it('parses HOST, HOST:PORT, [v6]:PORT and bare IPv6, and keys them', () => {
    expect(parseEndpoint('127.1.0.1', 8333)).toEqual({ host: '127.1.0.1', port: 8333 });
    expect(parseEndpoint('127.1.0.1:18444', 8333)).toEqual({ host: '127.1.0.1', port: 18444 });
    expect(parseEndpoint('[::1]:9', 8333)).toEqual({ host: '::1', port: 9 });
    expect(parseEndpoint('2001:db8::1', 8333)).toEqual({ host: '2001:db8::1', port: 8333 });
    expect(endpointKey({ host: '::1', port: 9 })).toBe('[::1]:9');
    expect(() => parseEndpoint('host:0', 1)).toThrow(RangeError);
    expect(() => parseEndpoint(':5', 1)).toThrow(RangeError);
  });
});

describe('backoffDelay', () => {
  it('doubles from the base, caps at the max, and jitters within [50 %, 100 %)', () => {
    const opts = { base: 1000, max: 60_000 };
    expect(backoffDelay(1, opts, () => 0.999999)).toBe(1000);
    expect(backoffDelay(1, opts, () => 0)).toBe(500);
    expect(backoffDelay(4, opts, () => 0.999999)).toBe(8000);
    expect(backoffDelay(30, opts, () => 0.999999)).toBe(60_000);
    const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(3, opts)));
    expect(spread.size).toBeGreaterThan(10);
    for (const d of spread) expect(d >= 2000 && d <= 4000).toBe(true);
  });
});
