export * from './errors.js';
export * from './ellswift.js';
export * from './chacha.js';
export * from './fs-chacha.js';
export * from './keys.js';
export * from './contents.js';
export * from './packet-cipher.js';
