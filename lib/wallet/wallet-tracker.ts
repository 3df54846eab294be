import { hashToHex } from '../wire/hex.js';
import { txid as txidOf, type Transaction } from '../wire/transaction.js';
import { scriptKey as key, type KeychainState, type Keychains, type ScriptOrigin } from './keychains.js';
import type { WalletView } from './wallet-view.js';

/** Where a transaction stands, as {@link watch} reports it. */
export type WalletTxStatus = 'mempool' | 'confirmed' | 'reorged';

/** How a confirmation was proved. */
export type WalletProof =
  | {
      /** BIP37: a verified partial merkle tree from the block's header to the transaction. */
      kind: 'merkleblock';
      /** The transaction's position in the block. */
      index: number;
      /** Transactions in the block. */
      totalTransactions: number;
    }
  | {
      /** BIP158: the whole block, its merkle root recomputed and equal to the header's. */
      kind: 'block';
      /** The transaction's position in the block. */
      index: number;
    };

/** One change to one of the wallet's transactions. */
export interface WalletEvent {
  /** Always `tx`. */
  type: 'tx';
  /** The txid, display hex. */
  txid: string;
  /** The transaction. */
  tx: Transaction;
  /** `mempool`: seen unconfirmed; `confirmed`: in a block of the best chain; `reorged`: its block left the best chain. */
  status: WalletTxStatus;
  /** Height of the block (confirmed, and reorged: the block it left). */
  height?: number;
  /** Hash of that block, display hex. */
  blockHash?: string;
  /** How the confirmation was proved. */
  proof?: WalletProof;
  /** Descriptor, keychain and derivation index of the first output received that a descriptor derives. */
  origin?: ScriptOrigin;
  /** Outputs paying a watched script: index and value in satoshis. */
  received: {
    /** Output index. */
    index: number;
    /** Satoshis. */
    value: bigint;
    /** Its descriptor, keychain and derivation index, when a descriptor derives its script. */
    origin?: ScriptOrigin;
  }[];
  /** Inputs spending an output the wallet received: index and the outpoint spent (`txid:vout`). */
  spent: {
    /** Input index. */
    index: number;
    /** The outpoint spent, `txid:vout`. */
    outpoint: string;
  }[];
}

/** Where a wallet transaction is confirmed. */
export interface Confirmation {
  /** Height of the block. */
  height: number;
  /** Hash of the block, display hex. */
  blockHash: string;
}

/**
 * Where a {@link WalletTracker} records its events: each is prepared as it
 * is made (before delivery: encoding takes its time there) and committed
 * right after its subscribers had it, so that the moment between the two,
 * in which a killed process would deliver the event again on restart, is
 * as short as one write.
 */
export interface WalletJournal {
  /** An event was made and is about to be delivered. */
  prepare(e: WalletEvent): void;
  /** It was delivered. */
  commit(e: WalletEvent): void;
  /**
   * Every script derived so far has been checked in every block scanned:
   * the script set (and keychain state) may now be stored as complete.
   */
  settled?(scripts: Uint8Array[], keychains: KeychainState[]): void;
}

/** Scripts derived while scanning, each to be checked again in the blocks scanned before it was. */
export interface FreshScripts {
  /** The scripts. */
  scripts: Uint8Array[];
  /** The highest block height to check them in (they were derived there; undefined: derived from a mempool transaction). */
  upTo: number | undefined;
}

/** What a {@link WalletTracker} works with besides its scripts. */
export interface WalletTrackerOptions {
  /** Told of every event as it is made and once it was delivered: where a wallet store records it. */
  journal?: WalletJournal;
  /** Descriptor keychains: a payment to one of their scripts derives more (gap limit). */
  keychains?: Keychains;
  /** Kept up to date with every event delivered (and replayed). */
  view?: WalletView;
}

/** A confirmation to report: a block and the proof for the transaction. */
export interface BlockContext {
  /** Height. */
  height: number;
  /** Block hash, display hex. */
  blockHash: string;
  /** How it was proved. */
  proof: WalletProof;
}

/**
 * The wallet's memory, shared by both watching methods: which scripts are
 * watched, which outputs were received (so spends are recognised), which
 * transactions were reported in the mempool and in which block each was
 * confirmed. It turns a transaction, with or without a block, into at most
 * one event, and never reports a transaction that touches no watched script.
 */
