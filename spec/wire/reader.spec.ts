import { ByteReader, ByteWriter, ProtocolError, fromHex } from '../../lib/index.js';

const read = (hex: string): ByteReader => new ByteReader(fromHex(hex), 'test');

describe('ByteReader', () => {
  it.each([
    ['00', 0],
    ['fc', 0xfc],
    ['fdfd00', 0xfd],
    ['fdffff', 0xffff],
    ['fe00000100', 0x10000],
    ['feffffffff', 0xffffffff],
    ['ff0000000001000000', 0x1_0000_0000],
  ])('reads CompactSize %s as %d and writes it back', (hex, value) => {
    expect(read(hex).varint()).toBe(value);
    expect(new ByteWriter().varint(value).finish()).toEqual(fromHex(hex));
  });

  it.each(['fdfc00', 'feffff0000', 'ffffffffff00000000'])('refuses non-canonical CompactSize %s', (hex) => {
    expect(() => read(hex).varint()).toThrow(ProtocolError);
  });

  it('refuses a CompactSize above 2^53 with limit-exceeded', () => {
    expect(() => read('ffffffffffffffffff').varint()).toThrow(expect.objectContaining({ code: 'limit-exceeded', command: 'test' }));
  });

  it('refuses reads past the end with malformed, never a RangeError', () => {
    expect(() => read('0102').u32le()).toThrow(expect.objectContaining({ code: 'malformed' }));
    expect(() => read('05aabb').varBytes(100, 'x')).toThrow(expect.objectContaining({ code: 'malformed' }));
  });

  it('refuses a count larger than the bytes left before allocating', () => {
    // claims 1,000 items of 36 bytes with only 2 bytes following
    expect(() => read('fde8030000').count(50_000, 36, 'item')).toThrow(/exceeds the 2 bytes left/);
    expect(() => read('fd51c3').count(50_000, 36, 'item')).toThrow(expect.objectContaining({ code: 'limit-exceeded' }));
  });

  it('returns views, not copies', () => {
    const bytes = fromHex('0011223344');
    const view = new ByteReader(bytes).bytesView(3);
    bytes[1] = 0xff;
    expect(view[1]).toBe(0xff);
  });

  it('round-trips 48-bit and 64-bit integers', () => {
    const w = new ByteWriter(1).u48le(0xffff_ffff_ffff).u64le(0xffff_ffff_ffff_ffffn).i64le(-5n).varBigInt(0xffff_ffff_ffn);
    const r = new ByteReader(w.finish());
    expect(r.u48le()).toBe(0xffff_ffff_ffff);
    expect(r.u64le()).toBe(0xffff_ffff_ffff_ffffn);
    expect(r.i64le()).toBe(-5n);
    expect(r.varBigInt()).toBe(0xffff_ffff_ffn);
    expect(r.remaining).toBe(0);
  });
});
