import { ChunkedRecords } from '../chain/chunked-records.js';

/** Bytes per stored filter header: the block hash, the filter hash and the filter header (32 each, wire order). */
export const FILTER_HEADER_RECORD = 96;

/** What a {@link FilterHeaderStore} holds. */
export interface StoredFilterHeaders {
  /** Height of record 0. */
  rootHeight: number;
  /** Records held. */
  count: number;
}

/**
 * Where a {@link FilterHeaderChain} keeps the verified BIP157 filter-header
 * chain: one {@link FILTER_HEADER_RECORD}-byte record per height from its
 * root. Writes are applied in the order they are called and `read` sees
 * every write already called; the promise a write returns resolves once it
 * is durable.
 */
export interface FilterHeaderStore {
  /** Where the records are (a path, a database name), for errors. */
  readonly location: string;
  /** What is stored, or undefined when empty. */
  load(): StoredFilterHeaders | undefined;
  /** `count` records from position `index`, concatenated. */
  read(index: number, count: number): Uint8Array;
  /** Keep the first `keep` records, drop the rest, append `records` (whole records, concatenated). */
  write(rootHeight: number, keep: number, records: Uint8Array): Promise<void>;
  /** Release the store. */
  close(): Promise<void>;
}

/** Filter headers in memory, in chunks of records (never one buffer copied as it grows): nothing survives the process. */
export function memoryFilterHeaderStore(): FilterHeaderStore {
  let root = 0;
  let count = 0;
  const records = new ChunkedRecords(FILTER_HEADER_RECORD, (n) => new Uint8Array(n));
  return {
    location: 'memory',
    load: () => (count === 0 ? undefined : { rootHeight: root, count }),
    read: (at, n) => {
      if (at < 0 || at + n > count) throw new RangeError(`no filter headers ${at}..${at + n - 1} in a store of ${count}`);
      return records.read(at, n);
    },
    write: (rootHeight, keep, written) => {
      root = rootHeight;
      count = Math.min(count, keep);
      records.keep(count);
      records.put(count, written);
      count += written.length / FILTER_HEADER_RECORD;
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}
