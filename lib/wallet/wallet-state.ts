import { fromHex, toHex } from '../wire/hex.js';
import { StoreError, StoreErrorCode } from '../storage/store-error.js';
import type { BlockRef, WalletRecord } from './wallet-records.js';
import type { WalletStore } from './wallet-store.js';
import type { Descriptor } from './descriptor.js';
import { Keychains, scriptKey } from './keychains.js';
import { WalletTracker, type WalletEvent } from './wallet-tracker.js';
import type { WalletView } from './wallet-view.js';

/** A checked height whose block is looked up only when written (see {@link WalletState.scanned}). */
export interface LazyBlockRef {
  /** The height. */
  height: number;
  /** Its block on the best chain now, or undefined when there is none. */
  ref: () => BlockRef | undefined;
}

/** What a watch asks of a stored wallet. */
export interface WalletStart {
  /** The network's name; a store of another network is refused. */
  network: string;
  /** Scripts to watch (added to those stored). */
  scripts: readonly Uint8Array[];
  /** The birthday of these scripts: where their scan starts (required for scripts the store does not hold yet). */
  from?: number;
  /** Descriptors to watch, derived to the gap limit (their keychain state is restored from the store). */
  descriptors?: readonly Descriptor[];
  /** Indices derived past the last used. @default 20 */
  gapLimit?: number;
  /** Filled with every stored event, then kept up to date. */
  view?: WalletView;
}

/** The last block checked, as a wallet store remembers it. */
export interface CheckedBlock extends BlockRef {
  /** Blocks 1, 2, 4, … below it, to find where a chain that left it forked. */
  below: BlockRef[];
}

/** How far checking may run ahead of the last `checked` record: blocks… */
const CHECKED_EVERY_BLOCKS = 1000;
/** …and milliseconds. */
const CHECKED_EVERY_MS = 1000;
/** Compact a log once it holds this many records more than its compacted form would. */
const COMPACT_SLACK = 1000;

/**
 * A wallet restored from a {@link WalletStore}: its scripts, the tracker
 * rebuilt from every event delivered before (so none is delivered twice),
 * and the last block checked; it records each new event once delivered and
 * how far checking got (at most 1,000 blocks or one second behind, at once
 * after an event or a reorganisation). Store failures go to `onError`.
 */
export class WalletState {
  /** The wallet's memory, restored. */
  readonly tracker: WalletTracker;
  /** The last block every block up to which had been checked, when known. */
  readonly checked: CheckedBlock | undefined;
  /** Where scanning starts: after the last block checked, or the birthday of scripts new to the store. */
  readonly resumeFrom: number | undefined;
  /** The stored birthday. */
  readonly birthday: number | undefined;
  /** Events the store held. */
  readonly restoredEvents: number;
  private readonly store: WalletStore;
  /** Scripts the last wallet record holds (checked in every block scanned). */
  private readonly stored = new Set<string>();
  private network = '';
  private writing: Promise<unknown> = Promise.resolve();
  private pending: { at: BlockRef | LazyBlockRef; below: (at: BlockRef) => BlockRef[] | undefined } | undefined;
  private lastChecked = { height: -1, at: 0 };
  private eventSinceChecked = false;
  /** Told when the store fails (the watch errors with it). */
  private readonly onError: (e: unknown) => void;

  /**
   * @param store - where the wallet is kept
   * @param start - network, scripts, birthday
   * @param onError - told when a write fails
   * @throws StoreError `mismatch` for a store of another network; RangeError when new scripts have no birthday
   */
  constructor(store: WalletStore, start: WalletStart, onError: (e: unknown) => void = () => undefined) {
    this.store = store;
    this.onError = onError;
    this.network = start.network;
    const records = store.load();
    const first = records.find((r) => r.type === 'wallet');
    if (first && first.network !== start.network) {
      throw new StoreError(StoreErrorCode.Mismatch, store.location, `holds a ${first.network} wallet, not ${start.network}`);
    }
    const wallets = records.filter((r) => r.type === 'wallet');
    const keychains = start.descriptors?.length
      ? new Keychains(start.descriptors, start.gapLimit, wallets.at(-1)?.keychains ?? [])
      : undefined;
    this.tracker = new WalletTracker([], {
      journal: { prepare: (e) => this.prepare(e), commit: (e) => this.record(e), settled: (sc) => this.settled(sc) },
      ...(keychains ? { keychains } : {}),
      ...(start.view ? { view: start.view } : {}),
    });
    let wallet: Extract<WalletRecord, { type: 'wallet' }> | undefined;
    let checked: Extract<WalletRecord, { type: 'checked' }> | undefined;
    let events = 0;
    for (const r of records) {
      if (r.type === 'wallet') {
        wallet = r;
        this.tracker.addScripts(r.scripts.map(fromHex));
        for (const hex of r.scripts) this.stored.add(scriptKey(fromHex(hex)));
      } else if (r.type === 'event') {
        this.tracker.replay(r.event);
        events++;
      } else {
        checked = r;
      }
    }
    this.restoredEvents = events;
    this.checked = checked && { height: checked.height, hash: checked.hash, below: checked.below };
    this.birthday = wallet?.from;
    this.tracker.addScripts(start.scripts);
    // Scripts the store does not hold as checked: new ones, a new descriptor's, or those derived for payments found
    // by a run that stopped before it had checked them in the blocks before (they are all scanned from the birthday).
    const fresh = this.tracker.watched.filter((x) => !this.stored.has(scriptKey(x)));
    let resume = checked ? checked.height + 1 : wallet?.from;
    if (fresh.length > 0 || !wallet) {
      const from = start.from ?? wallet?.from;
      if (from === undefined) throw new RangeError('scripts new to the wallet need a birthday (from)');
      resume = resume === undefined ? from : Math.min(resume, from);
      const birthday = Math.min(from, wallet?.from ?? from);
      wallet = this.walletRecord(birthday, start.network);
      this.birthday = birthday;
      this.enqueue([wallet]);
    }
    this.resumeFrom = resume;
    if (records.length > events + 2 + COMPACT_SLACK) {
      const all = records.filter((r) => r.type === 'event');
      const compacted: WalletRecord[] = [wallet, ...all, ...(checked ? [checked] : [])];
      this.settle(() => store.compact(compacted));
    }
  }

