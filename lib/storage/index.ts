export * from './store-error.js';
export * from './record-file.js';
export * from './append-log.js';
