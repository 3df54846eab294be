import { inTransaction, indexedDbOf, openIndexedDb, requested, type IndexedDbOptions } from '../storage/indexed-db.js';
import { StoreError, StoreErrorCode } from '../storage/store-error.js';
import { decodeWalletRecord, encodeWalletRecord, type WalletRecord } from './wallet-records.js';
import type { WalletStore } from './wallet-store.js';

/**
 * A wallet store in the browser's IndexedDB (database `name`): the records
 * of `fileWalletStore`'s log as values with generated, increasing keys;
 * an append adds its records in one transaction, a compaction clears and
 * rewrites in one, so a reload sees either the old log or the new one.
 * @param name - the database name (say `rxbtc-mainnet-wallet`)
 * @param options - the IndexedDB to use
 * @throws StoreError `blocked`, `full`, `corrupt` (a value that is not a wallet record), `io`
 */
export async function openIndexedDbWalletStore(name: string, options: IndexedDbOptions = {}): Promise<WalletStore> {
  const db = await openIndexedDb(indexedDbOf(name, options), name, ['log'], ['log']);
  const location = `IndexedDB ${name}/log`;
  const values = await requested(db.transaction('log', 'readonly').objectStore('log').getAll(), name, 'a read');
  let records: WalletRecord[];
  try {
    records = values.map((v) => {
      if (!(v instanceof Uint8Array)) throw new Error('a value is not bytes');
      return decodeWalletRecord(v);
    });
  } catch (e) {
    throw new StoreError(StoreErrorCode.Corrupt, location, `holds a value that is not a wallet record: ${String(e)}`, { cause: e });
  }
  return {
    location,
    load: () => [...records],
    append: async (more) => {
      const encoded = more.map(encodeWalletRecord);
      await inTransaction(db, location, ['log'], (tx) => {
        const os = tx.objectStore('log');
        for (const e of encoded) os.add(e);
      });
      records.push(...more);
    },
    compact: async (all) => {
      const encoded = all.map(encodeWalletRecord);
      await inTransaction(db, location, ['log'], (tx) => {
        const os = tx.objectStore('log');
        os.clear();
        for (const e of encoded) os.add(e);
      });
      records = [...all];
    },
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
}
