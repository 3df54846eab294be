import { join } from 'node:path';
import { AppendLog } from '../storage/append-log.js';
import { StoreError, StoreErrorCode } from '../storage/store-error.js';
import { WalletRecordError, decodeWalletRecord, encodeWalletRecord, type WalletRecord } from './wallet-records.js';
import type { WalletStore } from './wallet-store.js';

/**
 * A wallet store in a folder: `DIR/wallet.log`, an append-only log of JSON
 * records, each framed by its length and a CRC-32 and synced before an
 * append resolves (see `AppendLog`); compaction rewrites it atomically
 * (written aside, synced, renamed). A torn last record (a crash mid-write)
 * is dropped; damage anywhere else, or a record that is not a wallet
 * record, is a `StoreError` naming the file. Node only; the folder is
 * created when missing.
 * @param dir - the folder
 */
export function fileWalletStore(dir: string): WalletStore {
  const path = join(dir, 'wallet.log');
  const log = AppendLog.open(path, { name: 'wallet log', magic: 'RXBTCWAL', format: 1 });
  let records = log.records.map((bytes, i) => {
    try {
      return decodeWalletRecord(bytes);
    } catch (e) {
      log.close();
      if (!(e instanceof WalletRecordError)) throw e;
      throw new StoreError(StoreErrorCode.Corrupt, path, `has a record (#${i + 1}) that is not a wallet record: ${e.message}`, {
        cause: e,
      });
    }
  });
  const encoded = new WeakMap<WalletRecord, Uint8Array>();
  const bytes = (r: WalletRecord): Uint8Array => encoded.get(r) ?? encodeWalletRecord(r);
  return {
    location: path,
    load: () => [...records],
    prepare: (r) => void encoded.set(r, encodeWalletRecord(r)),
    append: (more) => {
      const done = log.append(more.map(bytes));
      records.push(...more);
      return done;
    },
    compact: (all) => {
      const done = log.rewrite(all.map(bytes));
      records = [...all];
      return done;
    },
    close: () => {
      log.close();
      return Promise.resolve();
    },
  };
}
