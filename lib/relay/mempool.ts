import { Observable, Subject, Subscription, asyncScheduler, from, merge, share, takeUntil, type SchedulerLike } from 'rxjs';
import { MruSet } from '../peer/mru-set.js';
import type { Peer } from '../peer/peer-api.js';
import { hashToHex } from '../wire/hex.js';
import { ServiceFlag, hasService } from '../wire/services.js';
import type { Block } from '../wire/messages/block.js';
import { InvType, type InvVector } from '../wire/messages/inv.js';
import { encodeTransaction, txid as txidOf, wtxid as wtxidOf, type Transaction } from '../wire/transaction.js';
import { eachPeer, type RelaySource } from './each-peer.js';
import { isWellFormed } from './check-transaction.js';
import { Entry, outpointKey, recentKey } from './mempool-entry.js';
import type { RebuildCandidate } from './rebuild-block.js';

export { MEMPOOL_ENTRY_OVERHEAD, MEMPOOL_INPUT_OVERHEAD } from './mempool-entry.js';
import type { MempoolDrop, MempoolEvent, MempoolRemoval } from './mempool-events.js';

/** The default memory budget of a mempool view, bytes (see {@link MempoolView.bytes}). */
export const DEFAULT_MEMPOOL_BYTES = 32 * 1024 * 1024;
/** Largest transaction kept (bytes): Bitcoin Core's largest standard transaction is 400,000 weight units. */
export const MAX_MEMPOOL_TX_SIZE = 400_000;
/** Transactions asked of one peer and not yet received (Bitcoin Core's MAX_PEER_TX_REQUEST_IN_FLIGHT). */
export const MAX_TX_IN_FLIGHT = 100;
/** Announcements of one peer asked for or waiting to be; more are ignored (Core's MAX_PEER_TX_ANNOUNCEMENTS). */
export const MAX_TX_ANNOUNCEMENTS = 5000;
/** How long a peer has to send a transaction asked of it (Core's GETDATA_TX_INTERVAL), ms. */
export const TX_REQUEST_TIMEOUT_MS = 60_000;
/** Ids of transactions confirmed, evicted or dropped that are remembered (about 50 bytes each), so they are not fetched again. */
export const RECENT_TX_IDS = 100_000;

/** Options of {@link mempool}. */
export interface MempoolOptions {
  /** Estimated memory kept at most ({@link MempoolView.bytes}); the oldest transactions are evicted beyond. @default DEFAULT_MEMPOOL_BYTES (32 MiB) */
  maxBytes?: number;
  /** Largest transaction kept, bytes. @default MAX_MEMPOOL_TX_SIZE */
  maxTxBytes?: number;
  /** Scheduler of the request timeouts (tests run it in virtual time). @default asyncScheduler */
  scheduler?: SchedulerLike;
  /**
   * Ask peers that advertise NODE_BLOOM for the transactions they already
   * hold (BIP35 `mempool`), so the view is full from the start rather than
   * from the next announcements. @default false
   */
  askMempool?: boolean;
}

/** What is known of one peer. */
interface PeerState {
  peer: Peer;
  /** Witness serialisation may be asked of it. */
  witness: boolean;
  /** Requests sent, by announced hash (hex), with their timeouts. */
  inFlight: Map<string, Subscription>;
  /** Announcements waiting for a free request slot. */
  queue: InvVector[];
}

const isTxAnnouncement = (item: InvVector): boolean => item.type === InvType.Tx || item.type === InvType.WitnessTxId;
/**
 * A bounded view of the network's unconfirmed transactions, fed by peers.
 * Its {@link MempoolView.events$} is an Observable of {@link MempoolEvent}s:
 * the first subscriber starts it (each peer's transaction announcements are
 * fetched, once for all peers, by wtxid where BIP339 was negotiated), the
 * last one stops it (the transactions kept stay). The view also answers
 * lookups: what a compact-block rebuild needs.
 *
 * Bounds: at most `maxBytes` of serialized transactions (oldest first out:
 * fees cannot be known without the outputs spent, so arrival order is the
 * eviction rule), transactions over `maxTxBytes` dropped, at most
 * {@link MAX_TX_IN_FLIGHT} requests and {@link MAX_TX_ANNOUNCEMENTS}
 * waiting announcements per peer, {@link RECENT_TX_IDS} ids remembered: a
 * flood of announcements or transactions costs bounded memory.
 */
