import { BehaviorSubject, Subject, type Observable } from 'rxjs';
import {
  ANTI_DOS_BLOCKS,
  MEMORY_HEADERS,
  type AddResult,
  type HeaderChain,
  type HeaderChainOptions,
  type Reorg,
} from './header-chain-api.js';
import type { BlockHeader } from '../wire/block-header.js';
import { sha256dKey } from '../wire/hash.js';
import { fromHex, hashFromHex } from '../wire/hex.js';
import type { Network } from '../wire/networks.js';
import { BestChain } from './best-chain.js';
import { bitsInfo } from './bits-cache.js';
import type { ChainEntry } from './chain-entry.js';
import { ChainNode } from './chain-node.js';
import { ChainError, ChainErrorCode } from './errors.js';
import { checkContext, checkProofOfWork, type HeaderContext } from './header-checks.js';
import { hashKey, keyEqualsAt, keyToHex } from './hash-key.js';
import { memoryHeaderStore, type HeaderStore } from './header-store.js';
import { chainParams, type ChainParams } from './params.js';
import { genesisRaw, rawOf, readU32 } from './raw-header.js';
import { MAX_FUTURE_BLOCK_TIME } from './rules.js';

export * from './header-chain-api.js';

/** How the best chain changes in one add: what the store keeps, what it appends, and the reorg if any. */
interface Change {
  keep: number;
  connected: ChainNode[];
  reorg?: Reorg;
}

class Chain implements HeaderChain {
  readonly network: Network;
  readonly params: ChainParams;
  private readonly store: HeaderStore;
  private readonly now: () => number;
  private readonly best: BestChain;
  /** Headers known but not on the best chain (side branches and what reorganisations disconnected). */
  private readonly side = new Map<string, ChainNode>();
  private readonly rootNode: ChainNode;
  private readonly workKnown: boolean;
  private readonly checkpointKeys = new Map<number, string>();
  private readonly tipSubject: BehaviorSubject<ChainEntry>;
  private readonly reorgSubject = new Subject<Reorg>();
  private writing: Promise<unknown> = Promise.resolve();
  /** Positions the store holds after the last completed write, and the `keep` of each write still queued. */
  private completed: number;
  private readonly queuedKeeps: number[] = [];
  private readonly parentOf = (n: ChainNode): ChainNode | undefined =>
    n.height === this.rootNode.height ? undefined : this.nodeByKey(hashKey(n.raw.subarray(4, 36)));
  private readonly ancestorOf = (n: ChainNode, height: number): ChainNode | undefined => this.ancestor(n, height);
  readonly tip$: Observable<ChainEntry>;
  readonly reorg$: Observable<Reorg>;

  constructor(options: HeaderChainOptions) {
    this.network = options.network;
    this.params = options.params ?? chainParams(options.network);
    this.store = options.store ?? memoryHeaderStore();
    this.now = options.now ?? ((): number => Date.now() / 1000);
    const memory = options.memoryHeaders ?? MEMORY_HEADERS;
    if (!Number.isInteger(memory) || memory < 1) throw new RangeError(`memoryHeaders must be a positive integer, got ${memory}`);
    for (const c of this.params.checkpoints) this.checkpointKeys.set(c.height, hashKey(hashFromHex(c.hash)));

    const cp = options.checkpoint;
    if (cp && (!Number.isInteger(cp.height) || cp.height < 0)) throw new RangeError(`checkpoint height ${cp.height} is not a height`);
    const raw = cp ? rawOf(cp.header) : genesisRaw(this.params);
    const key = sha256dKey(raw);
    if (!cp && keyToHex(key) !== this.network.genesisHash)
      throw new RangeError(`params.genesis does not hash to ${this.network.name}'s genesis`);
    const known = this.checkpointKeys.get(cp?.height ?? -1);
    if (cp && known !== undefined && known !== key)
      throw new RangeError(`the trusted checkpoint at ${cp.height} contradicts a hard-coded checkpoint`);
    this.workKnown = !cp || cp.chainWork !== undefined;
    this.rootNode = new ChainNode(key, cp?.height ?? 0, raw, cp?.chainWork ?? bitsInfo(readU32(raw, 72)).work, undefined);
    this.best = new BestChain(this.store, this.rootNode, memory);
    this.completed = this.best.storedCount;
    this.tipSubject = new BehaviorSubject<ChainEntry>(this.tip);
    this.tip$ = this.tipSubject.asObservable();
    this.reorg$ = this.reorgSubject.asObservable();
  }

  get tip(): ChainNode {
    return this.best.tip;
  }

  get height(): number {
    return this.best.height;
  }

  get root(): ChainEntry {
    return this.rootNode;
  }

  get meetsMinimumWork(): boolean {
    return !this.workKnown || this.tip.chainWork >= this.params.minimumChainWork;
  }

  header(heightOrHash: number | Uint8Array | string): ChainEntry | undefined {
    if (typeof heightOrHash === 'number') {
      const p = heightOrHash - this.rootNode.height;
      return Number.isInteger(p) && p >= 0 && p < this.best.count ? this.best.nodeAt(p) : undefined;
    }
    const bytes = typeof heightOrHash === 'string' ? fromHex(heightOrHash).reverse() : heightOrHash;
    return this.nodeByKey(hashKey(bytes));
  }

