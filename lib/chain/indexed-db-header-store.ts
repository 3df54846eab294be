import { indexedDbOf, openIndexedDb, type IndexedDbOptions } from '../storage/indexed-db.js';
import { IdbRecords } from '../storage/indexed-db-records.js';
import { sha256dKey } from '../wire/hash.js';
import { INDEX_WORDS, type HeaderStore } from './header-store.js';
import { indexWords } from './index-words.js';

/**
 * A header store in the browser's IndexedDB (database `name`): the 80-byte
 * headers and their index words, as `fileHeaderStore` keeps them in two
 * files, held in memory and written through in chunks (see `IdbRecords`).
 * An index that does not cover the headers (a tab closed between the two
 * writes) is rebuilt from them on open.
 * @param name - the database name, one per chain (say `rxbtc-mainnet-headers`)
 * @param options - the IndexedDB to use
 * @throws StoreError `blocked` (another tab holds an older version), `full`, `corrupt`, `io`
 */
export async function openIndexedDbHeaderStore(name: string, options: IndexedDbOptions = {}): Promise<HeaderStore> {
  const db = await openIndexedDb(indexedDbOf(name, options), name, ['headers', 'index']);
  const headers = await IdbRecords.open(db, name, 'headers', 80);
  const index = await IdbRecords.open(db, name, 'index', INDEX_WORDS * 4);
  return {
    location: headers.location,
    load: () => {
      if (headers.count === 0) return undefined;
      const words = new Uint32Array(Math.ceil(headers.count * 1.25) * INDEX_WORDS);
      if (index.count === headers.count && index.root === headers.root) {
        const b = index.read(0, index.count);
        words.set(new Uint32Array(b.buffer, b.byteOffset, b.length / 4));
      } else {
        const raw = headers.read(0, headers.count);
        for (let i = 0; i < headers.count; i++) {
          const h = raw.subarray(i * 80, i * 80 + 80);
          words.set(indexWords(sha256dKey(h), h[72]! | (h[73]! << 8) | (h[74]! << 16) | (h[75]! << 24)), i * INDEX_WORDS);
        }
      }
      return { rootHeight: headers.root, count: headers.count, index: words };
    },
    root: () => (headers.count === 0 ? undefined : { height: headers.root, header: headers.read(0, 1) }),
    read: (at, n) => headers.read(at, n),
    write: async (rootHeight, keep, list, words) => {
      const data = new Uint8Array(list.length * 80);
      list.forEach((h, i) => data.set(h, i * 80));
      const w = words.subarray(0, list.length * INDEX_WORDS);
      const indexBytes = new Uint8Array(w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength));
      await Promise.all([headers.write(rootHeight, keep, data), index.write(rootHeight, keep, indexBytes)]);
    },
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
}