export class MempoolView {
  /** Every change: `added`, `removed`, `dropped` (hot and shared: subscribing starts the fetching, the last unsubscribe stops it). */
  readonly events$: Observable<MempoolEvent>;
  private readonly entries = new Map<string, Entry>();
  private readonly byWtxid = new Map<string, string>();
  /** Outpoint → txids (hex) of kept transactions spending it. */
  private readonly spenders = new Map<string, string[]>();
  /** Ids (txid and wtxid hex) confirmed, removed or dropped lately. */
  private readonly recent = new MruSet<number>(RECENT_TX_IDS);
  /** Announced hash (hex) → the announcement, the peer asked, then others that announced it too (at most 8 kept). */
  private readonly requested = new Map<string, { item: InvVector; peers: PeerState[] }>();
  private readonly events = new Subject<MempoolEvent>();
  private totalBytes = 0;
  private readonly maxBytes: number;
  private readonly maxTxBytes: number;
  private readonly scheduler: SchedulerLike;
  private readonly askMempool: boolean;

  /**
   * @param source - a peer, several, or a pool
   * @param options - byte budget, largest transaction, scheduler
   */
  constructor(source: RelaySource, options: MempoolOptions = {}) {
    const running = new Observable<never>(() => this.run(source));
    this.events$ = merge(this.events, running).pipe(share());
    this.maxBytes = options.maxBytes ?? DEFAULT_MEMPOOL_BYTES;
    this.maxTxBytes = Math.min(options.maxTxBytes ?? MAX_MEMPOOL_TX_SIZE, this.maxBytes);
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.askMempool = options.askMempool ?? false;
  }

  /** Transactions kept. */
  get size(): number {
    return this.entries.size;
  }

  /** Their estimated memory (within the budget): serialized bytes plus {@link MEMPOOL_ENTRY_OVERHEAD} each and {@link MEMPOOL_INPUT_OVERHEAD} per input. */
  get bytes(): number {
    return this.totalBytes;
  }

  /** A kept transaction by txid or wtxid (display hex or wire-order bytes), decoded from its bytes. */
  get(id: string | Uint8Array): Transaction | undefined {
    const hex = typeof id === 'string' ? id : hashToHex(id);
    return this.entries.get(this.byWtxid.get(hex) ?? hex)?.tx;
  }

  /** Whether a transaction is kept (txid or wtxid). */
  has(id: string | Uint8Array): boolean {
    const hex = typeof id === 'string' ? id : hashToHex(id);
    return this.entries.has(this.byWtxid.get(hex) ?? hex);
  }

  /** The kept transactions, oldest first. */
  transactions(): Transaction[] {
    return [...this.entries.values()].map((e) => e.tx);
  }

  /** The kept transactions with their wtxids, for {@link BlockRebuild}. */
  *candidates(): IterableIterator<RebuildCandidate> {
    yield* this.entries.values();
  }

  /** Take a transaction out (it is not fetched again while remembered). @returns whether it was kept */
  remove(id: string | Uint8Array, reason: MempoolRemoval = 'removed'): boolean {
    const hex = typeof id === 'string' ? id : hashToHex(id);
    const e = this.entries.get(this.byWtxid.get(hex) ?? hex);
    if (!e) return false;
    this.drop(e, reason);
    return true;
  }

  /**
   * A block was found: its transactions leave as `confirmed`, those
   * spending what it spends as `conflict`. The view does this itself for
   * `block` messages from its peers; call it for blocks obtained otherwise
   * (`compactBlocks` does).
   */
  confirm(block: Block): void {
    for (const tx of block.transactions) {
      const id = txidOf(tx);
      const hex = hashToHex(id);
      this.forget(hex);
      const e = this.entries.get(hex);
      if (e) this.drop(e, 'confirmed');
      for (const input of tx.inputs) {
        for (const other of [...(this.spenders.get(outpointKey(input.txid, input.vout)) ?? [])]) {
          const o = this.entries.get(other);
          if (o) this.drop(o, 'conflict');
        }
      }
    }
  }

