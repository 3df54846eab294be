export * from './wire/index.js';
export * from './stream/index.js';