export class WalletTracker {
  private readonly scripts = new Set<string>();
  private readonly list: Uint8Array[] = [];
  private readonly outpoints = new Set<string>();
  private readonly inMempool = new Set<string>();
  private readonly confirmedIn = new Map<string, { tx: Transaction; height: number; blockHash: string }>();
  /** What each transaction reported: `o<vout>` and `s<input>` entries. */
  private readonly reported = new Map<string, Set<string>>();
  private fresh: { script: Uint8Array; upTo: number | undefined }[] = [];
  private readonly journal: WalletJournal | undefined;
  /** The descriptor keychains, when the wallet has descriptors. */
  readonly keychains: Keychains | undefined;
  /** The view kept up to date, when given. */
  readonly view: WalletView | undefined;

  /**
   * @param scripts - the output scripts to watch (a keychain's scripts are added)
   * @param options - journal, keychains, view
   */
  constructor(scripts: readonly Uint8Array[], options: WalletTrackerOptions = {}) {
    this.addScripts(scripts);
    this.addScripts(options.keychains?.scripts ?? []);
    this.journal = options.journal;
    this.keychains = options.keychains;
    this.view = options.view;
  }

  /** The scripts watched (a copy). */
  get watched(): Uint8Array[] {
    return [...this.list];
  }

  /** The scripts watched, as a live list that grows as scripts are added (for matching filters without copying). */
  get scriptList(): readonly Uint8Array[] {
    return this.list;
  }

  /** Watch more scripts (a wallet that grew); returns those that were new. */
  addScripts(scripts: readonly Uint8Array[]): Uint8Array[] {
    const fresh: Uint8Array[] = [];
    for (const s of scripts) {
      const k = key(s);
      if (this.scripts.has(k)) continue;
      this.scripts.add(k);
      this.list.push(s);
      fresh.push(s);
    }
    return fresh;
  }

  /** The confirmations known: txid → height and block hash (display hex). */
  confirmations(): Map<string, Confirmation> {
    return new Map([...this.confirmedIn].map(([id, c]) => [id, { height: c.height, blockHash: c.blockHash }]));
  }

  /** An event was delivered to the wallet's subscribers: hand it to the journal and the view. */
  commit(e: WalletEvent): void {
    this.journal?.commit(e);
    this.view?.apply(e);
  }

  /** Whether scripts were derived since the last {@link takeFresh}. */
  get hasFresh(): boolean {
    return this.fresh.length > 0;
  }

  /** Scripts derived since the last call, with the height up to which blocks must be checked for them again. */
  takeFresh(): FreshScripts | undefined {
    if (this.fresh.length === 0) return undefined;
    const heights = this.fresh.map((f) => f.upTo);
    const upTo = heights.includes(undefined) ? undefined : Math.max(...(heights as number[]));
    const scripts = this.fresh.map((f) => f.script);
    this.fresh = [];
    return { scripts, upTo };
  }

  /** Every script derived so far is checked in every block scanned: tell the journal (a store keeps the script set). */
  settle(): void {
    this.journal?.settled?.(this.watched, this.keychains?.state() ?? []);
  }

  /**
   * Take back the state an event recorded earlier left (restoring a stored
   * wallet): outputs, confirmations, keychain indices used (deriving past
   * them); emits nothing.
   * @returns scripts the keychains derived for it
   */
  replay(e: WalletEvent): Uint8Array[] {
    const derived: Uint8Array[] = [];
    for (const r of e.received) {
      this.outpoints.add(`${e.txid}:${r.index}`);
      this.remember(e.txid, `o${r.index}`);
      if (r.origin && this.keychains) derived.push(...this.addScripts(this.keychains.use(r.origin)));
    }
    for (const s of e.spent) this.remember(e.txid, `s${s.index}`);
    this.view?.apply(e);
    if (e.status === 'mempool') {
      if (!this.confirmedIn.has(e.txid)) this.inMempool.add(e.txid);
    } else if (e.status === 'confirmed') {
      this.inMempool.delete(e.txid);
      this.confirmedIn.set(e.txid, { tx: e.tx, height: e.height!, blockHash: e.blockHash! });
    } else if (this.confirmedIn.get(e.txid)?.blockHash === e.blockHash) {
      this.confirmedIn.delete(e.txid);
    }
    return derived;
  }

