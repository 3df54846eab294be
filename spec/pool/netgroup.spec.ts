import { netgroup } from '../../lib/index.js';

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
