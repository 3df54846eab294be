export * from './store-error.js';
export * from './record-file.js';
export * from './append-log.js';
export * from './indexed-db.js';
export * from './indexed-db-records.js';
export * from './memory-records.js';
