export * from './errors.js';
export * from './compact.js';
export * from './params.js';
export type { ChainEntry } from './chain-entry.js';
export { MAX_FUTURE_BLOCK_TIME, MAX_TIMEWARP, MEDIAN_TIME_SPAN, permittedTransition } from './rules.js';
export * from './header-store.js';
export * from './file-header-store.js';
export * from './header-chain.js';
export * from './genesis-block.js';
