import { sha256dKey } from '../wire/hash.js';
import { StoreError, StoreErrorCode } from '../storage/store-error.js';
import { bitsInfo } from './bits-cache.js';
import { ChainNode } from './chain-node.js';
import { keyEqualsAt } from './hash-key.js';
import { HeaderIndex } from './header-index.js';
import type { HeaderStore } from './header-store.js';
import { indexWords } from './index-words.js';
import { WorkMarks } from './work-marks.js';

/**
 * The best chain by position from its root (position 0): the compact
 * per-header index and exact work marks for all of it, {@link ChainNode}s
 * for its most recent part (`window` to twice that, linked to their
 * parents), and older headers read from the store when asked for. Headers
 * leave memory only once their store write is done.
 */
export class BestChain {
  /** Height of position 0. */
  readonly root: number;
  private readonly store: HeaderStore;
  private readonly keepInMemory: number;
  private readonly index: HeaderIndex;
  private readonly marks = new WorkMarks();
  private window: ChainNode[] = [];
  /** Position of window[0]. */
  private base = 0;
  /** Positions known to be in the store. */
  private durable: number;

  /**
   * @param store - where the headers are
   * @param rootNode - the header at position 0 (genesis or a trusted checkpoint)
   * @param keepInMemory - headers of the best chain held as nodes, at least (the contextual rules need 2,016 + 11)
   */
  constructor(store: HeaderStore, rootNode: ChainNode, keepInMemory: number) {
    this.store = store;
    this.root = rootNode.height;
    this.keepInMemory = keepInMemory;
    const stored = store.load();
    if (!stored) {
      const w = new Uint32Array(1024 * 3);
      w.set(indexWords(rootNode.key, rootNode.bits));
      this.index = new HeaderIndex(w, 1);
      this.marks.note(0, rootNode.chainWork);
      this.window = [rootNode];
      this.durable = 0;
      return;
    }
    if (stored.rootHeight !== this.root) {
      throw new StoreError(
        StoreErrorCode.Mismatch,
        store.location,
        `starts at height ${stored.rootHeight}, this chain at ${this.root}: it belongs to another chain`,
      );
    }
    this.index = new HeaderIndex(stored.index, stored.count);
    const first = store.read(0, 1);
    if (!rootNode.raw.every((b, i) => first[i] === b)) {
      throw new StoreError(
        StoreErrorCode.Mismatch,
        store.location,
        `does not start with this chain's root ${rootNode.hashHex}: it belongs to another chain or network`,
      );
    }
    this.durable = stored.count;
    this.loadWindow(rootNode.chainWork);
  }

  /** Positions held (the root's included). */
  get count(): number {
    return this.index.count;
  }

  /** Height of the tip. */
  get height(): number {
    return this.root + this.index.count - 1;
  }

  /** The tip. */
  get tip(): ChainNode {
    return this.window[this.window.length - 1]!;
  }

  /** Positions the store held when the chain opened, then as {@link stored} says. */
  get storedCount(): number {
    return this.durable;
  }

  /** Bytes of per-header state held (index, table), for memory reports. */
  get indexBytes(): number {
    return this.index.bytes;
  }

  /** Read the last `keepInMemory` headers, check their links and hashes against the index, and drop any that fail with all after. */
  private loadWindow(rootWork: bigint): void {
    const count = this.index.count;
    const from = Math.max(0, count - this.keepInMemory);
    const raws = this.store.read(from, count - from);
    let sound = count;
    const keys: string[] = [];
    for (let p = from; p < count; p++) {
      const raw = raws.subarray((p - from) * 80, (p - from + 1) * 80);
      const key = sha256dKey(raw);
      const w = indexWords(key, 0);
      const linked = p === from || keyEqualsAt(keys[keys.length - 1]!, raw, 4);
      if (!linked || !this.index.matches(p, w[0]!, w[1]!)) {
        sound = Math.max(p, 1); // a corrupted record: it and everything after is dropped (never the root)
        break;
      }
      keys.push(key);
    }
    this.index.truncate(sound);
    this.durable = Math.min(this.durable, sound);
    this.marks.rebuild(this.index, rootWork);
    let prev: ChainNode | undefined;
    let work = this.marks.at(this.index, from);
    for (let p = from; p < sound; p++) {
      const raw = raws.slice((p - from) * 80, (p - from + 1) * 80);
      if (p > from) work += bitsInfo(this.index.bits(p)).work;
      prev = new ChainNode(keys[p - from]!, this.root + p, raw, work, prev);
      this.window.push(prev);
    }
    this.base = from;
  }

