export * from './broadcast-error.js';
export * from './broadcast.js';
export * from './check-block.js';
export * from './rebuild-block.js';
export * from './short-ids.js';
export * from './each-peer.js';
export * from './mempool.js';
