import { BehaviorSubject, Subject, type Observable } from 'rxjs';
import { allocBytes } from '../wire/byte-pool.js';
import { BLOCK_HEADER_SIZE, type BlockHeader } from '../wire/block-header.js';
import { sha256dKey } from '../wire/hash.js';
import { fromHex, hashFromHex } from '../wire/hex.js';
import type { Network } from '../wire/networks.js';
import { bitsInfo, keyMeetsTarget } from './bits-cache.js';
import { ChainNode, type ChainEntry } from './chain-node.js';
import { ChainError, ChainErrorCode } from './errors.js';
import { hashKey, keyEqualsAt, keyToHex } from './hash-key.js';
import type { HeaderStore } from './header-store.js';
import { memoryHeaderStore } from './header-store.js';
import { chainParams, type ChainParams } from './params.js';
import { MAX_FUTURE_BLOCK_TIME, MAX_TIMEWARP, medianTimePast, requiredBits, versionRetired } from './rules.js';

/** A trusted starting point: light clients start from a recent header instead of genesis. */
export interface TrustedCheckpoint {
  /** Its height. For networks that retarget it must be a retarget height (a multiple of 2016). */
  height: number;
  /** The header, as 80 raw bytes or decoded. */
  header: Uint8Array | BlockHeader;
  /** Total work of the chain up to and including it, when known; enables the minimum-chain-work check. */
  chainWork?: bigint;
}

/** Options of {@link createHeaderChain}. */
export interface HeaderChainOptions {
  /** The network whose rules apply. */
  network: Network;
  /** Where the best chain is kept. @default memoryHeaderStore() */
  store?: HeaderStore;
  /** Start from this trusted header instead of the genesis block. */
  checkpoint?: TrustedCheckpoint;
  /** Override the consensus rules (tests, custom networks). @default chainParams(network) */
  params?: ChainParams;
  /** The clock for the 2-hour future limit, in seconds since 1970. @default Date.now() / 1000 */
  now?: () => number;
}

/** A change of best chain that is not a plain extension. */
export interface Reorg {
  /** Height of the last block both chains share. */
  forkHeight: number;
  /** Blocks that left the best chain, lowest first. */
  disconnected: ChainEntry[];
  /** Blocks that joined it, lowest first. */
  connected: ChainEntry[];
}

/** What one {@link HeaderChain.add} did. */
export interface AddResult {
  /** Headers stored that were not known before. */
  added: number;
  /** The best chain's tip afterwards. */
  tip: ChainEntry;
  /** Set when the best chain switched branches. */
  reorg?: Reorg;
}

/** A header chain verified by rxbtc itself; see {@link createHeaderChain}. */
export interface HeaderChain {
  /** The network. */
  readonly network: Network;
  /** The rules in force. */
  readonly params: ChainParams;
  /** The best chain's tip. */
  readonly tip: ChainEntry;
  /** Its height. */
  readonly height: number;
  /** The chain's first stored header (genesis or the trusted checkpoint). */
  readonly root: ChainEntry;
  /** The tip now and at every change. */
  readonly tip$: Observable<ChainEntry>;
  /** Every reorganisation. */
  readonly reorg$: Observable<Reorg>;
  /**
   * Validate and store headers in order. Headers before the first invalid
   * one are kept; then it rejects with a {@link ChainError}. Resolves once
   * the store has them on disk.
   */
  add(headers: readonly (BlockHeader | Uint8Array)[]): Promise<AddResult>;
  /** A best-chain header by height, or any known header by hash (wire-order bytes or display hex). */
  header(heightOrHash: number | Uint8Array | string): ChainEntry | undefined;
  /** Whether a hash is on the best chain. */
  isBest(hash: Uint8Array): boolean;
  /** A block locator for getheaders: the last 10 hashes, then exponentially sparser, ending at the root. */
  locator(from?: ChainEntry): Uint8Array[];
  /**
   * Answer a locator as a peer would (Core's FindForkInGlobalIndex): the
   * best-chain entries after the first locator hash on the best chain, up to
   * `stop` (included) or `max` entries.
   */
  after(locator: readonly Uint8Array[], stop?: Uint8Array, max?: number): ChainEntry[];
  /**
   * Whether the best chain has at least the network's minimum chain work
   * (always true when the chain started from a checkpoint of unknown work).
   */
  readonly meetsMinimumWork: boolean;
  /** Release the store. */
  close(): Promise<void>;
}