  /** The node at a position (built from the store, unlinked, when it is no longer in memory). */
  nodeAt(p: number): ChainNode {
    return p >= this.base ? this.window[p - this.base]! : this.readNodes(p, 1)[0]!;
  }

  /** Nodes at positions `p`..`p + n - 1` (one store read for those no longer in memory). */
  nodesFrom(p: number, n: number): ChainNode[] {
    const stored = p < this.base ? this.readNodes(p, Math.min(n, this.base - p)) : [];
    const start = p + stored.length;
    return [...stored, ...this.window.slice(start - this.base, p + n - this.base)];
  }

  /** The position of the header with this hash (latin1 key), or -1. */
  positionOf(key: string): number {
    const w = indexWords(key, 0);
    this.sought = key;
    return this.index.find(w[0]!, w[1]!, this.isSought);
  }

  /** The key {@link positionOf} looks for, and its confirmation against the full hash (one function, no closure per call). */
  private sought = '';
  private readonly isSought = (p: number): boolean =>
    p >= this.base ? this.window[p - this.base]!.key === this.sought : this.keyAt(p) === this.sought;

  /** Whether `node` is the best chain's header at its height. */
  has(node: ChainNode): boolean {
    const p = node.height - this.root;
    if (p < 0 || p >= this.index.count) return false;
    if (p >= this.base) return this.window[p - this.base]!.key === node.key;
    const w = indexWords(node.key, 0);
    return this.index.matches(p, w[0]!, w[1]!) && this.keyAt(p) === node.key;
  }

  /** Exact chain work at a position. */
  workAt(p: number): bigint {
    return p >= this.base ? this.window[p - this.base]!.chainWork : this.marks.at(this.index, p);
  }

  /** Append the next header (its parent is the tip). */
  append(node: ChainNode): void {
    node.prev = this.tip;
    this.window.push(node);
    this.index.push(indexWords(node.key, node.bits));
    this.marks.note(this.index.count - 1, node.chainWork);
    this.slide();
  }

  /** The index words of positions `from`..`from + n - 1`, for the store. */
  indexOf(from: number, n: number): Uint32Array {
    return this.index.slice(from, n);
  }

  /** The store holds `count` positions that no queued write will change. */
  stored(count: number): void {
    this.durable = count;
    this.slide();
  }

  /**
   * Cut the chain to its first `keep` positions; returns the headers cut,
   * lowest first, linked to each other (and the first to its parent when
   * that is in memory).
   */
  truncate(keep: number): ChainNode[] {
    if (keep < 1) throw new RangeError('the root stays');
    let cut: ChainNode[];
    if (keep >= this.base) {
      cut = this.window.splice(keep - this.base);
    } else {
      const below = this.readNodes(keep, this.base - keep);
      this.window[0]!.prev = below[below.length - 1];
      cut = [...below, ...this.window];
      this.window = [];
    }
    this.index.truncate(keep);
    this.marks.truncate(keep);
    this.durable = Math.min(this.durable, keep);
    if (this.window.length === 0) {
      const from = Math.max(0, keep - this.keepInMemory);
      this.window = this.readNodes(from, keep - from);
      this.base = from;
    }
    return cut;
  }

  /** Drop the oldest nodes once twice `keepInMemory` are held, but only those the store has. */
  private slide(): void {
    const excess = this.window.length - this.keepInMemory;
    if (excess < this.keepInMemory) return;
    const drop = Math.min(excess, this.durable - this.base);
    if (drop <= 0) return;
    this.window = this.window.slice(drop);
    this.base += drop;
    this.window[0]!.prev = undefined; // the dropped nodes are no longer reachable from the tip
  }

  private keyAt(p: number): string {
    return sha256dKey(this.store.read(p, 1));
  }

  /** Build linked nodes for stored positions `p`..`p + n - 1`, each checked against the index. */
  private readNodes(p: number, n: number): ChainNode[] {
    const raws = this.store.read(p, n);
    const out: ChainNode[] = [];
    let work = this.marks.at(this.index, p);
    let prev: ChainNode | undefined;
    for (let i = 0; i < n; i++) {
      const raw = raws.slice(i * 80, (i + 1) * 80);
      const key = sha256dKey(raw);
      const w = indexWords(key, 0);
      if (!this.index.matches(p + i, w[0]!, w[1]!)) {
        throw new StoreError(
          StoreErrorCode.Corrupt,
          this.store.location,
          `holds a header at height ${this.root + p + i} that does not hash to the one indexed: the file is damaged; move it away to sync again`,
        );
      }
      if (i > 0) work += bitsInfo(this.index.bits(p + i)).work;
      prev = new ChainNode(key, this.root + p + i, raw, work, prev);
      out.push(prev);
    }
    return out;
  }
}
