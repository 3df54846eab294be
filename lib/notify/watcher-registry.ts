import { Subject, type Observable } from 'rxjs';
import type { Block } from '../wire/messages/block.js';
import { hashToHex, toHex } from '../wire/hex.js';
import { txid as txidOf, type Transaction } from '../wire/transaction.js';
import type { WalletProof } from '../wallet/wallet-tracker.js';
import { spentOutpoint } from './outpoint.js';
import type { Watcher } from './watcher.js';

/** A block of the best chain as the registry searches it. */
export interface SearchedBlock {
  /** Its height. */
  height: number;
  /** Its hash, display hex. */
  blockHash: string;
}

/**
 * The registrations a notifier runs, indexed for what they look for: the
 * scripts (one copy each, for the filters), transaction ids and outpoints
 * (for the transactions of a block or the mempool). A transaction is handed
 * only to the registrations it concerns.
 */
export class WatcherRegistry {
  private readonly all = new Set<Watcher>();
  private readonly byTxid = new Map<string, Set<Watcher>>();
  private readonly byOutpoint = new Map<string, Set<Watcher>>();
  private readonly scriptUse = new Map<string, { script: Uint8Array; users: number }>();
  private scriptCache: Uint8Array[] | undefined;
  private readonly addedSubject = new Subject<Watcher>();
  /** Each registration as it is added. */
  readonly added$: Observable<Watcher> = this.addedSubject.asObservable();

  /** Registrations running. */
  get size(): number {
    return this.all.size;
  }

  /** The registrations (a copy: they may leave while it is walked). */
  get watchers(): Watcher[] {
    return [...this.all];
  }

  /** Every registration's script, each once. */
  get scripts(): readonly Uint8Array[] {
    this.scriptCache ??= [...this.scriptUse.values()].map((u) => u.script);
    return this.scriptCache;
  }

  /** The lowest height some registration still needs checked (`Infinity` when none does). */
  get lowestNeed(): number {
    let low = Infinity;
    for (const w of this.all) low = Math.min(low, w.needs.first);
    return low;
  }

  /** Run a registration. */
  add(w: Watcher): void {
    if (this.all.has(w)) return;
    this.all.add(w);
    for (const id of w.txids) index(this.byTxid, id).add(w);
    for (const op of w.outpoints) index(this.byOutpoint, op).add(w);
    const k = toHex(w.script);
    const use = this.scriptUse.get(k);
    if (use) use.users++;
    else {
      this.scriptUse.set(k, { script: w.script, users: 1 });
      this.scriptCache = undefined;
    }
    this.addedSubject.next(w);
  }

  /** Stop running a registration. */
  remove(w: Watcher): void {
    if (!this.all.delete(w)) return;
    for (const id of w.txids) unindex(this.byTxid, id, w);
    for (const op of w.outpoints) unindex(this.byOutpoint, op, w);
    const k = toHex(w.script);
    const use = this.scriptUse.get(k);
    if (use && --use.users === 0) {
      this.scriptUse.delete(k);
      this.scriptCache = undefined;
    }
  }

  /** Hand every transaction of a best-chain block to the registrations it concerns; `proof` says how each is proved. */
  searchBlock(block: Block, at: SearchedBlock, proof: (index: number) => WalletProof): void {
    block.transactions.forEach((tx, index) => this.searchTx(tx, { ...at, proof: proof(index) }));
  }

  /** Hand a transaction of the block `at` (or, without `at`, an unconfirmed one) to the registrations it concerns. */
  searchTx(tx: Transaction, at?: SearchedBlock & { proof: WalletProof }): void {
    if (this.all.size === 0) return;
    const id = hashToHex(txidOf(tx));
    const concerned = new Set(this.byTxid.get(id));
    for (const input of tx.inputs) for (const w of this.byOutpoint.get(spentOutpoint(input)) ?? []) concerned.add(w);
    for (const w of concerned) if (this.all.has(w)) w.saw(tx, id, at);
  }

  /** The best chain's tip moved to `height`. */
  tip(height: number): void {
    for (const w of this.watchers) if (this.all.has(w)) w.tip(height);
  }

  /**
   * Blocks above `forkHeight` left the best chain: what they held is undone
   * (`reorged` notices), and every registration needs the heights above the
   * fork checked again.
   */
  reorganised(forkHeight: number, disconnected: readonly string[]): void {
    const gone = new Set(disconnected);
    for (const w of this.watchers) {
      if (!this.all.has(w)) continue;
      w.disconnected(gone);
      w.needs.add(Math.max(forkHeight + 1, w.heightHint), Infinity);
    }
  }

  /** Tell the registrations that need nothing up to `tip` (the best chain's) that they are caught up. */
  caughtUp(tip: number): void {
    for (const w of this.watchers) if (this.all.has(w) && w.needs.clearTo(tip)) w.caughtUp(tip);
  }
}

function index(map: Map<string, Set<Watcher>>, key: string): Set<Watcher> {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
}

function unindex(map: Map<string, Set<Watcher>>, key: string, w: Watcher): void {
  const set = map.get(key);
  set?.delete(w);
  if (set?.size === 0) map.delete(key);
}
