import { HeaderRate } from '../../lib/spv/sync-progress.js';

describe('HeaderRate', () => {
  it('is 0 at the first sample, then headers per second since the oldest sample within 5 s, the last two kept at least', () => {
    const rate = new HeaderRate();
    expect(rate.sample(0, 100)).toBe(0);
    expect(rate.sample(1000, 2100)).toBe(2000);
    expect(rate.sample(4000, 8100)).toBe(2000);
    // At 7 s the samples at 0 and 1 s are more than 5 s old: the rate runs from the one at 4 s.
    expect(rate.sample(7000, 11_100)).toBe(1000);
    // Two samples are always kept, however far apart.
    expect(rate.sample(60_000, 16_100)).toBeCloseTo(5000 / 53, 6);
  });
});
