/** What a {@link HeaderStore} holds: the best chain as raw 80-byte headers from its root. */
export interface StoredChain {
  /** Height of the first record (0 for genesis, or a checkpoint's height). */
  rootHeight: number;
  /** The records, concatenated: 80 bytes each, in height order. */
  headers: Uint8Array;
}

/**
 * Where a {@link HeaderChain} keeps its best chain. The chain calls `load`
 * once when created and `write` whenever its best chain changes; a write
 * resolves only once the records are durable, and the chain acknowledges an
 * `add` only after that.
 */
export interface HeaderStore {
  /** The stored chain, or undefined when empty. */
  load(): StoredChain | undefined;
  /**
   * Keep the first `keep` records, drop the rest, then append `headers`
   * (80 bytes each). `rootHeight` is the height of record 0.
   */
  write(rootHeight: number, keep: number, headers: readonly Uint8Array[]): Promise<void>;
  /** Release the store (files are closed). */
  close(): Promise<void>;
}

/** A store in memory: nothing survives the process, as for a chain synced afresh each time. */
export function memoryHeaderStore(): HeaderStore {
  let rootHeight = 0;
  const records: Uint8Array[] = [];
  return {
    load: () => {
      if (records.length === 0) return undefined;
      const headers = new Uint8Array(records.length * 80);
      records.forEach((r, i) => headers.set(r, i * 80));
      return { rootHeight, headers };
    },
    write: (root, keep, headers) => {
      rootHeight = root;
      records.length = Math.min(records.length, keep);
      for (const h of headers) records.push(h); // the chain never changes a record it handed over
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}
