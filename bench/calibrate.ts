import { createHash } from 'node:crypto';
import { spread, type Spread } from './codec/rounds.js';

/** The machine's own noise: three loops with no library code in them, min/median/max ms over the rounds. */
export interface Calibration {
  /** An integer loop: CPU speed. */
  integer: Spread;
  /** SHA-256 of 1,261-byte inputs through node:crypto: the checksum floor of an inv(35). */
  hash: Spread;
  /** 700,000 Uint8Array views made and dropped: the allocator and scavenger, which every decoder leans on. */
  views: Spread;
}

function rounds(n: number, fn: () => void): Spread {
  fn();
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    fn();
    ms.push(performance.now() - t);
  }
  // spread() reports rates; report times instead (units = 1 → 1000 / ms), then invert back to ms.
  const s = spread({ ms }, 1);
  return { min: 1000 / s.max, median: 1000 / s.median, max: 1000 / s.min };
}

/**
 * Measure loops that contain no rxbtc code. On this project's machines the
 * view loop alone has been seen to take 12 ms in one process and 30 ms in
 * the next with identical code, so a spread of that size in a decoder is
 * the machine, and the bench prints it beside the results.
 */
export function calibrate(n: number): Calibration {
  const bytes = new Uint8Array(1261).map((_, i) => i * 7);
  let sink = 0;
  const integer = rounds(n, () => {
    let x = 0;
    for (let i = 0; i < 4_000_000; i++) x = (x * 31 + bytes[i % 1261]!) | 0;
    sink ^= x;
  });
  const hash = rounds(n, () => {
    for (let i = 0; i < 20_000; i++) sink ^= createHash('sha256').update(bytes).digest()[0]!;
  });
  const buffer = new ArrayBuffer(4096);
  const views = rounds(n, () => {
    for (let i = 0; i < 700_000; i++) sink ^= new Uint8Array(buffer, i & 1023, 32).length;
  });
  if (sink === 0.5) console.log(sink); // keep the loops from being optimized away
  return { integer, hash, views };
}

/** One line per loop. */
export function formatCalibration(c: Calibration): string {
  const f = (s: Spread): string => `${s.min.toFixed(1)} / ${s.median.toFixed(1)} / ${s.max.toFixed(1)} ms`;
  return `machine noise (no library code; fastest / median / slowest round): integer loop ${f(c.integer)}; 20,000 sha256(1261 B) ${f(c.hash)}; 700,000 views ${f(c.views)}`;
}
