export * from './decode-messages.js';
export * from './encode-messages.js';
