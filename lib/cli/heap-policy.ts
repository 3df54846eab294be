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

/** Flags that say the user sized V8's heap: then rxbtc leaves it as they set it. */
const USER_HEAP_FLAGS =
  /--(max-semi-space-size|min-semi-space-size|semi-space-growth-factor|max-old-space-size|heap-growing-percent|optimize-for-size)\b/;

/**
 * Set {@link CLI_HEAP_FLAGS} unless the user sized the heap themselves
 * (one of those flags on node's command line or in `NODE_OPTIONS`) or
 * asked for V8's defaults (`RXBTC_V8_DEFAULTS=1`).
 * @param execArgv - node's own arguments @default process.execArgv
 * @param env - the environment @default process.env
 * @returns the flags set (none when left alone)
 */
export function sizeHeap(execArgv: readonly string[] = process.execArgv, env: NodeJS.ProcessEnv = process.env): readonly string[] {
  if (env['RXBTC_V8_DEFAULTS'] === '1') return [];
  if ([...execArgv, env['NODE_OPTIONS'] ?? ''].some((a) => USER_HEAP_FLAGS.test(a))) return [];
  setFlagsFromString(CLI_HEAP_FLAGS.join(' '));
  return CLI_HEAP_FLAGS;
}
