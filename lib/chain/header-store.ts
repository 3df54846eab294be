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

/** Headers a memory store keeps in one buffer: it grows a chunk at a time, never by copying all it holds. */
const MEMORY_CHUNK = 4096;

/** Fixed-size records in chunks of {@link MEMORY_CHUNK}: appends copy nothing, and no buffer is bigger than a chunk. */
class ChunkedRecords<A extends Uint8Array | Uint32Array> {
  private readonly chunks: A[] = [];
  private readonly width: number;
  private readonly make: (length: number) => A;

  /**
   * @param width - items a record takes
   * @param make - a new array of that many items
   */
  constructor(width: number, make: (length: number) => A) {
    this.width = width;
    this.make = make;
  }

  /** Put `record` (`width` items) at position `p`. */
  put(p: number, record: ArrayLike<number>): void {
    const c = Math.floor(p / MEMORY_CHUNK);
    while (this.chunks.length <= c) this.chunks.push(this.make(MEMORY_CHUNK * this.width));
    this.chunks[c]!.set(record, (p % MEMORY_CHUNK) * this.width);
  }

  /** Positions `from`..`from + n - 1`, copied into one array. */
  read(from: number, n: number): A {
    const out = this.make(n * this.width);
    for (let done = 0; done < n;) {
      const p = from + done;
      const at = p % MEMORY_CHUNK;
      const take = Math.min(n - done, MEMORY_CHUNK - at);
      out.set(this.chunks[Math.floor(p / MEMORY_CHUNK)]!.subarray(at * this.width, (at + take) * this.width), done * this.width);
      done += take;
    }
    return out;
  }

  /** Drop the chunks past the first `count` positions. */
  keep(count: number): void {
    this.chunks.length = Math.min(this.chunks.length, Math.ceil(count / MEMORY_CHUNK));
  }
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
