import { ByteReader, coinbaseHeight, readBlock, type Block } from '../../lib/index.js';
import { BLOCK_426884 } from '../helpers/block-426884.js';
import { readData } from '../helpers/data.js';

const withScript = (version: number, script: number[]): Block => {
  const b = readBlock(new ByteReader(readData(BLOCK_426884)));
  const cb = b.transactions[0]!;
  return { header: { ...b.header, version }, transactions: [{ ...cb, inputs: [{ ...cb.inputs[0]!, script: Uint8Array.from(script) }] }] };
};

describe('coinbaseHeight (BIP34)', () => {
  it('reads the height real blocks state, and none from a version-1 block', () => {
    expect(coinbaseHeight(readBlock(new ByteReader(readData(BLOCK_426884))))).toBe(426_884);
    expect(
      coinbaseHeight(readBlock(new ByteReader(readData('block-0000000000000000821c4e0acc40f88bedbce3b73ba2358b5ade58a9022cc78c.blk')))),
    ).toBe(300_025);
    expect(coinbaseHeight(withScript(1, [3, 1, 2, 3]))).toBeUndefined();
  });

  it('small heights as OP_0 … OP_16, pushes of 1 to 5 bytes; no sign bit, no truncated push', () => {
    expect(coinbaseHeight(withScript(4, [0x00]))).toBe(0);
    expect(coinbaseHeight(withScript(4, [0x51, 0xff]))).toBe(1);
    expect(coinbaseHeight(withScript(4, [0x60]))).toBe(16);
    expect(coinbaseHeight(withScript(4, [1, 17]))).toBe(17);
    expect(coinbaseHeight(withScript(4, [2, 0x80, 0x00]))).toBe(128);
    expect(coinbaseHeight(withScript(4, [1, 0x80]))).toBeUndefined();
    expect(coinbaseHeight(withScript(4, [3, 1, 2]))).toBeUndefined();
    expect(coinbaseHeight(withScript(4, []))).toBeUndefined();
    expect(coinbaseHeight(withScript(4, [0x6a]))).toBeUndefined();
  });
});
