/** Timing of redials after failures. */
export interface BackoffOptions {
  /** Delay after the first failure, ms. @default 1000 */
  base?: number;
  /** Longest delay, ms. @default 300000 (5 min, as btcd's connmgr) */
  max?: number;
}

/** Default first redial delay, ms. */
export const DEFAULT_BACKOFF_BASE = 1000;
/** Default longest redial delay, ms. */
export const DEFAULT_BACKOFF_MAX = 300_000;

/**
 * Exponential backoff with jitter: `base · 2^(failures−1)`, capped at `max`,
 * times a random factor in [0.5, 1) so that many addresses failing together
 * do not redial together.
 * @param failures - consecutive failures (≥ 1)
 * @param options - base and cap
 * @param random - a source in [0, 1) @default Math.random
 */
export function backoffDelay(failures: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const base = options.base ?? DEFAULT_BACKOFF_BASE;
  const max = options.max ?? DEFAULT_BACKOFF_MAX;
  const raw = Math.min(max, base * 2 ** Math.min(Math.max(failures, 1) - 1, 30));
  return Math.round(raw * (0.5 + random() / 2));
}