  isBest(hash: Uint8Array): boolean {
    return this.best.positionOf(hashKey(hash)) >= 0;
  }

  locator(from: ChainEntry = this.tip): Uint8Array[] {
    const out: Uint8Array[] = [];
    let node = from instanceof ChainNode ? from : this.nodeByKey(hashKey(from.hash));
    let step = 1;
    while (node) {
      out.push(node.hash);
      if (node.height === this.rootNode.height) break;
      if (out.length >= 10) step *= 2;
      const target = Math.max(node.height - step, this.rootNode.height);
      node = this.ancestor(node, target);
    }
    return out;
  }

  after(locator: readonly Uint8Array[], stop?: Uint8Array, max = 2000): ChainEntry[] {
    if (locator.length === 0) {
      // Core's answer to an empty locator: the stop block's header alone, when known.
      const node = stop ? this.nodeByKey(hashKey(stop)) : undefined;
      return node && max > 0 ? [node.entry()] : [];
    }
    let start = this.rootNode.height;
    for (const hash of locator) {
      const p = this.best.positionOf(hashKey(hash));
      if (p >= 0) {
        start = this.rootNode.height + p;
        break;
      }
    }
    const n = Math.max(0, Math.min(max, this.height - start));
    const out = this.best.nodesFrom(start + 1 - this.rootNode.height, n);
    const stopKey = stop?.some((b) => b !== 0) ? hashKey(stop) : undefined;
    const at = stopKey === undefined ? -1 : out.findIndex((e) => e.key === stopKey);
    return at < 0 ? out : out.slice(0, at + 1);
  }

  add(headers: readonly (BlockHeader | Uint8Array)[]): Promise<AddResult> {
    const { fresh, error } = this.validate(headers);
    const last = fresh[fresh.length - 1];
    if (last && fresh[0]!.prev !== this.tip && last.chainWork < this.antiDosThreshold()) {
      const e = new ChainError(
        ChainErrorCode.LowWork,
        `a branch with chain work ${last.chainWork} is below the ${this.antiDosThreshold()} worth storing`,
        last.height,
        last.hashHex,
      );
      return Promise.reject(error ?? e);
    }
    const change = last && last.chainWork > this.tip.chainWork ? this.switchTo(last) : undefined;
    // New headers that did not join the best chain are a side branch (a batch that did join went straight there).
    if (!change) for (const n of fresh) this.side.set(n.key, n);
    const written = change ? this.persist(change) : this.writing;
    return written.then(() => {
      if (change) {
        const tip = this.tip.entry();
        if (change.reorg) this.reorgSubject.next(change.reorg);
        this.tipSubject.next(tip);
      }
      if (error) throw error;
      const result: AddResult = { added: fresh.length, tip: this.tip.entry() };
      if (change?.reorg) result.reorg = change.reorg;
      return result;
    });
  }

  close(): Promise<void> {
    this.tipSubject.complete();
    this.reorgSubject.complete();
    return this.writing.then(() => this.store.close());
  }

  /** Queue the store write of a change; headers leave memory only once the writes that concern them are done. */
  private persist(change: Change): Promise<unknown> {
    const records = change.connected.map((n) => n.raw);
    const words = this.best.indexOf(change.keep, records.length);
    const empty = this.completed === 0 && this.queuedKeeps.length === 0;
    const keep = empty ? 0 : change.keep;
    const rows = empty ? [this.rootNode.raw, ...records] : records;
    const index = empty ? this.best.indexOf(0, change.keep + records.length) : words;
    this.queuedKeeps.push(keep);
    this.best.stored(this.durable());
    const written = this.writing.then(async () => {
      await this.store.write(this.rootNode.height, keep, rows, index);
      this.queuedKeeps.shift();
      this.completed = keep + rows.length;
      this.best.stored(this.durable());
    });
    this.writing = written.catch(() => undefined);
    return written;
  }

  /** Positions that are in the store and that no queued write will rewrite. */
  private durable(): number {
    let d = this.completed;
    for (const k of this.queuedKeeps) d = Math.min(d, k);
    return d;
  }

  /** Any known header by hash key: a side branch, or the best chain (read from the store when old). */
  private nodeByKey(key: string): ChainNode | undefined {
    const s = this.side.get(key);
    if (s) return s;
    const p = this.best.positionOf(key);
    return p >= 0 ? this.best.nodeAt(p) : undefined;
  }

