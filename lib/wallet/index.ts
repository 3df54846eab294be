export * from './wallet-tracker.js';
export * from './wallet-records.js';
export * from './wallet-store.js';
export * from './wallet-state.js';
export * from './indexed-db-wallet-store.js';
