import { HeightRanges } from '../../lib/notify/height-ranges.js';
import { PassCoverage } from '../../lib/notify/pass-coverage.js';
import type { Watcher } from '../../lib/notify/watcher.js';

const runs = (r: HeightRanges): [number, number][] => r.list.map((x) => [x.from, x.to]);

describe('HeightRanges', () => {
  it('starts as every height from the hint; passes take runs out; a reorganisation puts the heights above the fork back', () => {
    const r = new HeightRanges(100);
    expect(runs(r)).toEqual([[100, Infinity]]);
    r.remove(100, 150);
    expect(r.first).toBe(151);
    expect(r.clearTo(150)).toBe(true);
    expect(r.clearTo(151)).toBe(false);
    r.remove(160, 170);
    expect(runs(r)).toEqual([
      [151, 159],
      [171, Infinity],
    ]);
    r.add(120, 165); // merged with the run it touches; the next one starts after a gap
    expect(runs(r)).toEqual([
      [120, 165],
      [171, Infinity],
    ]);
    r.add(166, 170);
    expect(runs(r)).toEqual([[120, Infinity]]);
    r.remove(0, 1_000_000);
    expect(runs(r)).toEqual([[1_000_001, Infinity]]);
    r.add(5, 4); // empty: nothing
    expect(r.first).toBe(1_000_001);
  });

  it('joins adjacent runs and leaves apart ones apart', () => {
    const r = new HeightRanges(50);
    r.remove(50, Infinity);
    expect(r.first).toBe(Infinity);
    r.add(1, 3);
    r.add(5, 6);
    expect(runs(r)).toEqual([
      [1, 3],
      [5, 6],
    ]);
    r.add(4, 4);
    expect(runs(r)).toEqual([[1, 6]]);
  });
});

describe('PassCoverage', () => {
  const watcher = (from: number): Watcher => ({ needs: new HeightRanges(from) }) as unknown as Watcher;

  it('members are checked over the whole pass; a joiner only above the highest filter matched when it joined', () => {
    const a = watcher(10);
    const b = watcher(10);
    const pass = new PassCoverage(10, 100, [a]);
    pass.matching(12);
    pass.matching(40); // filters arrive in any order: 40 before 13
    pass.join(b);
    pass.matching(13);
    pass.checked(60);
    expect(runs(a.needs)).toEqual([[61, Infinity]]);
    expect(runs(b.needs)).toEqual([
      [10, 40],
      [61, Infinity],
    ]);
    pass.checked(1000); // never past the pass
    expect(a.needs.first).toBe(101);
  });
});
