import { UsageError, parseCli, parseHostPort } from '../../lib/cli/args.js';
import { networks } from '../../lib/index.js';

describe('parseCli', () => {
  it('parses connect with defaults and with every option', () => {
    expect(parseCli(['connect', 'node.example'])).toEqual({
      kind: 'connect',
      host: 'node.example',
      port: 8333,
      network: networks.mainnet,
      proxy: undefined,
      json: false,
      transport: 'auto',
    });
    expect(
      parseCli(['connect', '127.0.0.1:18444', '--network', 'regtest', '--json', '--proxy', 'socks5://127.0.0.1:9050', '--transport', 'v2']),
    ).toEqual({
      kind: 'connect',
      host: '127.0.0.1',
      port: 18444,
      network: networks.regtest,
      proxy: 'socks5://127.0.0.1:9050',
      json: true,
      transport: 'v2',
    });
    expect(() => parseCli(['connect', 'x', '--transport', 'v3'])).toThrow(UsageError);
    expect(() => parseCli(['listen', '--transport', 'v2'])).toThrow('--transport is for connect, not listen');
  });

  it('parses listen, defaulting to the network port on 127.0.0.1', () => {
    expect(parseCli(['listen', '--network', 'signet'])).toMatchObject({ kind: 'listen', host: '127.0.0.1', port: 38333, json: false });
    expect(parseCli(['listen', '--port', '9000'])).toMatchObject({ port: 9000 });
    expect(parseCli(['listen', '--port', '0'])).toMatchObject({ port: 0 });
  });

  it('handles IPv6 targets', () => {
    expect(parseHostPort('[::1]:8333', 1)).toEqual({ host: '::1', port: 8333 });
    expect(parseHostPort('[::1]', 1)).toEqual({ host: '::1', port: 1 });
    expect(parseHostPort('::1', 1)).toEqual({ host: '::1', port: 1 });
  });

  it('gives help without a command and refuses bad input with a UsageError', () => {
    expect(parseCli([])).toEqual({ kind: 'help' });
    expect(parseCli(['--help'])).toEqual({ kind: 'help' });
    expect(parseCli(['watch', '--bogus', '-h'])).toEqual({ kind: 'help', command: 'watch' });
    expect(parseCli(['-v'])).toEqual({ kind: 'version' });
    expect(() => parseCli(['--network', 'regtest', 'connect', 'h'])).toThrow(UsageError);
    expect(() => parseCli(['connect', 'h', '--bogus'])).toThrow('unknown option --bogus');
    expect(() => parseCli(['connect', 'h', '--datadir', 'x'])).toThrow('--datadir is for headers, watch, address and notify, not connect');
    for (const bad of [
      ['connect'],
      ['connect', 'h:99999'],
      ['connect', 'h', '--network', 'moon'],
      ['frobnicate'],
      ['connect', 'h', '--bogus'],
      ['listen', 'extra'],
      ['connect', 'h', '--port', '1'],
    ]) {
      expect(() => parseCli(bad)).toThrow(UsageError);
    }
  });
});
