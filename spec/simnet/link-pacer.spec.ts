import { LinkPacer, SLOW_START_FLOOR, seededRandom } from '../helpers/simnet/index.js';

describe('LinkPacer', () => {
  it('times one chunk as serialisation plus latency', () => {
    const pacer = new LinkPacer({ bandwidth: 1000, latencyMs: 40 });
    expect(pacer.schedule(100, 0)).toBe(140); // 100 B at 1,000 B/s leaves in 100 ms, arrives 40 ms later
  });

  it('queues a chunk behind the one still leaving', () => {
    const pacer = new LinkPacer({ bandwidth: 1000, latencyMs: 40 });
    expect([pacer.schedule(100, 0), pacer.schedule(100, 50), pacer.schedule(100, 500)]).toEqual([140, 240, 640]);
  });

  it('lets an idle link start at once', () => {
    const pacer = new LinkPacer({ bandwidth: 2_000_000, latencyMs: 10 });
    pacer.schedule(2000, 0); // gone at 1 ms
    expect(pacer.schedule(2000, 100)).toBe(111);
  });

  it('adds jitter without ever delivering a chunk before the one ahead of it', () => {
    const draws = [0.9, 0, 0.5, 0];
    const pacer = new LinkPacer({ bandwidth: 1_000_000, latencyMs: 20, jitterMs: 50, random: () => draws.shift() ?? 0 });
    // leave at 1, 2, 3, 4 ms; jitter 45, 0, 25, 0
    expect([0, 0, 0, 0].map((now) => pacer.schedule(1000, now))).toEqual([66, 66, 66, 66]);
    const wide = new LinkPacer({ bandwidth: 1_000_000, latencyMs: 20, jitterMs: 50, random: seededRandom(7) });
    const times = Array.from({ length: 1000 }, (_, i) => wide.schedule(100, i / 10));
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
    expect(Math.max(...times.map((t, i) => t - (i + 1) / 10 - 20))).toBeLessThan(50);
  });

  it('ramps up during a slow start', () => {
    const pacer = new LinkPacer({ bandwidth: 1000, latencyMs: 0, slowStartMs: 1000, startedAt: 0 });
    expect(pacer.rateAt(0)).toBe(1000 * SLOW_START_FLOOR);
    expect(pacer.rateAt(20)).toBe(1000 * SLOW_START_FLOOR);
    expect(pacer.rateAt(500)).toBe(500);
    expect(pacer.rateAt(2000)).toBe(1000);
    // from 500 ms the rate climbs by 1 B/s each ms: 10 B take x with x² = 500² + 2 × 10 × 1000 ms², about 19.6 ms
    expect(pacer.schedule(10, 500)).toBeCloseTo(Math.sqrt(500 ** 2 + 20_000), 9);
    expect(pacer.schedule(10, 1500)).toBe(1510);
  });

  it("times a chunk across the slow start's stretches exactly", () => {
    // 1,000 B/s ramping over 1 s: 2.5 B at the floor rate (50 B/s) by 50 ms, 498.75 B more while ramping to 1 s
    const pacer = new LinkPacer({ bandwidth: 1000, latencyMs: 0, slowStartMs: 1000, startedAt: 0 });
    expect(pacer.schedule(2.5, 0)).toBeCloseTo(50, 9);
    expect(pacer.schedule(498.75, 50)).toBeCloseTo(1000, 9);
    const whole = new LinkPacer({ bandwidth: 1000, latencyMs: 0, slowStartMs: 1000, startedAt: 0 });
    expect(whole.schedule(600, 0)).toBeCloseTo(1098.75, 9); // 501.25 B by 1 s, then 98.75 B at full rate
  });

  it('gives the bandwidth-delay product', () => {
    expect(new LinkPacer({ bandwidth: 2_000_000, latencyMs: 40, jitterMs: 10 }).bandwidthDelay).toBe(100_000);
  });

  it('rejects bad numbers when built', () => {
    expect(() => new LinkPacer({ bandwidth: 0, latencyMs: 1 })).toThrow(RangeError);
    expect(() => new LinkPacer({ bandwidth: Infinity, latencyMs: 1 })).toThrow(RangeError);
    expect(() => new LinkPacer({ bandwidth: 1, latencyMs: -1 })).toThrow(RangeError);
    expect(() => new LinkPacer({ bandwidth: 1, latencyMs: 1, jitterMs: NaN })).toThrow(RangeError);
  });
});
