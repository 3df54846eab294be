import { setFlagsFromString } from 'node:v8';

/**
 * The V8 heap settings the `rxbtc` process gives itself, as V8 flags set at
 * run time (`v8.setFlagsFromString`). Only flags V8 reads afresh at every
 * collection work this way (`--max-semi-space-size` does not: the young
 * generation's maximum is fixed when the heap is made), measured on the
 * recovery and state benches:
 * - `--semi-space-growth-factor=1`: the young generation keeps its first
 *   1 MB semi-spaces instead of doubling them up to 16 MB (32 MB of new
 *   space, most of the peak RSS a sync added);
 * - `--heap-growing-percent=20`: after a full collection the old
 *   generation may grow by 20 % before the next, not by V8's own factor
 *   (1.1× to 4×, from its measure of collection speed), in which the
 *   objects promoted from a small young generation would pile up.
 * Header sync rate and recovery time stayed within the runs' noise.
 */
export const CLI_HEAP_FLAGS: readonly string[] = ['--semi-space-growth-factor=1', '--heap-growing-percent=20'];

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

/**
 * Set {@link CLI_HEAP_FLAGS} (and {@link CLI_ONE_SHOT_FLAGS} for a one-shot
 * command) unless the user sized the heap themselves (one of those flags
 * on node's command line or in `NODE_OPTIONS`) or asked for V8's defaults
 * (`RXBTC_V8_DEFAULTS=1`). For the rxbtc process only: it changes V8 for
 * everything else running in the process.
 * @returns the flags set (none when left alone)
 */
export function sizeHeap(options: SizeHeapOptions = {}): readonly string[] {
  const { execArgv = process.execArgv, env = process.env } = options;
  if (env['RXBTC_V8_DEFAULTS'] === '1') return [];
  if ([...execArgv, env['NODE_OPTIONS'] ?? ''].some((a) => USER_HEAP_FLAGS.test(a))) return [];
  const flags = options.oneShot === true ? [...CLI_HEAP_FLAGS, ...CLI_ONE_SHOT_FLAGS] : CLI_HEAP_FLAGS;
  setFlagsFromString(flags.join(' '));
  return flags;
}
