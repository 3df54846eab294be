export * from './sync-headers.js';
export * from './serve-headers.js';
export * from './siphash.js';
export * from './gcs-filter.js';
export * from './basic-filter.js';
export * from './murmur3.js';
export * from './bloom-filter.js';
export * from './merkle-proof.js';
