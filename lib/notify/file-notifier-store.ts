import { join } from 'node:path';
import { AppendLog } from '../storage/append-log.js';
import { StoreError, StoreErrorCode } from '../storage/store-error.js';
import { NotifierRecordError, decodeNotifierRecord, encodeNotifierRecord } from './notifier-records.js';
import type { NotifierStore } from './notifier-store.js';

/**
 * A notifier store in a folder: `DIR/notifier.log`, an append-only log of
 * JSON records (the storage layer the wallet store uses: each record framed
 * by its length and a CRC-32, synced before an append resolves, a torn last
 * record dropped, compaction written aside and renamed over it). Damage
 * anywhere else, or a record that is not a notifier record, is a
 * `StoreError` naming the file. Node only; the folder is created when
 * missing.
 * @param dir - the folder
 * @throws StoreError when the file is not a notifier log or is damaged
 */
export function fileNotifierStore(dir: string): NotifierStore {
  const path = join(dir, 'notifier.log');
  const log = AppendLog.open(path, { name: 'notifier log', magic: 'RXBTCNTF', format: 1 });
  let records = log.records.map((bytes, i) => {
    try {
      return decodeNotifierRecord(bytes);
    } catch (e) {
      log.close();
      if (!(e instanceof NotifierRecordError)) throw e;
      throw new StoreError(StoreErrorCode.Corrupt, path, `has a record (#${i + 1}) that is not a notifier record: ${e.message}`, {
        cause: e,
      });
    }
  });
  return {
    location: path,
    load: () => [...records],
    append: (more) => {
      const done = log.append(more.map(encodeNotifierRecord));
      records.push(...more);
      return done;
    },
    compact: (all) => {
      const done = log.rewrite(all.map(encodeNotifierRecord));
      records = [...all];
      return done;
    },
    close: () => {
      log.close();
      return Promise.resolve();
    },
  };
}
