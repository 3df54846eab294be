export * from './sync-headers.js';
export * from './serve-headers.js';
