export * from './store-error.js';
export * from './record-file.js';
