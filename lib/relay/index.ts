export * from './broadcast-error.js';
export * from './broadcast.js';