  private drop(e: Entry, reason: MempoolRemoval): void {
    this.entries.delete(e.txidHex);
    this.byWtxid.delete(e.wtxidHex);
    this.forget(e.txidHex, e.wtxidHex);
    this.totalBytes -= e.cost;
    for (const k of e.spends) {
      const others = this.spenders.get(k)?.filter((id) => id !== e.txidHex);
      if (others?.length) this.spenders.set(k, others);
      else this.spenders.delete(k);
    }
    this.events.next({ type: 'removed', txid: e.txidHex, reason });
  }

  /** Remember ids so they are not fetched again. */
  private forget(...hexes: string[]): void {
    for (const hex of hexes) this.recent.add(recentKey(hex));
  }

  private known(hex: string): boolean {
    return this.entries.has(hex) || this.byWtxid.has(hex) || this.recent.has(recentKey(hex));
  }

  /** Fetch from every peer of the source until unsubscribed. */
  private run(source: RelaySource): () => void {
    const subs = new Subscription();
    subs.add(
      eachPeer(source).subscribe((peer) => {
        const state: PeerState = { peer, witness: false, inFlight: new Map(), queue: [] };
        void peer.handshake.then(
          (n) => {
            state.witness = n.witness;
            // BIP35: ask for what the peer already holds. Bitcoin Core disconnects a peer that asks without
            // NODE_BLOOM (or a permission it cannot see), so only peers that advertise it are asked.
            if (this.askMempool && hasService(n.remote.services, ServiceFlag.Bloom)) peer.queue({ command: 'mempool' });
          },
          () => undefined,
        );
        const gone = from(peer.closed);
        const perPeer = new Subscription();
        subs.add(perPeer);
        perPeer.add(
          peer
            .on('inv')
            .pipe(takeUntil(gone))
            .subscribe((m) => this.announced(state, m.items)),
        );
        perPeer.add(
          peer
            .on('tx')
            .pipe(takeUntil(gone))
            .subscribe((m) => this.received(state, m.tx)),
        );
        perPeer.add(
          peer
            .on('notfound')
            .pipe(takeUntil(gone))
            .subscribe((m) =>
              this.failed(
                state,
                m.items.map((i) => hashToHex(i.hash)),
              ),
            ),
        );
        perPeer.add(
          peer
            .on('block')
            .pipe(takeUntil(gone))
            .subscribe((m) => this.confirm(m.block)),
        );
        void peer.closed.then(() => {
          // What it was asked, and what waited for it, goes to the next peer that announced it.
          const waiting = state.queue.map((i) => hashToHex(i.hash));
          state.queue.length = 0;
          this.failed(state, [...state.inFlight.keys(), ...waiting]);
          perPeer.unsubscribe();
          subs.remove(perPeer);
        });
      }),
    );
    return () => {
      subs.unsubscribe();
      for (const r of this.requested.values()) for (const s of r.peers) for (const t of s.inFlight.values()) t.unsubscribe();
      this.requested.clear();
    };
  }

  private announced(state: PeerState, items: readonly InvVector[]): void {
    for (const item of items) {
      if (!isTxAnnouncement(item)) continue;
      const hex = hashToHex(item.hash);
      if (this.known(hex)) continue;
      const asked = this.requested.get(hex);
      if (asked) {
        if (!asked.peers.includes(state) && asked.peers.length < 8) asked.peers.push(state);
        continue;
      }
      if (state.queue.length + state.inFlight.size >= MAX_TX_ANNOUNCEMENTS) continue;
      this.requested.set(hex, { item, peers: [state] });
      state.queue.push(item);
    }
    this.pump(state);
  }

  /** Ask for queued announcements while request slots are free. */
  private pump(state: PeerState): void {
    if (!state.peer.connected) return;
    const items: InvVector[] = [];
    while (state.inFlight.size < MAX_TX_IN_FLIGHT && state.queue.length > 0) {
      const item = state.queue.shift()!;
      const hex = hashToHex(item.hash);
      if (this.requested.get(hex)?.peers[0] !== state) continue;
      if (this.known(hex)) {
        this.requested.delete(hex);
        continue;
      }
      const type = item.type === InvType.WitnessTxId ? InvType.WitnessTxId : state.witness ? InvType.WitnessTx : InvType.Tx;
      items.push({ type, hash: item.hash });
      state.inFlight.set(
        hex,
        this.scheduler.schedule(() => this.failed(state, [hex]), TX_REQUEST_TIMEOUT_MS),
      );
    }
    if (items.length > 0) state.peer.queue({ command: 'getdata', items });
  }