  /** Record that a transaction's event told `entry`; returns whether it is new. */
  private remember(txid: string, entry: string): boolean {
    let set = this.reported.get(txid);
    if (!set) this.reported.set(txid, (set = new Set()));
    if (set.has(entry)) return false;
    set.add(entry);
    return true;
  }

  /** The outputs a transaction pays the wallet, deriving further scripts as it pays keychain indices (until none is new). */
  private receivedBy(tx: Transaction, upTo: number | undefined): WalletEvent['received'] {
    for (;;) {
      const received: WalletEvent['received'] = [];
      let derived = false;
      for (let index = 0; index < tx.outputs.length; index++) {
        const o = tx.outputs[index]!;
        const k = key(o.script);
        if (!this.scripts.has(k)) continue;
        const origin = this.keychains?.origin(k);
        received.push(origin ? { index, value: o.value, origin } : { index, value: o.value });
        if (!origin) continue;
        const fresh = this.addScripts(this.keychains!.use(origin));
        for (const script of fresh) this.fresh.push({ script, upTo });
        derived ||= fresh.length > 0;
      }
      if (!derived) return received;
    }
  }

  /** Whether the tracker already knows this transaction as confirmed or in the mempool. */
  knows(txid: string): boolean {
    return this.inMempool.has(txid) || this.confirmedIn.has(txid);
  }

  /**
   * The event for a transaction seen in the mempool (`block` undefined) or
   * in a block of the best chain; undefined when it is not the wallet's or
   * nothing changed.
   */
  see(tx: Transaction, block?: BlockContext): WalletEvent | undefined {
    const id = hashToHex(txidOf(tx));
    const received = this.receivedBy(tx, block?.height);
    const spent: WalletEvent['spent'] = [];
    tx.inputs.forEach((i, index) => {
      const outpoint = `${hashToHex(i.txid)}:${i.vout}`;
      if (this.outpoints.has(outpoint)) spent.push({ index, outpoint });
    });
    if (received.length === 0 && spent.length === 0) return undefined;
    let grew = false;
    for (const r of received) {
      this.outpoints.add(`${id}:${r.index}`);
      grew = this.remember(id, `o${r.index}`) || grew;
    }
    for (const x of spent) grew = this.remember(id, `s${x.index}`) || grew;
    const origin = received.find((r) => r.origin)?.origin;
    const base = { type: 'tx' as const, txid: id, tx, received, spent, ...(origin ? { origin } : {}) };
    if (!block) {
      // Known already: told again only when it turned out to pay (or spend) more of the wallet's outputs than it did.
      if (this.confirmedIn.has(id) || (this.inMempool.has(id) && !grew)) return undefined;
      this.inMempool.add(id);
      return this.made({ ...base, status: 'mempool' });
    }
    const was = this.confirmedIn.get(id);
    if (was?.blockHash === block.blockHash && !grew) return undefined;
    this.inMempool.delete(id);
    this.confirmedIn.set(id, { tx, height: block.height, blockHash: block.blockHash });
    return this.made({ ...base, status: 'confirmed', height: block.height, blockHash: block.blockHash, proof: block.proof });
  }

  private made(e: WalletEvent): WalletEvent {
    this.journal?.prepare(e);
    return e;
  }

  /** Events for every wallet transaction confirmed in blocks that left the best chain. */
  disconnect(blockHashes: readonly string[]): WalletEvent[] {
    const gone = new Set(blockHashes);
    const out: WalletEvent[] = [];
    for (const [id, c] of this.confirmedIn) {
      if (!gone.has(c.blockHash)) continue;
      this.confirmedIn.delete(id);
      const received: WalletEvent['received'] = [];
      c.tx.outputs.forEach((o, index) => {
        const k = key(o.script);
        if (!this.scripts.has(k)) return;
        const origin = this.keychains?.origin(k);
        received.push(origin ? { index, value: o.value, origin } : { index, value: o.value });
      });
      const origin = received.find((r) => r.origin)?.origin;
      out.push(
        this.made({
          type: 'tx',
          txid: id,
          tx: c.tx,
          status: 'reorged',
          height: c.height,
          blockHash: c.blockHash,
          received,
          spent: [],
          ...(origin ? { origin } : {}),
        }),
      );
    }
    return out;
  }
}
