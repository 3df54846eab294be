import fc from 'fast-check';
import {
  KNOWN_COMMANDS,
  ProtocolError,
  decodeMessage,
  decodePayload,
  encodeMessage,
  encodePayload,
  fromHex,
  ipToString,
  networks,
  toHex,
} from '../../lib/index.js';
import { anyMessage, messageOf } from '../helpers/arbitraries.js';

describe('every message round-trips', () => {
  it('covers all 35 commands of the issue', () => {
    expect([...KNOWN_COMMANDS].sort()).toEqual(
      [
        'version',
        'verack',
        'ping',
        'pong',
        'getaddr',
        'addr',
        'addrv2',
        'sendaddrv2',
        'inv',
        'getdata',
        'notfound',
        'getblocks',
        'getheaders',
        'headers',
        'block',
        'tx',
        'mempool',
        'reject',
        'sendheaders',
        'feefilter',
        'filterload',
        'filteradd',
        'filterclear',
        'merkleblock',
        'sendcmpct',
        'cmpctblock',
        'getblocktxn',
        'blocktxn',
        'wtxidrelay',
        'getcfilters',
        'cfilter',
        'getcfheaders',
        'cfheaders',
        'getcfcheckpt',
        'cfcheckpt',
      ].sort(),
    );
  });

  it.each(KNOWN_COMMANDS.map((c) => [c]))('%s: decode(encode(m)) equals m and re-encodes identically', (command) => {
    fc.assert(
      fc.property(messageOf(command), (message) => {
        const payload = encodePayload(message);
        const decoded = decodePayload(command, payload);
        expect(decoded).toEqual(message);
        expect(toHex(encodePayload(decoded))).toBe(toHex(payload));
      }),
      { numRuns: 60 },
    );
  });

  /** Every plain record under `value` (not arrays, byte arrays or primitives), with the path to it. */
  function records(value: unknown, path: string, out: [string, object][] = []): [string, object][] {
    if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return out;
    if (Array.isArray(value)) value.forEach((v, i) => records(v, `${path}[${i}]`, out));
    else {
      out.push([path, value]);
      for (const [k, v] of Object.entries(value)) records(v, `${path}.${k}`, out);
    }
    return out;
  }

  it.each(KNOWN_COMMANDS.map((c) => [c]))(
    '%s: decoded by constructors (no object literal, which V8 may pretenure), one set of own keys per record',
    (command) => {
      const shapes = new Map<string, string>();
      fc.assert(
        fc.property(messageOf(command), (message) => {
          for (const [path, record] of records(decodePayload(command, encodePayload(message)), command)) {
            expect([path, Object.getPrototypeOf(record) === Object.prototype]).toEqual([path, false]);
            const where = path.replace(/\[\d+\]/g, '[]');
            const keys = Object.keys(record).join(',');
            expect([where, keys]).toEqual([where, shapes.get(where) ?? keys]);
            shapes.set(where, keys);
          }
        }),
        { numRuns: 40 },
      );
    },
  );

  it('any message survives a full frame on every network', () => {
    const nets = Object.values(networks);
    fc.assert(
      fc.property(anyMessage, fc.constantFrom(...nets), (message, network) => {
        expect(decodeMessage(network, encodeMessage(network, message))).toEqual(message);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps unknown commands as raw payloads, never errors', () => {
    const frame = encodeMessage(networks.mainnet, { command: 'unknown', rawCommand: 'sendtxrcncl', payload: fromHex('0100000000') });
    expect(decodeMessage(networks.mainnet, frame)).toEqual({
      command: 'unknown',
      rawCommand: 'sendtxrcncl',
      payload: fromHex('0100000000'),
    });
    // Object.prototype names are unknown commands, not codecs.
    expect(decodePayload('constructor', new Uint8Array(1))).toEqual({
      command: 'unknown',
      rawCommand: 'constructor',
      payload: new Uint8Array(1),
    });
  });
});

describe('published vectors', () => {
  // The version message from the Bitcoin protocol documentation (Satoshi 0.7.2, protocol 60002, no relay byte).
  const VERSION_FRAME =
    'f9beb4d976657273696f6e0000000000640000003b648d5a' +
    '62ea0000010000000000000011b2d05000000000010000000000000000000000000000000000ffff000000000000' +
    '010000000000000000000000000000000000ffff0000000000003b2eb35d8ce617650f2f5361746f7368693a302e372e322fc03e0300';

  it('decodes the documented version message', () => {
    const m = decodeMessage(networks.mainnet, fromHex(VERSION_FRAME));
    if (m.command !== 'version') throw new Error('expected version');
    expect(m.version).toBe(60002);
    expect(m.services).toBe(1n);
    expect(m.timestamp).toBe(1355854353n);
    expect(m.userAgent).toBe('/Satoshi:0.7.2/');
    expect(m.startHeight).toBe(212672);
    expect(m.nonce).toBe(0x6517e68c5db32e3bn);
    expect(m.relay).toBe(true);
    expect(ipToString(m.receiver.ip)).toBe('0.0.0.0');
    // Re-encoding adds the BIP37 relay byte and nothing else.
    expect(toHex(encodePayload(m))).toBe(VERSION_FRAME.slice(48) + '01');
  });

  it('encodes verack on mainnet as the well-known 24 bytes', () => {
    expect(toHex(encodeMessage(networks.mainnet, { command: 'verack' }))).toBe('f9beb4d976657261636b000000000000000000005df6e0e2');
  });

  it('refuses malformed payloads with typed errors', () => {
    const cases: [string, string, string][] = [
      ['inv', 'fd1027', 'malformed'], // 10,000 items, no bytes
      ['inv', 'fe51c30000', 'non-canonical'], // non-canonical count
      ['inv', 'fd51c3', 'limit-exceeded'], // 50,001 > 50,000
      ['addr', 'fde903', 'limit-exceeded'], // 1,001 addresses
      ['headers', 'fdd107', 'limit-exceeded'], // 2,001 headers
      ['tx', '0100000000020000', 'unknown transaction optional data'],
      ['tx', '01000000' + '0001' + '01' + '00'.repeat(36) + '00' + 'ffffffff' + '00' + '00' + '00000000', 'superfluous'],
      ['addrv2', '01000000000001030102030000', 'must be 4 bytes'],
      ['filterload', '0100330000000000000000', 'limit-exceeded'],
      ['getblocktxn', '00'.repeat(32) + '02fdffff00', 'overflowed 16 bits'],
      ['version', '7111', 'malformed'],
    ];
    for (const [command, hex, why] of cases) {
      let thrown: unknown;
      try {
        decodePayload(command, fromHex(hex));
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(ProtocolError);
      const error = thrown as ProtocolError;
      expect(error.command).toBe(command);
      expect(`${error.code} ${error.message}`).toContain(why);
    }
  });
});