  /**
   * Announcements `state` will not deliver (notfound, timeout, or it is gone
   * with them asked or waiting): hand each to the next peer that announced it.
   */
  private failed(state: PeerState, hexes: readonly string[]): void {
    const next = new Set<PeerState>();
    for (const hex of hexes) {
      const t = state.inFlight.get(hex);
      t?.unsubscribe();
      state.inFlight.delete(hex);
      const asked = this.requested.get(hex);
      if (asked?.peers[0] !== state) continue;
      asked.peers.shift();
      const other = asked.peers.find((s) => s.peer.connected && s.queue.length + s.inFlight.size < MAX_TX_ANNOUNCEMENTS);
      if (!other) {
        this.requested.delete(hex);
        continue;
      }
      asked.peers.splice(0, asked.peers.indexOf(other));
      other.queue.push(asked.item);
      next.add(other);
    }
    this.pump(state);
    for (const s of next) this.pump(s);
  }

  private received(state: PeerState, tx: Transaction): void {
    const id = txidOf(tx);
    const w = wtxidOf(tx);
    const txidHex = hashToHex(id);
    const wtxidHex = hashToHex(w);
    const key = state.inFlight.has(wtxidHex) ? wtxidHex : state.inFlight.has(txidHex) ? txidHex : undefined;
    if (key === undefined) {
      if (!this.entries.has(txidHex)) this.events.next({ type: 'dropped', txid: txidHex, reason: 'unrequested', peer: state.peer });
      return;
    }
    state.inFlight.get(key)!.unsubscribe();
    state.inFlight.delete(key);
    this.requested.delete(key);
    this.pump(state);
    if (this.known(txidHex) || this.known(wtxidHex)) return;
    const raw = encodeTransaction(tx);
    const reason: MempoolDrop | undefined = raw.length > this.maxTxBytes ? 'too-large' : !isWellFormed(tx) ? 'invalid' : undefined;
    if (reason) {
      this.forget(txidHex, wtxidHex);
      this.events.next({ type: 'dropped', txid: txidHex, reason, peer: state.peer });
      return;
    }
    const entry = new Entry(
      raw,
      w,
      txidHex,
      wtxidHex,
      tx.inputs.map((i) => outpointKey(i.txid, i.vout)),
    );
    if (entry.cost > this.maxBytes) {
      this.forget(txidHex, wtxidHex);
      this.events.next({ type: 'dropped', txid: txidHex, reason: 'too-large', peer: state.peer });
      return;
    }
    // Room first (oldest out), so the budget holds at every event.
    while (this.totalBytes + entry.cost > this.maxBytes) this.drop(this.entries.values().next().value!, 'evicted');
    this.entries.set(txidHex, entry);
    if (wtxidHex !== txidHex) this.byWtxid.set(wtxidHex, txidHex);
    for (const k of entry.spends) {
      const others = this.spenders.get(k);
      if (others) others.push(txidHex);
      else this.spenders.set(k, [txidHex]);
    }
    this.totalBytes += entry.cost;
    this.events.next({ type: 'added', txid: txidHex, wtxid: wtxidHex, tx, bytes: raw.length, peer: state.peer });
  }
}

/**
 * A bounded view of the network's unconfirmed transactions (see
 * {@link MempoolView}): subscribe to its `events$` for `added`, `removed`
 * and `dropped` events; pass it to `compactBlocks` to rebuild blocks from it.
 * @param source - a peer, several, or a pool
 * @param options - `maxBytes` (default 32 MiB), `maxTxBytes`, `scheduler`
 * @example
 * ```ts
 * const view = mempool(peer, { maxBytes: 16 << 20 });
 * view.events$.subscribe((e) => e.type === 'added' && console.log(e.txid, e.bytes));
 * ```
 */
export function mempool(source: RelaySource, options: MempoolOptions = {}): MempoolView {
  return new MempoolView(source, options);
}
