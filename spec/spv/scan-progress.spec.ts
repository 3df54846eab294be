import { ScanProgress } from '../../lib/spv/scan-progress.js';

describe('ScanProgress', () => {
  it('tells every move up, ignores a height not above the last, and goes down to a fork only when it is below', () => {
    const told: number[] = [];
    const progress = new ScanProgress(9, (h) => told.push(h));
    progress.advance(9); // already checked: the block before the first scanned
    progress.advance(10);
    progress.advance(12);
    progress.advance(11);
    progress.rewind(12);
    progress.rewind(11);
    progress.advance(11);
    progress.advance(13);
    expect(told).toEqual([10, 12, 11, 13]);
  });
});
