import { hashToHex } from '../wire/hex.js';
import { txid as txidOf, type Transaction } from '../wire/transaction.js';

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
  /** Outputs paying a watched script: index and value in satoshis. */
  received: {
    /** Output index. */
    index: number;
    /** Satoshis. */
    value: bigint;
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

const key = (script: Uint8Array): string => {
  let s = '';
  for (const b of script) s += String.fromCharCode(b);
  return s;
};

/**
 * The wallet's memory, shared by both watching methods: which scripts are
 * watched, which outputs were received (so spends are recognised), which
 * transactions were reported in the mempool and in which block each was
 * confirmed. It turns a transaction, with or without a block, into at most
 * one event, and never reports a transaction that touches no watched script.
 */
export class WalletTracker {
  private readonly scripts = new Set<string>();
  private readonly outpoints = new Set<string>();
  private readonly inMempool = new Set<string>();
  private readonly confirmedIn = new Map<string, { tx: Transaction; height: number; blockHash: string }>();
  private readonly journal: WalletJournal | undefined;

  /**
   * @param scripts - the output scripts to watch
   * @param journal - told of every event as it is made and once it was delivered ({@link commit}): where a wallet store records it
   */
  constructor(scripts: readonly Uint8Array[], journal?: WalletJournal) {
    for (const s of scripts) this.scripts.add(key(s));
    this.journal = journal;
  }

  /** The scripts watched. */
  get watched(): Uint8Array[] {
    return [...this.scripts].map((s) => Uint8Array.from(s, (c) => c.charCodeAt(0)));
  }

  /** Watch more scripts (a wallet that grew); returns those that were new. */
  addScripts(scripts: readonly Uint8Array[]): Uint8Array[] {
    const fresh = scripts.filter((s) => !this.scripts.has(key(s)));
    for (const s of fresh) this.scripts.add(key(s));
    return fresh;
  }

  /** The confirmations known: txid → height and block hash (display hex). */
  confirmations(): Map<string, Confirmation> {
    return new Map([...this.confirmedIn].map(([id, c]) => [id, { height: c.height, blockHash: c.blockHash }]));
  }

  /** An event was delivered to the wallet's subscribers: hand it to the journal. */
  commit(e: WalletEvent): void {
    this.journal?.commit(e);
  }

  /** Take back the state an event recorded earlier left (restoring a stored wallet); emits nothing. */
  replay(e: WalletEvent): void {
    for (const r of e.received) this.outpoints.add(`${e.txid}:${r.index}`);
    if (e.status === 'mempool') {
      if (!this.confirmedIn.has(e.txid)) this.inMempool.add(e.txid);
    } else if (e.status === 'confirmed') {
      this.inMempool.delete(e.txid);
      this.confirmedIn.set(e.txid, { tx: e.tx, height: e.height!, blockHash: e.blockHash! });
    } else if (this.confirmedIn.get(e.txid)?.blockHash === e.blockHash) {
      this.confirmedIn.delete(e.txid);
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
    const received: WalletEvent['received'] = [];
    tx.outputs.forEach((o, index) => {
      if (this.scripts.has(key(o.script))) received.push({ index, value: o.value });
    });
    const spent: WalletEvent['spent'] = [];
    tx.inputs.forEach((i, index) => {
      const outpoint = `${hashToHex(i.txid)}:${i.vout}`;
      if (this.outpoints.has(outpoint)) spent.push({ index, outpoint });
    });
    if (received.length === 0 && spent.length === 0) return undefined;
    for (const r of received) this.outpoints.add(`${id}:${r.index}`);
    if (!block) {
      if (this.inMempool.has(id) || this.confirmedIn.has(id)) return undefined;
      this.inMempool.add(id);
      return this.made({ type: 'tx', txid: id, tx, status: 'mempool', received, spent });
    }
    const was = this.confirmedIn.get(id);
    if (was?.blockHash === block.blockHash) return undefined;
    this.inMempool.delete(id);
    this.confirmedIn.set(id, { tx, height: block.height, blockHash: block.blockHash });
    return this.made({
      type: 'tx',
      txid: id,
      tx,
      status: 'confirmed',
      height: block.height,
      blockHash: block.blockHash,
      proof: block.proof,
      received,
      spent,
    });
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
        if (this.scripts.has(key(o.script))) received.push({ index, value: o.value });
      });
      out.push(
        this.made({ type: 'tx', txid: id, tx: c.tx, status: 'reorged', height: c.height, blockHash: c.blockHash, received, spent: [] }),
      );
    }
    return out;
  }
}