/** Blocks of work behind the tip within which a competing branch is always worth storing (Core's anti-DoS window). */
export const ANTI_DOS_BLOCKS = 144;

function rawOf(h: BlockHeader | Uint8Array): Uint8Array {
  if (h instanceof Uint8Array) {
    if (h.length !== BLOCK_HEADER_SIZE) throw new RangeError(`a raw header is ${BLOCK_HEADER_SIZE} bytes, got ${h.length}`);
    const copy = allocBytes(BLOCK_HEADER_SIZE);
    copy.set(h);
    return copy;
  }
  const out = allocBytes(BLOCK_HEADER_SIZE);
  const put32 = (o: number, v: number): void => {
    out[o] = v;
    out[o + 1] = v >>> 8;
    out[o + 2] = v >>> 16;
    out[o + 3] = v >>> 24;
  };
  put32(0, h.version);
  // A loop beats TypedArray#set for 32 bytes (its call overhead dominates), and this runs twice per header.
  const prev = h.prevBlock;
  const root = h.merkleRoot;
  if (prev.length !== 32 || root.length !== 32) throw new RangeError('header hashes are 32 bytes');
  for (let i = 0; i < 32; i++) {
    out[4 + i] = prev[i]!;
    out[36 + i] = root[i]!;
  }
  put32(68, h.timestamp);
  put32(72, h.bits);
  put32(76, h.nonce);
  return out;
}

function genesisRaw(params: ChainParams): Uint8Array {
  const g = params.genesis;
  return rawOf({
    version: g.version,
    prevBlock: new Uint8Array(32),
    merkleRoot: hashFromHex(g.merkleRoot),
    timestamp: g.timestamp,
    bits: g.bits,
    nonce: g.nonce,
  });
}

class Chain implements HeaderChain {
  readonly network: Network;
  readonly params: ChainParams;
  private readonly store: HeaderStore;
  private readonly now: () => number;
  private readonly byKey = new Map<string, ChainNode>();
  private readonly main: ChainNode[] = [];
  private readonly rootNode: ChainNode;
  private readonly workKnown: boolean;
  private readonly checkpointKeys = new Map<number, string>();
  private readonly tipSubject: BehaviorSubject<ChainEntry>;
  private readonly reorgSubject = new Subject<Reorg>();
  private writing: Promise<unknown> = Promise.resolve();
  private readonly ancestorOf = (n: ChainNode, height: number): ChainNode | undefined => this.ancestor(n, height);
  /** The store does not hold the root record yet (a new store): the first write starts with it. */
  private storeEmpty = true;
  readonly tip$: Observable<ChainEntry>;
  readonly reorg$: Observable<Reorg>;

  constructor(options: HeaderChainOptions) {
    this.network = options.network;
    this.params = options.params ?? chainParams(options.network);
    this.store = options.store ?? memoryHeaderStore();
    this.now = options.now ?? ((): number => Date.now() / 1000);
    for (const c of this.params.checkpoints) this.checkpointKeys.set(c.height, hashKey(hashFromHex(c.hash)));

    const cp = options.checkpoint;
    if (cp && !this.params.noRetargeting && cp.height % this.params.retargetInterval !== 0) {
      throw new RangeError(
        `a checkpoint must be at a retarget height (a multiple of ${this.params.retargetInterval}) to validate the next retarget`,
      );
    }
    const raw = cp ? rawOf(cp.header) : genesisRaw(this.params);
    const key = sha256dKey(raw);
    if (!cp && keyToHex(key) !== this.network.genesisHash)
      throw new RangeError(`params.genesis does not hash to ${this.network.name}'s genesis`);
    const known = this.checkpointKeys.get(cp?.height ?? -1);
    if (cp && known !== undefined && known !== key)
      throw new RangeError(`the trusted checkpoint at ${cp.height} contradicts a hard-coded checkpoint`);
    this.workKnown = !cp || cp.chainWork !== undefined;
    this.rootNode = new ChainNode(
      key,
      cp?.height ?? 0,
      raw,
      cp?.chainWork ?? bitsInfo(raw[72]! | (raw[73]! << 8) | (raw[74]! << 16) | (raw[75]! << 24)).work,
      undefined,
    );
    this.byKey.set(key, this.rootNode);
    this.main.push(this.rootNode);
    this.loadStore();
    this.tipSubject = new BehaviorSubject<ChainEntry>(this.tip);
    this.tip$ = this.tipSubject.asObservable();
    this.reorg$ = this.reorgSubject.asObservable();
  }

