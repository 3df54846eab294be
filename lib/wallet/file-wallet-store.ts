import { join } from 'node:path';
import { AppendLog } from '../storage/append-log.js';
import { StoreError, StoreErrorCode } from '../storage/store-error.js';
import { WalletRecordError, decodeWalletRecord, encodeWalletRecord } from './wallet-records.js';
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
  const records = log.records.map((bytes, i) => {
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
  return {
    location: path,
    load: () => [...records],
    append: (more) => log.append(more.map(encodeWalletRecord)),
    compact: (all) => log.rewrite(all.map(encodeWalletRecord)),
    close: () => {
      log.close();
      return Promise.resolve();
    },
  };
}
