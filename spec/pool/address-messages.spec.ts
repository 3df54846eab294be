import { AddrV2Network, addrEntries, addrV2Entries, addressesFromAddr, addressesFromAddrV2, ipFromString } from '../../lib/index.js';

// A published Tor v3 service name (DuckDuckGo's); its last characters carry a SHA3 checksum and the version.
const ONION = 'duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion';

describe('address messages', () => {
  it('turns addrv2 Tor v3 keys into checksummed .onion names and back', () => {
    const [entry] = addrV2Entries([{ host: ONION, port: 8333, services: 1n, timestamp: 7 }]);
    expect(entry).toMatchObject({ network: AddrV2Network.TorV3, port: 8333 });
    expect(entry!.address).toHaveLength(32);
    expect(addressesFromAddrV2([entry!])).toEqual([{ host: ONION, port: 8333, services: 1n, timestamp: 7 }]);
    const wrongChecksum = ONION.replace('ad.onion', 'ab.onion');
    expect(addrV2Entries([{ host: wrongChecksum, port: 8333, services: 1n, timestamp: 7 }])).toEqual([]);
  });

  it('converts IPv4, IPv6 and I2P entries; drops Tor v2, unknown networks and port 0', () => {
    const i2p = new Uint8Array(32).fill(9);
    const got = addressesFromAddrV2([
      { network: AddrV2Network.IPv4, address: Uint8Array.of(127, 1, 0, 1), port: 18444, services: 9n, timestamp: 1 },
      { network: AddrV2Network.IPv6, address: ipFromString('2001:db8::1'), port: 8333, services: 1n, timestamp: 1 },
      { network: AddrV2Network.I2P, address: i2p, port: 0, services: 1n, timestamp: 1 },
      { network: AddrV2Network.TorV2, address: new Uint8Array(10), port: 8333, services: 1n, timestamp: 1 },
      { network: 99, address: new Uint8Array(3), port: 8333, services: 1n, timestamp: 1 },
      { network: AddrV2Network.IPv4, address: Uint8Array.of(1, 2, 3, 4), port: 0, services: 1n, timestamp: 1 },
    ]);
    expect(got.map((a) => a.host)).toEqual(['127.1.0.1', '2001:db8:0:0:0:0:0:1', expect.stringMatching(/^[a-z2-7]{52}\.b32\.i2p$/)]);
    expect(addrV2Entries(got).map((e) => e.network)).toEqual([AddrV2Network.IPv4, AddrV2Network.IPv6, AddrV2Network.I2P]);
    expect(addrV2Entries(got)[2]!.address).toEqual(i2p);
  });

  it('reads addr (IPv4-mapped) and writes only IP hosts into addr', () => {
    const learned = addressesFromAddr([{ ip: ipFromString('127.4.0.1'), port: 18444, services: 1n, timestamp: 3 }]);
    expect(learned).toEqual([{ host: '127.4.0.1', port: 18444, services: 1n, timestamp: 3 }]);
    expect(addrEntries([...learned, { host: ONION, port: 1, services: 1n, timestamp: 1 }])).toEqual([
      { ip: ipFromString('127.4.0.1'), port: 18444, services: 1n, timestamp: 3 },
    ]);
  });
});