  /** Rebuild the best chain from the store: links are checked (each record's parent is the record before), rules are not. */
  private loadStore(): void {
    const stored = this.store.load();
    if (!stored) return;
    this.storeEmpty = false;
    if (stored.rootHeight !== this.rootNode.height || sha256dKey(stored.headers.subarray(0, BLOCK_HEADER_SIZE)) !== this.rootNode.key) {
      throw new RangeError(`the header store starts at another root (height ${stored.rootHeight}) than this chain`);
    }
    let prev = this.rootNode;
    for (let off = BLOCK_HEADER_SIZE; off + BLOCK_HEADER_SIZE <= stored.headers.length; off += BLOCK_HEADER_SIZE) {
      const raw = allocBytes(BLOCK_HEADER_SIZE);
      raw.set(stored.headers.subarray(off, off + BLOCK_HEADER_SIZE));
      if (!keyEqualsAt(prev.key, raw, 4)) break; // a corrupted record: it and everything after is dropped
      const key = sha256dKey(raw);
      const node = new ChainNode(key, prev.height + 1, raw, prev.chainWork + bitsInfo(readU32(raw, 72)).work, prev);
      this.byKey.set(key, node);
      this.main.push(node);
      prev = node;
    }
  }

  get tip(): ChainNode {
    return this.main[this.main.length - 1]!;
  }

  get height(): number {
    return this.tip.height;
  }

  get root(): ChainEntry {
    return this.rootNode;
  }

  get meetsMinimumWork(): boolean {
    return !this.workKnown || this.tip.chainWork >= this.params.minimumChainWork;
  }

  header(heightOrHash: number | Uint8Array | string): ChainEntry | undefined {
    if (typeof heightOrHash === 'number') return this.main[heightOrHash - this.rootNode.height];
    const bytes = typeof heightOrHash === 'string' ? fromHex(heightOrHash).reverse() : heightOrHash;
    return this.byKey.get(hashKey(bytes));
  }

  isBest(hash: Uint8Array): boolean {
    const n = this.byKey.get(hashKey(hash));
    return n !== undefined && this.onMain(n);
  }

  locator(from: ChainEntry = this.tip): Uint8Array[] {
    const out: Uint8Array[] = [];
    let node = this.byKey.get(hashKey(from.hash));
    let step = 1;
    while (node) {
      out.push(node.hash);
      if (node === this.rootNode) break;
      if (out.length >= 10) step *= 2;
      const target = Math.max(node.height - step, this.rootNode.height);
      node = this.ancestor(node, target);
    }
    return out;
  }

  after(locator: readonly Uint8Array[], stop?: Uint8Array, max = 2000): ChainEntry[] {
    let start = this.rootNode.height;
    for (const hash of locator) {
      const n = this.byKey.get(hashKey(hash));
      if (n && this.onMain(n)) {
        start = n.height;
        break;
      }
    }
    const out: ChainEntry[] = [];
    const stopKey = stop?.some((b) => b !== 0) ? hashKey(stop) : undefined;
    for (let h = start + 1; h <= this.tip.height && out.length < max; h++) {
      const n = this.main[h - this.rootNode.height]!;
      out.push(n);
      if (n.key === stopKey) break;
    }
    return out;
  }

