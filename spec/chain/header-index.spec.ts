import { HeaderIndex } from '../../lib/chain/header-index.js';
import { INDEX_WORDS } from '../../lib/chain/header-store.js';

/** Index words of position p: two hash words (distinct per position, some sharing their first word) and bits. */
const wordsOf = (p: number): Uint32Array => Uint32Array.from([(p * 2654435761) >>> 8, p ^ 0x5a5a5a5a, 0x1d00ffff - (p % 7)]);
const always = (): boolean => true;
const find = (index: HeaderIndex, p: number): number => {
  const w = wordsOf(p);
  return index.find(w[0]!, w[1]!, always);
};

function opened(count: number, cap = count): HeaderIndex {
  const words = new Uint32Array(cap * INDEX_WORDS);
  for (let p = 0; p < count; p++) words.set(wordsOf(p), p * INDEX_WORDS);
  return new HeaderIndex(words, count);
}

describe('HeaderIndex', () => {
  it('finds every position, in the words it was opened with and in the chunks appended past them', () => {
    const index = opened(1000, 1003);
    for (let p = 1000; p < 200_000; p++) index.push(wordsOf(p)); // three chunks of 65,536 past the base
    expect(index.count).toBe(200_000);
    for (const p of [0, 999, 1000, 1002, 1003, 66_538, 66_539, 199_999]) {
      expect(find(index, p)).toBe(p);
      expect(index.bits(p)).toBe(wordsOf(p)[2]);
    }
    expect(find(index, 200_000)).toBe(-1);
    expect(Array.from(index.slice(1001, 3))).toEqual([...wordsOf(1001), ...wordsOf(1002), ...wordsOf(1003)]);
  });

  it('holds its words without copying them as it grows: the base, then whole chunks of 65,536 positions', () => {
    const index = opened(10);
    const before = index.bytes;
    index.push(wordsOf(10));
    expect(index.bytes - before).toBe(65_536 * INDEX_WORDS * 4);
    for (let p = 11; p < 10 + 65_536; p++) index.push(wordsOf(p));
    expect(index.bytes - before).toBe(65_536 * INDEX_WORDS * 4 + (131_072 - 1024) * 4); // one chunk, and the table grown to 131,072 slots
  });

  it('forgets positions from the top, one by one or by rebuilding its table, and appends again after them', () => {
    const index = opened(5, 5);
    for (let p = 5; p < 100_000; p++) index.push(wordsOf(p));
    index.truncate(99_000); // a few: backward-shift deletion
    expect(find(index, 98_999)).toBe(98_999);
    expect(find(index, 99_000)).toBe(-1);
    index.truncate(10); // most: rebuilt, the chunks let go
    expect(index.count).toBe(10);
    expect(find(index, 9)).toBe(9);
    expect(find(index, 50_000)).toBe(-1);
    for (let p = 10; p < 70_000; p++) index.push(wordsOf(p + 1_000_000)); // a new branch
    expect(find(index, 1_000_010)).toBe(10);
    expect(find(index, 69_999 + 1_000_000)).toBe(69_999);
    expect(find(index, 20)).toBe(-1);
  });
});
