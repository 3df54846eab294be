import { filter, map, of, take, type Observable } from 'rxjs';
import type { HeaderChain } from '../chain/header-chain.js';
import { checkedTip, highestKept } from './block-refs.js';
import type { ConfirmationEvent, SpendEvent } from './notify-events.js';
import type { CheckedTip, NotifierRecord, StoredRequest } from './notifier-records.js';
import type { NotifierStore } from './notifier-store.js';
import type { Watcher } from './watcher.js';

/** What a stored registration brings back. */
export interface Restored {
  /** Its number in the store. */
  id: number;
  /** The events it delivered, in order. */
  events: (ConfirmationEvent | SpendEvent)[];
  /**
   * Every block from its hint below this height was checked, on a chain the
   * best chain still agrees with up to there (the fork of a reorganisation
   * that happened while the notifier was down is taken into account); undefined: nothing known.
   */
  checkedBelow: number | undefined;
}

/** Write progress at most this often while passes run… */
const PROGRESS_EVERY_MS = 1000;
/** …unless this many blocks more were checked. */
const PROGRESS_EVERY_BLOCKS = 1000;
/** Compact the log once it holds this many superseded progress records. */
const COMPACT_SLACK = 1000;

/**
 * A notifier's memory in a {@link NotifierStore}: each registration (found
 * again by its kind and request), every event it delivered (recorded once
 * delivered, so a restart delivers none again), and how far every running
 * registration was checked (LND's height hints: at most a second or 1,000
 * blocks behind, with the blocks below the tip to find a fork that happened
 * while it was down). Store failures go to `onError`.
 */
export class NotifierJournal {
  private readonly store: NotifierStore;
  private readonly onError: (e: unknown) => void;
  private readonly ids = new Map<string, number>();
  private readonly requests = new Map<number, StoredRequest>();
  private readonly events = new Map<number, (ConfirmationEvent | SpendEvent)[]>();
  private readonly done = new Set<number>();
  private readonly from = new Map<number, number>();
  private tip: CheckedTip | undefined;
  private next = 0;
  private lastWrite = { at: 0, height: -Infinity };
  private writing: Promise<unknown> = Promise.resolve();

  /**
   * @param store - where the records are
   * @param onError - told when a write fails
   */
  constructor(store: NotifierStore, onError: (e: unknown) => void) {
    this.store = store;
    this.onError = onError;
    const records = store.load();
    let progress = 0;
    for (const r of records) {
      if (r.type === 'registration') {
        this.ids.set(r.key, r.id);
        this.requests.set(r.id, r.request);
        this.next = Math.max(this.next, r.id + 1);
      } else if (r.type === 'event') {
        let list = this.events.get(r.id);
        if (!list) this.events.set(r.id, (list = []));
        list.push(r.event);
      } else if (r.type === 'done') {
        this.done.add(r.id);
      } else {
        progress++;
        this.tip = r.tip;
        for (const [id, from] of r.from) this.from.set(id, from);
      }
    }
    if (progress > COMPACT_SLACK) this.write(() => store.compact(this.compacted(records)));
  }

  /** The registrations stored that have not said all they had to, in the order they were first made. */
  get pending(): StoredRequest[] {
    return [...this.requests].filter(([id]) => !this.done.has(id)).map(([, r]) => r);
  }

  /** Emits once `chain` is as high as the tip last recorded (a chain still syncing has not seen a reorganisation yet). */
  ready(chain: HeaderChain): Observable<void> {
    const height = this.tip?.height ?? -1;
    if (chain.height >= height) return of(undefined);
    return chain.tip$.pipe(
      filter((t) => t.height >= height),
      take(1),
      map(() => undefined),
    );
  }

  /** Find a registration again (or store it the first time): its events and how far it was checked. */
  open(key: string, request: StoredRequest, chain: HeaderChain): Restored {
    const id = this.ids.get(key);
    if (id === undefined) {
      const fresh = this.next++;
      this.ids.set(key, fresh);
      this.requests.set(fresh, request);
      this.write(() => this.store.append([{ type: 'registration', id: fresh, key, request }]));
      return { id: fresh, events: [], checkedBelow: undefined };
    }
    this.done.delete(id);
    const kept = this.tip && highestKept(chain, this.tip);
    const from = this.from.get(id);
    return {
      id,
      events: [...(this.events.get(id) ?? [])],
      checkedBelow: kept === undefined || from === undefined ? undefined : Math.min(from, kept + 1),
    };
  }

  /** An event was delivered to a registration's subscriber. */
  delivered(id: number, event: ConfirmationEvent | SpendEvent): void {
    let list = this.events.get(id);
    if (!list) this.events.set(id, (list = []));
    list.push(event);
    this.write(() => this.store.append([{ type: 'event', id, event }]));
    this.lastWrite.at = 0; // the next progress is written at once
  }

  /** A registration said all it had to. */
  finished(id: number): void {
    this.done.add(id);
    this.write(() => this.store.append([{ type: 'done', id }]));
  }

  /**
   * Every running registration was checked below its `needs.first`, on the
   * chain up to `height`: recorded when a second or 1,000 blocks passed
   * since the last record (or an event was delivered since), or at once with `now`.
   */
  checked(chain: HeaderChain, height: number, running: ReadonlyMap<Watcher, number>, now = false): void {
    const t = Date.now();
    if (!now && t - this.lastWrite.at < PROGRESS_EVERY_MS && height - this.lastWrite.height < PROGRESS_EVERY_BLOCKS) return;
    const tip = checkedTip(chain, Math.min(height, chain.height));
    if (!tip || running.size === 0) return;
    this.lastWrite = { at: t, height };
    const from: [number, number][] = [...running].map(([w, id]) => [id, Math.min(w.needs.first, tip.height + 1)]);
    for (const [id, f] of from) this.from.set(id, f);
    this.tip = tip;
    this.write(() => this.store.append([{ type: 'progress', tip, from }]));
  }

  /** Wait for the writes made so far. */
  flush(): Promise<void> {
    return this.writing.then(() => undefined);
  }

  /** Run a write (the file store's are synchronous and may throw), its failure told to `onError`. */
  private write(run: () => Promise<void>): void {
    let done: Promise<void>;
    try {
      done = run();
    } catch (e) {
      done = Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    this.writing = this.writing.then(() => done).catch((e: unknown) => this.onError(e));
  }

  /** Every record but the superseded progress: the last one, with every registration's latest height. */
  private compacted(records: readonly NotifierRecord[]): NotifierRecord[] {
    const kept: NotifierRecord[] = records.filter((r) => r.type !== 'progress');
    if (this.tip) kept.push({ type: 'progress', tip: this.tip, from: [...this.from] });
    return kept;
  }
}
