import { RecordFile } from '../storage/record-file.js';
import { FILTER_HEADER_RECORD, type FilterHeaderStore } from './filter-header-store.js';

/**
 * The verified filter-header chain in a flat file: after a 64-byte
 * preamble that commits to the count and the hash of the last record, one
 * 96-byte record per height (block hash, filter hash, filter header), as
 * neutrino's headerfs keeps its filter headers. The durability rules of
 * `fileHeaderStore`: records are synced before the preamble commits them,
 * a torn or corrupted last record is dropped on open, a reorganisation
 * rewrites the tail, and a file that is not this store's is a `StoreError`
 * naming it. Node only (node:fs); the file is created when missing.
 * @param path - the file
 */
export function fileFilterHeaderStore(path: string): FilterHeaderStore {
  const file = RecordFile.open(path, { name: 'filter-header store', magic: 'RXBTCCFH', format: 1, recordSize: FILTER_HEADER_RECORD });
  return {
    location: path,
    load: () => {
      const { root, count } = file.opened;
      return count === 0 ? undefined : { rootHeight: root, count };
    },
    read: (at, n) => file.readRecords(at, n),
    write: (rootHeight, keep, records) => {
      file.write(rootHeight, keep, records);
      return Promise.resolve();
    },
    close: () => {
      file.close();
      return Promise.resolve();
    },
  };
}
