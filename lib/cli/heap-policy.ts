import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/**
 * The most new space (both semi-spaces) the rxbtc process lets V8 grow to,
 * bytes: 2 MB semi-spaces, against V8's 16 MB. Measured on the recovery and
 * state benches against 4 MB semi-spaces: recovery peak 85.6–88.7 →
 * 79.8–82.4 MiB, reopening 900,000 headers 82.3 → 78.2–78.9 MiB, a
 * 900,000-header sync 96.5 → 94.8 MiB, at the same sync rate and recovery
 * time; decoding 1.2 MB mainnet blocks in a loop 0–8 % slower. At 1 MB
 * (V8's first size) a decoded block, a graph of a few MB, outlives every
 * scavenge: block decoding ran 1.2–5× slower and header sync 25 % slower.
 */
export const YOUNG_GENERATION_CAP = 4 * 1024 * 1024;

/**
 * The V8 heap settings the `rxbtc` process gives itself at run time
 * (`v8.setFlagsFromString`). `--max-semi-space-size` cannot be set this way
 * (the young generation's maximum is fixed when the heap is made), so the
 * young generation is capped by the one knob V8 reads at every collection,
 * `--semi-space-growth-factor`: 2 (V8's) while new space is under
 * {@link YOUNG_GENERATION_CAP}, 1 (no growth) once it reached it, switched
 * after each collection. And `--heap-growing-percent=20`: after a full
 * collection the old generation may grow by 20 % before the next, not by
 * V8's own factor (1.1× to 4×, from its measure of collection speed), in
 * which the objects promoted from a smaller young generation would pile up.
 * Measured on the state and recovery benches: peak RSS of a 900,000-header
 * sync 121 → 101 MB, of a recovery 131 → 94 MB, at the same sync rate and
 * recovery time.
 */
export const CLI_HEAP_FLAGS: readonly string[] = ['--heap-growing-percent=20'];

/**
 * What a one-shot command adds (one that computes for some milliseconds and
 * exits, such as `address`): no optimizing compiler. TurboFan's compile
 * zones cost ~6 MB of peak RSS there and its code would run a few times at
 * most; measured on `address`: 54 → 48 MB, and no slower.
 */
export const CLI_ONE_SHOT_FLAGS: readonly string[] = ['--no-opt'];

/** Flags that say the user sized V8's heap: then rxbtc leaves it as they set it. */
const USER_HEAP_FLAGS =
  /--(max-semi-space-size|min-semi-space-size|semi-space-growth-factor|max-old-space-size|heap-growing-percent|optimize-for-size)\b/;

/** How {@link sizeHeap} decides. */
export interface SizeHeapOptions {
  /** The command is one-shot: {@link CLI_ONE_SHOT_FLAGS} too. @default false */
  oneShot?: boolean;
  /** node's own arguments. @default process.execArgv */
  execArgv?: readonly string[];
  /** The environment. @default process.env */
  env?: NodeJS.ProcessEnv;
}

/** New space's size now, bytes. */
function newSpaceSize(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
}

/**
 * Keep new space at or below `cap`: after each collection (a `gc`
 * performance entry), let the semi-spaces grow (factor 2) while under it,
 * and stop their growth (factor 1) once at it. The entries come after the
 * task that collected: one task that allocates several megabytes at once can
 * grow new space one step past `cap` before it is seen (the rxbtc jobs, whose
 * tasks are socket reads and decoded messages, stay at it). Returns what stops
 * the observer.
 */
export function capYoungGeneration(cap: number = YOUNG_GENERATION_CAP): () => void {
  // Loaded here, not at the top: a one-shot command never needs it.
  const { PerformanceObserver } = process.getBuiltinModule('node:perf_hooks');
  let factor = 2;
  const check = (): void => {
    const want = newSpaceSize() >= cap ? 1 : 2;
    if (want === factor) return;
    setFlagsFromString(`--semi-space-growth-factor=${want}`);
    factor = want;
  };
  const observer = new PerformanceObserver(check);
  observer.observe({ entryTypes: ['gc'] });
  check();
  return () => observer.disconnect();
}

/**
 * Size V8's heap for a small footprint: {@link CLI_HEAP_FLAGS} and the
 * young generation capped ({@link capYoungGeneration}); for a one-shot
 * command {@link CLI_HEAP_FLAGS} and {@link CLI_ONE_SHOT_FLAGS} — unless the user sized the heap
 * themselves (one of those flags on node's command line or in
 * `NODE_OPTIONS`) or asked for V8's defaults (`RXBTC_V8_DEFAULTS=1`). For
 * the rxbtc process only: it changes V8 for everything else in the process.
 * @returns the flags set (none when left alone)
 */
export function sizeHeap(options: SizeHeapOptions = {}): readonly string[] {
  const { execArgv = process.execArgv, env = process.env } = options;
  if (env['RXBTC_V8_DEFAULTS'] === '1') return [];
  if ([...execArgv, env['NODE_OPTIONS'] ?? ''].some((a) => USER_HEAP_FLAGS.test(a))) return [];
  if (options.oneShot === true) {
    // Over in some milliseconds: its young generation never grows far, and the optimizing compiler is what costs.
    setFlagsFromString([...CLI_HEAP_FLAGS, ...CLI_ONE_SHOT_FLAGS].join(' '));
    return [...CLI_HEAP_FLAGS, ...CLI_ONE_SHOT_FLAGS];
  }
  setFlagsFromString(CLI_HEAP_FLAGS.join(' '));
  capYoungGeneration();
  return CLI_HEAP_FLAGS;
}
