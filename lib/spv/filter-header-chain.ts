import type { ChainEntry } from '../chain/chain-entry.js';
import { bytesEqual } from '../wire/hex.js';
import { FILTER_HEADER_RECORD, memoryFilterHeaderStore, type FilterHeaderStore } from './filter-header-store.js';

const ZERO = new Uint8Array(32);

/** The part of a header chain a {@link FilterHeaderChain} checks itself against. */
export interface BlockHashes {
  /** The best chain's height. */
  readonly height: number;
  /** Its header at a height. */
  header(height: number): Pick<ChainEntry, 'hash'> | undefined;
}

/**
 * The verified BIP157 filter-header chain: for every height from its root,
 * the block it belongs to, the filter hash and the filter header, kept in a {@link FilterHeaderStore} (memory by default, a file
 * with `fileFilterHeaderStore`) and read from it when asked for, so a
 * restart goes on from the stored height. Each record names its block, so
 * records for blocks that left the best chain (a reorganisation, even one
 * that happened while the process was down) are found and dropped by
 * {@link reconcile}.
 */
export class FilterHeaderChain {
  private readonly store: FilterHeaderStore;
  private root: number;
  private count: number;
  private writing: Promise<unknown> = Promise.resolve();

  /**
   * The root is genesis, or for a header chain started at a checkpoint at
   * height R an anchor record at R − 1: the block hash (the checkpoint's
   * previous block), no filter hash (all zeros: never fetched, it lies below
   * the chain), and the filter header the peers agreed on (see
   * {@link anchor}).
   * @param store - where the records are kept @default memoryFilterHeaderStore()
   */
  constructor(store: FilterHeaderStore = memoryFilterHeaderStore()) {
    this.store = store;
    const stored = store.load();
    this.root = stored?.rootHeight ?? 0;
    this.count = stored?.count ?? 0;
  }

  /** Height of the first record: 0, or the anchor below a checkpoint (−1 … when empty, see {@link height}). */
  get rootHeight(): number {
    return this.root;
  }

  /** Whether nothing is stored yet. */
  get empty(): boolean {
    return this.count === 0;
  }

  /**
   * Start an empty chain below a header chain's checkpoint: the record at
   * `height` holds `blockHash` and the agreed filter header, and records
   * from `height + 1` follow. Resolves once stored.
   */
  anchor(height: number, blockHash: Uint8Array, filterHeader: Uint8Array): Promise<void> {
    if (this.count !== 0) throw new RangeError(`${this.store.location} is not empty: it cannot be anchored again`);
    this.root = height;
    const record = new Uint8Array(FILTER_HEADER_RECORD);
    record.set(blockHash, 0);
    record.set(filterHeader, 64);
    return this.write(0, record);
  }

  /** The verified filter header at a height, or undefined below the root or above the top. */
  knownHeaderAt(height: number): Uint8Array | undefined {
    return height >= this.root && height <= this.height ? this.headerAt(height) : undefined;
  }

  /** Highest height verified (root − 1 when empty). */
  get height(): number {
    return this.root + this.count - 1;
  }

  private record(height: number): Uint8Array {
    if (height < this.root || height > this.height) throw new RangeError(`no filter header at height ${height}`);
    return this.store.read(height - this.root, 1);
  }

  /** The filter header at a height; the one before the root (all zeros before genesis) at root − 1. */
  headerAt(height: number): Uint8Array {
    return height === this.root - 1 ? ZERO : this.record(height).subarray(64, 96);
  }

  /** The filter hash at a height. */
  hashAt(height: number): Uint8Array {
    return this.record(height).subarray(32, 64);
  }

  /**
   * The verified filter hash of the block `hash` at `height`, or undefined
   * when the chain holds no record there or one of another block (a
   * reorganisation changed it).
   */
  hashOfBlock(height: number, hash: Uint8Array): Uint8Array | undefined {
    if (height < this.root || height > this.height || !bytesEqual(this.blockHashAt(height), hash)) return undefined;
    return this.hashAt(height);
  }

  /** Filter hashes of heights `from`..`from + n - 1` (one store read). */
  hashesFrom(from: number, n: number): Uint8Array[] {
    const bytes = this.store.read(from - this.root, n);
    return Array.from({ length: n }, (_, i) => bytes.subarray(i * FILTER_HEADER_RECORD + 32, i * FILTER_HEADER_RECORD + 64));
  }

  /** The block a height's record belongs to (wire order). */
  blockHashAt(height: number): Uint8Array {
    return this.record(height).subarray(0, 32);
  }

  /**
   * Append verified records from `height + 1`: per height the block hash,
   * filter hash and filter header. Resolves once the store has them.
   */
  append(blockHashes: readonly Uint8Array[], hashes: readonly Uint8Array[], headers: readonly Uint8Array[]): Promise<void> {
    const n = hashes.length;
    if (blockHashes.length !== n || headers.length !== n) throw new RangeError('one block hash, filter hash and filter header per height');
    const records = new Uint8Array(n * FILTER_HEADER_RECORD);
    for (let i = 0; i < n; i++) {
      records.set(blockHashes[i]!, i * FILTER_HEADER_RECORD);
      records.set(hashes[i]!, i * FILTER_HEADER_RECORD + 32);
      records.set(headers[i]!, i * FILTER_HEADER_RECORD + 64);
    }
    return this.write(this.count, records);
  }

  /** Forget everything above `height` (after a reorganisation). Resolves once the store is cut too. */
  truncate(height: number): Promise<void> {
    const keep = Math.max(0, Math.min(this.count, height - this.root + 1));
    return keep === this.count ? this.writing.then(() => undefined) : this.write(keep, new Uint8Array(0));
  }

  /**
   * Drop the records of blocks that are not on `chain`'s best chain (or
   * above its tip): the highest height whose block is still the chain's is
   * found by binary search (a record's block being the chain's means every
   * one below is too). Returns the height kept.
   */
  async reconcile(chain: BlockHashes): Promise<number> {
    const matches = (h: number): boolean => {
      const entry = chain.header(h);
      return entry !== undefined && bytesEqual(entry.hash, this.blockHashAt(h));
    };
    const top = Math.min(this.height, chain.height);
    if (top === this.height && (top < this.root || matches(top))) return this.height;
    let lo = this.root > 0 ? this.root : this.root - 1; // always "matches" (an anchor lies below the header chain)
    let hi = top + 1; // never does (or is above the chain)
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (matches(mid)) lo = mid;
      else hi = mid;
    }
    await this.truncate(lo);
    return lo;
  }

  private write(keep: number, records: Uint8Array): Promise<void> {
    this.count = keep + records.length / FILTER_HEADER_RECORD;
    // The store applies writes in call order at once; the promise says when this one is durable.
    const done = this.store.write(this.root, keep, records);
    this.writing = this.writing.then(() => done).catch(() => undefined);
    return done;
  }
}