  /** Validate a batch in order; returns the new nodes before the first failure, and that failure. */
  private validate(headers: readonly (BlockHeader | Uint8Array)[]): { fresh: ChainNode[]; error?: ChainError } {
    const fresh: ChainNode[] = [];
    const ctx: HeaderContext = {
      params: this.params,
      latest: this.now() + MAX_FUTURE_BLOCK_TIME, // one clock reading per batch
      passed: this.lastPassedCheckpoint(),
      checkpointKeys: this.checkpointKeys,
      ancestor: this.ancestorOf,
      parentOf: this.parentOf,
    };
    let parent: ChainNode | undefined;
    for (const header of headers) {
      const raw = rawOf(header);
      const key = sha256dKey(raw);
      if (parent && !keyEqualsAt(parent.key, raw, 4)) {
        return {
          fresh,
          error: new ChainError(ChainErrorCode.BadLink, 'headers are not a continuous sequence', parent.height + 1, keyToHex(key)),
        };
      }
      const known = this.nodeByKey(key);
      if (known) {
        parent = known;
        continue;
      }
      parent ??= this.nodeByKey(hashKey(raw.subarray(4, 36)));
      const height = parent ? parent.height + 1 : -1;
      // Core's order: context-free proof of work first, then the parent, then the contextual rules.
      const bits = readU32(raw, 72);
      let failure = checkProofOfWork(key, bits, this.params);
      if (!failure && !parent) failure = [ChainErrorCode.BadLink, `previous block ${keyToHex(hashKey(raw.subarray(4, 36)))} is unknown`];
      if (failure || !parent) return { fresh, error: new ChainError(failure![0], failure![1], height, keyToHex(key)) };
      const node = new ChainNode(key, height, raw, parent.chainWork + bitsInfo(bits).work, parent);
      failure = checkContext(node, parent, ctx);
      if (failure) return { fresh, error: new ChainError(failure[0], failure[1], height, keyToHex(key)) };
      fresh.push(node);
      parent = node;
    }
    return { fresh };
  }

  /** The highest hard-coded checkpoint the best chain has reached (-1 when none). */
  private lastPassedCheckpoint(): number {
    let passed = -1;
    for (const c of this.params.checkpoints) if (c.height <= this.tip.height && c.height > passed) passed = c.height;
    return passed;
  }

  private ancestor(n: ChainNode, height: number): ChainNode | undefined {
    if (height < this.rootNode.height || height > n.height) return undefined;
    let a: ChainNode | undefined = n;
    while (a && a.height > height) {
      if (this.best.has(a)) return this.best.nodeAt(height - this.rootNode.height);
      a = a.prev ?? this.parentOf(a);
    }
    return a;
  }

  /** Core's anti-DoS threshold: the network's minimum chain work, or the tip's work less 144 blocks', whichever is more. */
  private antiDosThreshold(): bigint {
    const tip = this.tip;
    const window = tip.chainWork - BigInt(ANTI_DOS_BLOCKS) * bitsInfo(tip.bits).work;
    const minimum = this.workKnown ? this.params.minimumChainWork : 0n;
    return window > minimum ? window : minimum;
  }

  /** Make `last` the tip; returns how the stored chain changes. */
  private switchTo(last: ChainNode): Change {
    const connected: ChainNode[] = [];
    let n: ChainNode | undefined = last;
    while (n && !this.best.has(n)) {
      connected.push(n);
      n = n.prev ?? this.parentOf(n);
    }
    const fork = n!; // the root is always on the best chain
    connected.reverse();
    const keep = fork.height - this.rootNode.height + 1;
    const disconnected = this.best.truncate(keep);
    for (const d of disconnected) this.side.set(d.key, d);
    for (const c of connected) {
      if (this.side.size > 0) this.side.delete(c.key); // only a branch seen before is there
      this.best.append(c);
    }
    if (disconnected.length === 0) return { keep, connected };
    return {
      keep,
      connected,
      reorg: { forkHeight: fork.height, disconnected: disconnected.map((d) => d.entry()), connected: connected.map((c) => c.entry()) },
    };
  }
}

/**
 * A header chain that verifies what it is given: proof of work against
 * `bits`, the difficulty each height requires (retargets every 2016 blocks
 * clamped to ×4, testnet's 20-minute rule, BIP94 on testnet4, none on
 * regtest), median time past, the 2-hour future limit, retired versions,
 * checkpoints, and Core's anti-DoS rule for low-work branches. The branch
 * with the most work is the best chain; a switch is reported on `reorg$`.
 *
 * Memory stays small on mainnet: per header of the best chain, 12 bytes of
 * index (8 bytes of hash and `bits`) and a 4-byte hash-table slot; only the
 * last `memoryHeaders` headers (and side branches) are objects, and older
 * ones are read from the store when asked for. Chain work is exact at
 * every header (see `WorkMarks`), so the most-work rule compares exact
 * values. Opening a stored chain reads its index and hashes only the
 * headers it keeps in memory.
 *
 * @param options - network, store, trusted checkpoint, clock
 * @returns the chain, loaded from the store if it holds one
 * @throws RangeError when the checkpoint does not fit the network; StoreError when the store belongs to another chain
 * @example
 * ```ts
 * import { createHeaderChain, fileHeaderStore, networks } from 'rxbtc';
 * const chain = createHeaderChain({ network: networks.regtest, store: fileHeaderStore('regtest.headers') });
 * await chain.add(headersMessage.headers); // rejects with a ChainError naming the first bad header
 * console.log(chain.height, chain.tip.hashHex);
 * ```
 */
export function createHeaderChain(options: HeaderChainOptions): HeaderChain {
  return new Chain(options);
}
