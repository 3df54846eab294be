import { fromHex, hashFromHex, hashToHex, toHex } from '../../lib/index.js';

describe('hex', () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);

  it('toHex gives lower-case hex of every byte value, and fromHex reads it back', () => {
    expect(toHex(all)).toBe(Buffer.from(all).toString('hex'));
    expect(toHex(new Uint8Array(0))).toBe('');
    expect(fromHex(toHex(all))).toEqual(all);
    expect(fromHex('00FFab')).toEqual(Uint8Array.of(0, 255, 0xab));
    expect(() => fromHex('abc')).toThrow(TypeError);
    expect(() => fromHex('zz')).toThrow(TypeError);
  });

  it('hashToHex is the reversed hex (display order) and leaves its input alone; hashFromHex inverts it', () => {
    const hash = all.subarray(0, 32).slice();
    expect(hashToHex(hash)).toBe(Buffer.from(hash).reverse().toString('hex'));
    expect(hash[0]).toBe(0);
    expect(hashFromHex(hashToHex(hash))).toEqual(hash);
    // The genesis block's hash, as every explorer writes it.
    const genesis = hashFromHex('000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f');
    expect(genesis[31]).toBe(0);
    expect(hashToHex(genesis)).toBe('000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f');
  });
});
