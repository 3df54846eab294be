/**
 * The many-peers bench's synthetic regtest chain, shaped like mainnet's
 * recent past: coinbase-only blocks, then heavy blocks whose BIP158 basic
 * filters are 15–25 KB, as mainnet's are. A wallet is paid in 20 heavy
 * blocks from its birthday on and once between the checkpoint and it.
 */

/** Blocks above genesis. */
export const CHAIN_LENGTH = 120_000;
/** The first heavy block (the last 20,000 are heavy). */
export const HEAVY_FROM = 100_001;
/** The wallet's birthday: filters are needed from here (19,001 heavy filters, about 380 MB). */
export const BIRTHDAY = 101_000;
/** The checkpoint the client starts from: the last block of a retarget period below the birthday. */
export const CHECKPOINT_HEIGHT = 49 * 2016 - 1; // 98,783
/** The one payment before the birthday (after the checkpoint: its filter header is fetched, its filter must not be). */
export const EARLY_PAYMENT = 100_900;
/** The 20 payments from the birthday on. */
export const PAYMENT_HEIGHTS: readonly number[] = Array.from({ length: 20 }, (_, k) => BIRTHDAY + 17 + k * 949);
/** The height whose filter the lying peer changes (leaving the payment out) and commits to in its filter headers. */
export const LIE_HEIGHT = PAYMENT_HEIGHTS[3]!;
/** Seed of everything random in the chain. */
export const SEED = 34;
/** Outputs in a heavy block: uniform in [min, max) (about 2.7 filter bytes each). */
export const HEAVY_OUTPUTS = { min: 6_000, max: 9_400 } as const;

/** Whether the block at `height` is heavy. */
export const isHeavy = (height: number): boolean => height >= HEAVY_FROM;
