import { BanList, banOn } from '../../lib/index.js';

describe('BanList', () => {
  it('keeps host bans and endpoint bans apart, and drops them once expired', () => {
    const list = new BanList();
    list.ban('127.1.0.1', 1_000, 'lied about a filter', 8333);
    list.ban('127.2.0.1', 2_000, 'flood');
    expect(list.get('127.1.0.1', 0)).toBeUndefined();
    expect(list.get('127.1.0.1', 0, 8333)?.reason).toBe('lied about a filter');
    expect(list.get('127.2.0.1', 0)?.reason).toBe('flood');
    expect(list.active(1_500).map((b) => b.host)).toEqual(['127.2.0.1']);
  });

  it('banOn: a host ban keeps every port away but named peers, an endpoint ban only its own', () => {
    const list = new BanList();
    list.ban('127.1.0.1', 1_000, 'lied', 18444);
    list.ban('127.2.0.1', 1_000, 'flood');
    const bans = list.active(0);
    expect(banOn(bans, { host: '127.1.0.1', port: 18444 })?.reason).toBe('lied');
    expect(banOn(bans, { host: '127.1.0.1', port: 18445 })).toBeUndefined();
    expect(banOn(bans, { host: '127.2.0.1', port: 1 })?.reason).toBe('flood');
    expect(banOn(bans, { host: '127.3.0.1', port: 18444 })).toBeUndefined();
    // A pool's named peer is kept away by its endpoint ban alone.
    expect(banOn(bans, { host: '127.2.0.1', port: 1 }, true)).toBeUndefined();
    expect(banOn(bans, { host: '127.1.0.1', port: 18444 }, true)?.reason).toBe('lied');
  });
});