  private walletRecord(from: number, network: string): Extract<WalletRecord, { type: 'wallet' }> {
    const scripts = this.tracker.watched;
    for (const x of scripts) this.stored.add(scriptKey(x));
    const keychains = this.tracker.keychains?.state();
    return { type: 'wallet', network, scripts: scripts.map(toHex), from, ...(keychains ? { keychains } : {}) };
  }

  /** Every script the tracker has is checked in every block scanned: store the set when it grew. */
  private settled(scripts: Uint8Array[]): void {
    if (scripts.every((x) => this.stored.has(scriptKey(x))) || this.birthday === undefined) return;
    this.enqueue([this.walletRecord(this.birthday, this.network)]);
  }

  /** The scripts watched: the stored ones and any added. */
  get scripts(): Uint8Array[] {
    return this.tracker.watched;
  }

  /**
   * Hand records to the store at once (it applies calls in order; a file
   * store writes before it returns), so an event is in the log within
   * microseconds of its delivery; the promise is only for durability.
   */
  private enqueue(records: WalletRecord[]): void {
    this.settle(() => this.store.append(records));
  }

  private settle(write: () => Promise<void>): void {
    let done: Promise<void>;
    try {
      done = write();
    } catch (e) {
      done = Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    this.writing = Promise.all([this.writing, done]).catch((e: unknown) => this.onError(e));
  }

  /** An event was delivered: record it (before any later progress). */
  /** Records made for events not delivered yet (encoded by the store ahead of time). */
  private readonly prepared = new WeakMap<WalletEvent, WalletRecord>();

  private prepare(e: WalletEvent): void {
    const record: WalletRecord = { type: 'event', event: e };
    this.store.prepare?.(record);
    this.prepared.set(e, record);
  }

  private record(e: WalletEvent): void {
    this.enqueue([this.prepared.get(e) ?? { type: 'event', event: e }]);
    this.prepared.delete(e);
    this.eventSinceChecked = true;
  }

  /**
   * Every block up to `at` is checked. `below` gives the blocks 1, 2, 4, …
   * below it on the best chain, or undefined when `at` has left it; it is
   * called only when a record is written (a pending record whose block has
   * left the best chain is not written). `at` may be a height with a way to
   * look its block up, called only when a record is written: a scan tells
   * every height, and most are never written.
   */
  scanned(at: BlockRef | LazyBlockRef, below: (at: BlockRef) => BlockRef[] | undefined): void {
    const now = Date.now();
    const due =
      this.eventSinceChecked ||
      at.height < this.lastChecked.height ||
      at.height - this.lastChecked.height >= CHECKED_EVERY_BLOCKS ||
      now - this.lastChecked.at >= CHECKED_EVERY_MS;
    this.pending = { at, below };
    if (due) this.writePending(now);
  }

  private writePending(now = Date.now()): void {
    const p = this.pending;
    this.pending = undefined;
    if (!p) return;
    const at = 'ref' in p.at ? p.at.ref() : p.at;
    const below = at && p.below(at);
    if (!at || !below) return;
    this.eventSinceChecked = false;
    this.lastChecked = { height: at.height, at: now };
    this.enqueue([{ type: 'checked', height: at.height, hash: at.hash, below }]);
  }

  /** Write what is pending (the last progress) and wait for every write. */
  async flush(): Promise<void> {
    this.writePending();
    await this.writing;
  }
}
