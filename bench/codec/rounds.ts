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

/** Run `fn` once to warm up and check, then `rounds` timed times. */
export function timeRounds(fn: () => number, rounds: number, expect: number): Rounds {
  const got = fn();
  if (got !== expect) throw new Error(`expected ${expect}, got ${got}`);
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
