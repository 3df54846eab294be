import { concatBytes } from '@noble/hashes/utils.js';
import { MessageFramer, encodeMessage, networks, type Message } from '../../lib/index.js';

const net = networks.regtest;
const ping = (n: number): Uint8Array => encodeMessage(net, { command: 'ping', nonce: BigInt(n) });
const lyingInv = encodeMessage(net, { command: 'unknown', rawCommand: 'inv', payload: Uint8Array.of(0xfd, 0x10, 0x27) });

describe('MessageFramer', () => {
  it('decodes frames cut at every boundary, holding only the bytes of the unfinished frame', () => {
    const bytes = concatBytes(ping(1), ping(2), ping(3));
    for (let cut = 0; cut <= bytes.length; cut++) {
      const framer = new MessageFramer(net);
      const got: Message[] = [];
      framer.push(bytes.subarray(0, cut), (m) => got.push(m));
      expect(framer.buffered).toBe(cut % ping(0).length);
      framer.push(bytes.subarray(cut), (m) => got.push(m));
      expect(got.map((m) => (m.command === 'ping' ? m.nonce : -1n))).toEqual([1n, 2n, 3n]);
      expect(framer.buffered).toBe(0);
    }
  });

  it('after a malformed payload, keeps the rest of that chunk and decodes it at the next push', () => {
    const framer = new MessageFramer(net);
    const got: Message[] = [];
    expect(() => framer.push(concatBytes(ping(1), lyingInv, ping(2), ping(3)), (m) => got.push(m))).toThrow(
      expect.objectContaining({ code: 'malformed', command: 'inv' }),
    );
    expect(got).toHaveLength(1);
    expect(framer.buffered).toBe(2 * ping(0).length);
    framer.push(new Uint8Array(0), (m) => got.push(m));
    expect(got.map((m) => m.command === 'ping' && m.nonce)).toEqual([1n, 2n, 3n]);
  });

  it('makes a framing error sticky', () => {
    const framer = new MessageFramer(net);
    const wrong = encodeMessage(networks.mainnet, { command: 'verack' });
    let first: unknown;
    try {
      framer.push(wrong, () => undefined);
    } catch (e) {
      first = e;
    }
    expect(first).toMatchObject({ code: 'bad-magic' });
    expect(() => framer.push(ping(1), () => undefined)).toThrow(first as Error);
  });
});
