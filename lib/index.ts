export * from './wire/index.js';
export * from './stream/index.js';
export * from './transport/index.js';
export * from './peer/index.js';
export * from './chain/index.js';
export * from './spv/index.js';
export * from './v2/index.js';
export * from './pool/index.js';
