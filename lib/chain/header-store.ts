import { ChunkedRecords } from './chunked-records.js';

/** 32-bit words per header in a chain's index: hash bytes 0–3 and 4–7 (little-endian), then `bits`. */
export const INDEX_WORDS = 3;

/** What a {@link HeaderStore} hands a chain when it opens: everything but the headers themselves. */
export interface StoredChain {
  /** Height of the first record (0 for genesis, or a checkpoint's height). */
  rootHeight: number;
  /** Records held, the root's included. */
  count: number;
  /**
   * {@link INDEX_WORDS} words per record, in height order: the first 8
   * bytes of its hash and its `bits`. At least `count * INDEX_WORDS` long;
   * the chain takes it over and grows it. Kept by the store (a file store
   * writes it beside the headers), so opening needs no hashing.
   */
  index: Uint32Array;
}

/** Where a stored chain starts (see {@link HeaderStore.root}). */
export interface StoredRoot {
  /** Height of the first record. */
  height: number;
  /** Its 80-byte header. */
  header: Uint8Array;
}

/**
 * Where a {@link HeaderChain} keeps its best chain: 80-byte headers by
 * position from the root, and the per-header index beside them. The chain
 * calls `load` once when created, `read` for headers it no longer holds in
 * memory, and `write` whenever its best chain changes; a write resolves
 * only once the headers are durable, and the chain acknowledges an `add`
 * only after that.
 */
export interface HeaderStore {
  /** Where the headers are (a path, a database name), for errors. */
  readonly location: string;
  /** The stored chain, or undefined when empty. */
  load(): StoredChain | undefined;
  /** The root's height and 80-byte header without loading the chain (to learn where a stored chain starts), or undefined when empty. */
  root(): StoredRoot | undefined;
  /** `count` raw headers from position `index` (0 is the root), concatenated. */
  read(index: number, count: number): Uint8Array;
  /**
   * Keep the first `keep` records, drop the rest, then append `headers`
   * (80 bytes each) with their `index` words ({@link INDEX_WORDS} per header).
   * `rootHeight` is the height of record 0.
   */
  write(rootHeight: number, keep: number, headers: readonly Uint8Array[], index: Uint32Array): Promise<void>;
  /** Release the store (files are closed). */
  close(): Promise<void>;
}

/** A store in memory: nothing survives the process, as for a chain synced afresh each time. */
export function memoryHeaderStore(): HeaderStore {
  let rootHeight = 0;
  let count = 0;
  const records = new ChunkedRecords(80, (n) => new Uint8Array(n));
  const index = new ChunkedRecords(INDEX_WORDS, (n) => new Uint32Array(n));
  return {
    location: 'memory',
    load: () => (count === 0 ? undefined : { rootHeight, count, index: index.read(0, count) }),
    root: () => (count === 0 ? undefined : { height: rootHeight, header: records.read(0, 1) }),
    read: (at, n) => {
      if (at < 0 || at + n > count) throw new RangeError(`no headers ${at}..${at + n - 1} in a store of ${count}`);
      return records.read(at, n);
    },
    write: (root, keep, headers, words) => {
      rootHeight = root;
      count = Math.min(count, keep);
      records.keep(count);
      index.keep(count);
      headers.forEach((h, i) => {
        records.put(count + i, h);
        index.put(count + i, words.subarray(i * INDEX_WORDS, (i + 1) * INDEX_WORDS));
      });
      count += headers.length;
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}
