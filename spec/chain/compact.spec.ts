import { decodeBits, encodeBits, hashMeetsTarget, workOfTarget } from '../../lib/index.js';

// Vectors of Bitcoin Core's arith_uint256_tests (SetCompact/GetCompact): [bits, target, negative, overflow, re-encoded].
const VECTORS: [number, bigint, boolean, boolean, number][] = [
  [0x00000000, 0n, false, false, 0],
  [0x00123456, 0n, false, false, 0],
  [0x01003456, 0n, false, false, 0],
  [0x02000056, 0n, false, false, 0],
  [0x03000000, 0n, false, false, 0],
  [0x04000000, 0n, false, false, 0],
  [0x00923456, 0n, false, false, 0],
  [0x01803456, 0n, false, false, 0],
  [0x02800056, 0n, false, false, 0],
  [0x03800000, 0n, false, false, 0],
  [0x04800000, 0n, false, false, 0],
  [0x01123456, 0x12n, false, false, 0x01120000],
  [0x01fedcba, 0x7en, true, false, 0x017e0000], // negative: the magnitude re-encodes without the sign bit
  [0x02123456, 0x1234n, false, false, 0x02123400],
  [0x03123456, 0x123456n, false, false, 0x03123456],
  [0x04123456, 0x12345600n, false, false, 0x04123456],
  [0x04923456, 0x12345600n, true, false, 0x04123456],
  [0x05009234, 0x92340000n, false, false, 0x05009234],
  [0x20123456, 0x123456n << 232n, false, false, 0x20123456],
  [0x1d00ffff, 0xffffn << 208n, false, false, 0x1d00ffff], // difficulty 1
];

describe('compact bits (Core arith_uint256 vectors)', () => {
  it.each(VECTORS)('bits %p decodes and re-encodes', (bits, target, negative, overflow, again) => {
    expect(decodeBits(bits)).toEqual({ target, negative, overflow });
    expect(encodeBits(target)).toBe(again);
  });

  it('flags overflow past 256 bits', () => {
    expect(decodeBits(0xff123456).overflow).toBe(true);
    expect(decodeBits(0x22000001).overflow).toBe(false); // 1 · 2^248 fits
    expect(decodeBits(0x22000100).overflow).toBe(true); // 2^256 does not
    expect(decodeBits(0x23000001).overflow).toBe(true);
  });

  it('work of difficulty 1 is 0x100010001 hashes; a hash meets a target byte-order-correctly', () => {
    expect(workOfTarget(0xffffn << 208n)).toBe(0x100010001n);
    const hash = new Uint8Array(32);
    hash[31] = 0x00;
    hash[26] = 0xff; // little-endian: this is 0xff · 2^208
    expect(hashMeetsTarget(hash, 0xffffn << 208n)).toBe(true);
    hash[28] = 1; // now above 2^224
    expect(hashMeetsTarget(hash, 0xffffn << 208n)).toBe(false);
  });
});
