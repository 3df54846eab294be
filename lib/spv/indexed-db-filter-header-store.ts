import { indexedDbOf, openIndexedDb, type IndexedDbOptions } from '../storage/indexed-db.js';
import { IdbRecords } from '../storage/indexed-db-records.js';
import { FILTER_HEADER_RECORD, type FilterHeaderStore } from './filter-header-store.js';

/**
 * A filter-header store in the browser's IndexedDB (database `name`): the
 * 96-byte records of `fileFilterHeaderStore`, held in memory and written
 * through in chunks, each write committed whole.
 * @param name - the database name (say `rxbtc-mainnet-filter-headers`)
 * @param options - the IndexedDB to use
 * @throws StoreError `blocked`, `full`, `corrupt`, `io`
 */
export async function openIndexedDbFilterHeaderStore(name: string, options: IndexedDbOptions = {}): Promise<FilterHeaderStore> {
  const db = await openIndexedDb(indexedDbOf(name, options), name, ['filter-headers']);
  const records = await IdbRecords.open(db, name, 'filter-headers', FILTER_HEADER_RECORD);
  return {
    location: records.location,
    load: () => (records.count === 0 ? undefined : { rootHeight: records.root, count: records.count }),
    read: (at, n) => records.read(at, n),
    write: (rootHeight, keep, data) => records.write(rootHeight, keep, data),
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
}
