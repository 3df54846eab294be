import { StoreError, StoreErrorCode } from './store-error.js';
import { inTransaction, requested, type IdbDatabaseLike } from './indexed-db.js';

/** Records per IndexedDB value: a write touches the chunks it changes, not one value per record. */
export const IDB_CHUNK_RECORDS = 1024;
/** The key of the value holding `{ root, count, size }`. */
const META = -1;

interface Meta {
  root: number;
  count: number;
  size: number;
}

/**
 * Fixed-size records in one IndexedDB object store, the browser's
 * counterpart of `RecordFile`: all of them held in memory (IndexedDB cannot
 * be read synchronously, and the stores that use this read synchronously),
 * written through in chunks of {@link IDB_CHUNK_RECORDS}. A write replaces
 * the records from `keep` on and commits the changed chunks and the count
 * in one transaction, so a reload sees the write whole or not at all.
 */
export class IdbRecords {
  /** Where, for errors. */
  readonly location: string;
  private readonly db: IdbDatabaseLike;
  private readonly store: string;
  private readonly size: number;
  private bytes: Uint8Array;
  private meta: Meta;

  private constructor(db: IdbDatabaseLike, location: string, store: string, size: number, bytes: Uint8Array, meta: Meta) {
    this.db = db;
    this.location = location;
    this.store = store;
    this.size = size;
    this.bytes = bytes;
    this.meta = meta;
  }

  /**
   * Read every record of `store` into memory.
   * @throws StoreError `version` when the store holds records of another size, `corrupt` when a chunk is missing or short
   */
  static async open(db: IdbDatabaseLike, database: string, store: string, size: number): Promise<IdbRecords> {
    const location = `IndexedDB ${database}/${store}`;
    const tx = db.transaction(store, 'readonly');
    const os = tx.objectStore(store);
    const [keys, values] = await Promise.all([requested(os.getAllKeys(), database, 'a read'), requested(os.getAll(), database, 'a read')]);
    const byKey = new Map<number, unknown>(keys.map((k, i) => [k as number, values[i]]));
    const meta = (byKey.get(META) as Meta | undefined) ?? { root: 0, count: 0, size };
    if (meta.size !== size) throw new StoreError(StoreErrorCode.Version, location, `holds ${meta.size}-byte records, not ${size}`);
    const bytes = new Uint8Array(Math.max(meta.count, 64) * size);
    for (let c = 0; c * IDB_CHUNK_RECORDS < meta.count; c++) {
      const chunk = byKey.get(c);
      const want = Math.min(IDB_CHUNK_RECORDS, meta.count - c * IDB_CHUNK_RECORDS) * size;
      if (!(chunk instanceof Uint8Array) || chunk.length < want) {
        throw new StoreError(StoreErrorCode.Corrupt, location, `chunk ${c} is missing or short for ${meta.count} records`);
      }
      bytes.set(chunk.subarray(0, want), c * IDB_CHUNK_RECORDS * size);
    }
    return new IdbRecords(db, location, store, size, bytes, meta);
  }

  /** Height (or other number) of record 0. */
  get root(): number {
    return this.meta.root;
  }

  /** Records held. */
  get count(): number {
    return this.meta.count;
  }

  /** `n` records from `index`, concatenated (a copy). */
  read(index: number, n: number): Uint8Array {
    if (index < 0 || n < 0 || index + n > this.meta.count)
      throw new RangeError(`no records ${index}..${index + n - 1} in ${this.location} of ${this.meta.count}`);
    return this.bytes.slice(index * this.size, (index + n) * this.size);
  }

  /**
   * Keep the first `keep` records, drop the rest, append `data` (whole
   * records); memory at once, IndexedDB in one transaction.
   * @returns resolves once committed; rejects with a StoreError (`full` for a used-up quota)
   */
  write(root: number, keep: number, data: Uint8Array): Promise<void> {
    if (data.length % this.size !== 0) throw new RangeError(`${data.length} bytes are not whole ${this.size}-byte records`);
    const before = this.meta.count;
    const kept = Math.min(before, keep);
    const count = kept + data.length / this.size;
    if (count * this.size > this.bytes.length) {
      const grown = new Uint8Array(Math.max(count, (this.bytes.length / this.size) * 2) * this.size);
      grown.set(this.bytes.subarray(0, kept * this.size));
      this.bytes = grown;
    }
    this.bytes.set(data, kept * this.size);
    this.meta = { root, count, size: this.size };
    const first = Math.floor(kept / IDB_CHUNK_RECORDS);
    const chunks: [number, Uint8Array][] = [];
    for (let c = first; c * IDB_CHUNK_RECORDS < count; c++) {
      const end = Math.min(count, (c + 1) * IDB_CHUNK_RECORDS);
      chunks.push([c, this.bytes.slice(c * IDB_CHUNK_RECORDS * this.size, end * this.size)]);
    }
    const stale: number[] = [];
    for (let c = Math.ceil(count / IDB_CHUNK_RECORDS); c * IDB_CHUNK_RECORDS < before; c++) stale.push(c);
    const meta = this.meta;
    return inTransaction(this.db, this.location, [this.store], (tx) => {
      const os = tx.objectStore(this.store);
      for (const [c, bytes] of chunks) os.put(bytes, c);
      for (const c of stale) os.delete(c);
      os.put(meta, META);
    });
  }
}