  add(headers: readonly (BlockHeader | Uint8Array)[]): Promise<AddResult> {
    const { fresh, error } = this.validate(headers);
    const last = fresh[fresh.length - 1];
    if (last && !this.extendsTip(fresh[0]!) && last.chainWork < this.antiDosThreshold()) {
      const e = new ChainError(
        ChainErrorCode.LowWork,
        `a branch with chain work ${last.chainWork} is below the ${this.antiDosThreshold()} worth storing`,
        last.height,
        last.hashHex,
      );
      return Promise.reject(error ?? e);
    }
    for (const n of fresh) this.byKey.set(n.key, n);
    const change = last && last.chainWork > this.tip.chainWork ? this.switchTo(last) : undefined;
    const written = this.writing.then(async () => {
      if (!change) return;
      const records = change.connected.map((n) => n.raw);
      if (this.storeEmpty) {
        await this.store.write(this.rootNode.height, 0, [this.rootNode.raw, ...records]);
        this.storeEmpty = false;
      } else {
        await this.store.write(this.rootNode.height, change.keep, records);
      }
    });
    this.writing = written.catch(() => undefined);
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

  /** Validate a batch in order; returns the new nodes before the first failure, and that failure. */
  private validate(headers: readonly (BlockHeader | Uint8Array)[]): { fresh: ChainNode[]; error?: ChainError } {
    const fresh: ChainNode[] = [];
    const latest = this.now() + MAX_FUTURE_BLOCK_TIME; // one clock reading per batch
    const passed = this.lastPassedCheckpoint();
    let parent: ChainNode | undefined;
    for (const header of headers) {
      const raw = rawOf(header);
      const key = sha256dKey(raw);
      const known = this.byKey.get(key);
      if (parent && !keyEqualsAt(parent.key, raw, 4)) {
        return {
          fresh,
          error: new ChainError(ChainErrorCode.BadLink, 'headers are not a continuous sequence', parent.height + 1, keyToHex(key)),
        };
      }
      if (known) {
        parent = known;
        continue;
      }
      parent ??= this.byKey.get(hashKey(raw.subarray(4, 36)));
      const height = parent ? parent.height + 1 : -1;
      // Core's order: context-free proof of work first, then the parent, then the contextual rules.
      const bits = readU32(raw, 72);
      const info = bitsInfo(bits);
      let failure: [ChainErrorCode, string] | undefined;
      if (info.invalid !== undefined) failure = [ChainErrorCode.BadPow, `bits 0x${bits.toString(16)} is ${info.invalid}`];
      else if (info.target > this.params.powLimit)
        failure = [ChainErrorCode.BadPow, `bits 0x${bits.toString(16)} is above the network's proof-of-work limit`];
      else if (!keyMeetsTarget(key, info.targetLE))
        failure = [ChainErrorCode.BadPow, `hash above the target of bits 0x${bits.toString(16)}`];
      else if (!parent) failure = [ChainErrorCode.BadLink, `previous block ${keyToHex(hashKey(raw.subarray(4, 36)))} is unknown`];
      if (failure || !parent) return { fresh, error: new ChainError(failure![0], failure![1], height, keyToHex(key)) };
      const node = new ChainNode(key, height, raw, parent.chainWork + info.work, parent);
      failure = this.contextual(node, parent, latest, passed);
      if (failure) return { fresh, error: new ChainError(failure[0], failure[1], height, keyToHex(key)) };
      fresh.push(node);
      parent = node;
    }
    return { fresh };
  }

  /** Core's ContextualCheckBlockHeader, in its order; undefined when the header passes. */
  private contextual(node: ChainNode, parent: ChainNode, latest: number, passed: number): [ChainErrorCode, string] | undefined {
    const p = this.params;
    const required = requiredBits(parent, node.time, p, this.ancestorOf);
    if (required === undefined) return [ChainErrorCode.BadBits, 'the retarget period starts below this chain’s root'];
    if (node.bits !== required) return [ChainErrorCode.BadBits, `bits 0x${node.bits.toString(16)}, required 0x${required.toString(16)}`];
    const cp = this.checkpointKeys.get(node.height);
    if (cp !== undefined && cp !== node.key) return [ChainErrorCode.CheckpointMismatch, `checkpoint at ${node.height} is ${keyToHex(cp)}`];
    if (node.height <= passed) return [ChainErrorCode.CheckpointMismatch, `forks below the checkpoint at ${passed}`];
    const mtp = medianTimePast(parent);
    if (node.time <= mtp) return [ChainErrorCode.TimeTooOld, `time ${node.time} is not after the median time past ${mtp}`];
    if (p.enforceBip94 && node.height % p.retargetInterval === 0 && node.time < parent.time - MAX_TIMEWARP) {
      return [ChainErrorCode.TimeWarp, `time ${node.time} is more than ${MAX_TIMEWARP} s before its parent's ${parent.time}`];
    }
    if (node.time > latest) return [ChainErrorCode.TimeTooNew, `time ${node.time} is more than 2 hours ahead of the clock`];
    if (versionRetired(node.version, node.height, p))
      return [ChainErrorCode.BadVersion, `version ${node.version} is retired at height ${node.height}`];
    return undefined;
  }

  /** The highest hard-coded checkpoint the best chain has reached (-1 when none). */
  private lastPassedCheckpoint(): number {
    let passed = -1;
    for (const c of this.params.checkpoints) if (c.height <= this.tip.height && c.height > passed) passed = c.height;
    return passed;
  }

  private onMain(n: ChainNode): boolean {
    return this.main[n.height - this.rootNode.height] === n;
  }

  private ancestor(n: ChainNode, height: number): ChainNode | undefined {
    if (height < this.rootNode.height || height > n.height) return undefined;
    if (this.onMain(n)) return this.main[height - this.rootNode.height];
    let a: ChainNode | undefined = n;
    while (a && a.height > height) {
      if (this.onMain(a)) return this.main[height - this.rootNode.height];
      a = a.prev;
    }
    return a;
  }

  private extendsTip(first: ChainNode): boolean {
    return first.prev === this.tip;
  }

  /** Core's anti-DoS threshold: the network's minimum chain work, or the tip's work less 144 blocks', whichever is more. */
  private antiDosThreshold(): bigint {
    const tip = this.tip;
    const window = tip.chainWork - BigInt(ANTI_DOS_BLOCKS) * bitsInfo(tip.bits).work;
    const minimum = this.workKnown ? this.params.minimumChainWork : 0n;
    return window > minimum ? window : minimum;
  }

  /** Make `last` the tip; returns how the stored chain changes. */
  private switchTo(last: ChainNode): { keep: number; connected: ChainNode[]; reorg?: Reorg } {
    const connected: ChainNode[] = [];
    let n: ChainNode | undefined = last;
    while (n && !this.onMain(n)) {
      connected.push(n);
      n = n.prev;
    }
    const fork = n!; // the root is always on the best chain
    connected.reverse();
    const keep = fork.height - this.rootNode.height + 1;
    const disconnected = this.main.splice(keep);
    for (const c of connected) this.main.push(c);
    if (disconnected.length === 0) return { keep, connected };
    return {
      keep,
      connected,
      reorg: { forkHeight: fork.height, disconnected: disconnected.map((d) => d.entry()), connected: connected.map((c) => c.entry()) },
    };
  }
}

function readU32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}

/**
 * A header chain that verifies what it is given: proof of work against
 * `bits`, the difficulty each height requires (retargets every 2016 blocks
 * clamped to ×4, testnet's 20-minute rule, BIP94 on testnet4, none on
 * regtest), median time past, the 2-hour future limit, retired versions,
 * checkpoints, and Core's anti-DoS rule for low-work branches. The branch
 * with the most work is the best chain; a switch is reported on `reorg$`.
 *
 * @param options - network, store, trusted checkpoint, clock
 * @returns the chain, loaded from the store if it holds one
 * @throws RangeError when the checkpoint or the store do not fit the network
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
