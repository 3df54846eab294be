import { endpointKey, parseEndpoint, remoteEndpoint, unmapIpv4 } from '../../lib/index.js';

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

describe('parseEndpoint limits', () => {
  it('takes the default port for a bracketed IPv6 host alone, and refuses an empty host or a port out of range', () => {
    expect(parseEndpoint('[::1]', 8333)).toEqual({ host: '::1', port: 8333 });
    expect(() => parseEndpoint('', 8333)).toThrow(RangeError);
    expect(() => parseEndpoint('127.0.0.1:65536', 8333)).toThrow(RangeError);
    expect(() => parseEndpoint('127.0.0.1:8x', 8333)).toThrow(RangeError);
  });
});

describe('endpointKey', () => {
  it('brackets IPv6 hosts so the key parses back to the same endpoint', () => {
    for (const e of [
      { host: '127.1.0.1', port: 18444 },
      { host: '2001:db8::1', port: 8333 },
    ]) {
      expect(parseEndpoint(endpointKey(e), 1)).toEqual(e);
    }
  });
});

describe('remoteEndpoint', () => {
  it("reads a socket's remote address, unmapping IPv4-mapped hosts", () => {
    expect(remoteEndpoint('127.2.0.1:51000')).toEqual({ host: '127.2.0.1', port: 51000 });
    expect(remoteEndpoint('::ffff:127.2.0.1:51000')).toEqual({ host: '127.2.0.1', port: 51000 });
    expect(remoteEndpoint('[::1]:51000')).toEqual({ host: '::1', port: 51000 });
    expect(remoteEndpoint('::1:51000')).toEqual({ host: '::1', port: 51000 });
  });

  it('gives port 0 when the text has no port', () => {
    expect(remoteEndpoint('peer.example')).toEqual({ host: 'peer.example', port: 0 });
  });
});

describe('unmapIpv4', () => {
  it('unmaps only IPv4-mapped addresses', () => {
    expect(unmapIpv4('::ffff:127.1.0.1')).toBe('127.1.0.1');
    expect(unmapIpv4('::FFFF:127.1.0.1')).toBe('127.1.0.1');
    expect(unmapIpv4('::1')).toBe('::1');
    expect(unmapIpv4('2001:db8::ffff:1.2.3.4')).toBe('2001:db8::ffff:1.2.3.4');
  });
});
