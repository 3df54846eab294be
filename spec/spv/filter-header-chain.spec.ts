import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilterHeaderChain, StoreError, fileFilterHeaderStore, memoryFilterHeaderStore, type BlockHashes } from '../../lib/index.js';

/** Synthetic records: block hash `b:h`, filter hash `f:h`, filter header `H:h` (each 32 bytes), for a chain named `branch`. */
const bytes = (tag: string): Uint8Array => Uint8Array.from(Buffer.from(tag.padEnd(32, '.')));
const block = (branch: string, h: number): Uint8Array => bytes(`${branch}b${h}`);
const records = (branch: string, from: number, to: number): [Uint8Array[], Uint8Array[], Uint8Array[]] => {
  const hs = Array.from({ length: to - from + 1 }, (_, i) => from + i);
  return [hs.map((h) => block(branch, h)), hs.map((h) => bytes(`f${h}`)), hs.map((h) => bytes(`H${branch}${h}`))];
};
/** A header chain that is `branch` up to `height`, and `main` below `forkAbove` when given. */
const chainOf = (branch: string, height: number, forkAbove = -1): BlockHashes => ({
  height,
  header: (h) => (h > height ? undefined : { hash: block(h > forkAbove ? branch : 'main', h) }),
});
const text = (b: Uint8Array): string => Buffer.from(b).toString().replace(/\.+$/, '');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rxbtc-cfh-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('FilterHeaderChain and its stores', () => {
  it('memory: heights from genesis, the header before genesis is zeros', async () => {
    const state = new FilterHeaderChain(memoryFilterHeaderStore());
    expect(state.height).toBe(-1);
    expect(state.headerAt(-1)).toEqual(new Uint8Array(32));
    await state.append(...records('main', 0, 9));
    expect([state.height, text(state.hashAt(4)), text(state.headerAt(9)), text(state.blockHashAt(0))]).toEqual([
      9,
      'f4',
      'Hmain9',
      'mainb0',
    ]);
    expect(state.hashesFrom(3, 2).map(text)).toEqual(['f3', 'f4']);
    await state.truncate(5);
    expect(state.height).toBe(5);
    expect(() => state.hashAt(6)).toThrow(RangeError);
  });

  it('file: reopened at the same height, a reorganisation rewrites the tail', async () => {
    const path = join(dir, 'reopen');
    const first = new FilterHeaderChain(fileFilterHeaderStore(path));
    await first.append(...records('main', 0, 99));
    await first.truncate(89);
    await first.append(...records('side', 90, 94));
    const again = new FilterHeaderChain(fileFilterHeaderStore(path));
    expect([again.height, text(again.headerAt(89)), text(again.headerAt(94))]).toEqual([94, 'Hmain89', 'Hside94']);
    expect(readFileSync(path).length).toBe(64 + 95 * 96);
  });

  it('reconcile: records of blocks that left the best chain while the process was down are dropped, and only those', async () => {
    const path = join(dir, 'reconcile');
    const state = new FilterHeaderChain(fileFilterHeaderStore(path));
    await state.append(...records('main', 0, 500));
    expect(await state.reconcile(chainOf('main', 600))).toBe(500); // the chain grew: nothing dropped
    expect(await state.reconcile(chainOf('other', 600, 321))).toBe(321); // a reorg above 321
    expect(state.height).toBe(321);
    expect(await state.reconcile(chainOf('main', 300))).toBe(300); // a chain that is shorter than what is stored
    const again = new FilterHeaderChain(fileFilterHeaderStore(path));
    expect(again.height).toBe(300);
    expect(await again.reconcile(chainOf('x', 50, -1))).toBe(-1); // nothing in common: everything goes
  });

  it('file: a torn or corrupted last record (at every offset) is dropped, everything before it kept', async () => {
    const path = join(dir, 'torn');
    await new FilterHeaderChain(fileFilterHeaderStore(path)).append(...records('main', 0, 19));
    const whole = readFileSync(path);
    for (let cut = 1; cut < 96; cut++) {
      writeFileSync(path, whole);
      truncateSync(path, whole.length - cut);
      expect(new FilterHeaderChain(fileFilterHeaderStore(path)).height).toBe(18);
    }
    for (let at = whole.length - 96; at < whole.length; at++) {
      const bad = Buffer.from(whole);
      bad[at]! ^= 0x01;
      writeFileSync(path, bad);
      expect(new FilterHeaderChain(fileFilterHeaderStore(path)).height).toBe(18);
    }
  });

  it('file: a foreign file or another format is a StoreError naming it', () => {
    const path = join(dir, 'foreign');
    writeFileSync(path, 'this is a shopping list, not filter headers, and it is long enough to have a preamble....');
    expect(() => fileFilterHeaderStore(path)).toThrow(StoreError);
    expect(() => fileFilterHeaderStore(path)).toThrow(`${path} is not an rxbtc filter-header store`);
    const other = Buffer.alloc(64);
    other.write('RXBTCCFH', 0, 'latin1');
    other.writeUInt32LE(9, 8);
    writeFileSync(path, other);
    expect(() => fileFilterHeaderStore(path)).toThrow('of format 9');
  });
});
