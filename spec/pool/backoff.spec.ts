import { backoffDelay } from '../../lib/index.js';

describe('backoffDelay', () => {
  it('doubles from the base, caps at the max, and jitters within [50 %, 100 %)', () => {
    const opts = { base: 1000, max: 60_000 };
    expect(backoffDelay(1, opts, () => 0.999999)).toBe(1000);
    expect(backoffDelay(1, opts, () => 0)).toBe(500);
    expect(backoffDelay(4, opts, () => 0.999999)).toBe(8000);
    expect(backoffDelay(30, opts, () => 0.999999)).toBe(60_000);
    const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(3, opts)));
    expect(spread.size).toBeGreaterThan(10);
    for (const d of spread) expect(d >= 2000 && d <= 4000).toBe(true);
  });
});
