/** Timings of one measured operation: milliseconds per round. */
export interface Rounds {
  /** Every round's time, in run order. */
  ms: number[];
}

/** Slowest, median and fastest round, as rates (units per second). */
export interface Spread {
  min: number;
  median: number;
  max: number;
}

/** Untimed warm-up before the timed rounds: at least this many rounds… */
export const WARMUP_ROUNDS = 3;
/** …and at least this long, so every implementation's hot functions reach V8's optimizing tier (steady state). */
export const WARMUP_MS = 500;

/** Warm up (see {@link WARMUP_ROUNDS}, {@link WARMUP_MS}) and check the result, then time `rounds` runs. */
export function timeRounds(fn: () => number, rounds: number, expect: number, warmup = true): Rounds {
  const started = performance.now();
  for (let i = 0; i < (warmup ? WARMUP_ROUNDS : 1) || (warmup && performance.now() - started < WARMUP_MS); i++) {
    const got = fn();
    if (got !== expect) throw new Error(`expected ${expect}, got ${got}`);
  }
  const ms: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    fn();
    ms.push(performance.now() - t);
  }
  return { ms };
}

/** The spread of `units` per second over the rounds (min is the slowest round). */
export function spread(r: Rounds, units: number): Spread {
  const rates = r.ms.map((ms) => units / (ms / 1000)).sort((a, b) => a - b);
  return { min: rates[0]!, median: rates[Math.floor(rates.length / 2)]!, max: rates[rates.length - 1]! };
}
