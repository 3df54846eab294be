import { ReplaySubject, type Observable } from 'rxjs';
import type { Peer } from '../peer/peer-api.js';
import { hashToHex, toHex } from '../wire/hex.js';
import { INV_WITNESS_FLAG, InvType, type InvVector } from '../wire/messages/inv.js';
import { txid, wtxid, type Transaction } from '../wire/transaction.js';

/** A transaction being announced by a pool. See `Pool.broadcast`. */
export interface Broadcast {
  /** The transaction's id, display (reversed) hex. */
  readonly txid: string;
  /** Each peer that asked for the transaction (`getdata`), once per peer; replayed to late subscribers; completes on `stop()`. */
  readonly requests$: Observable<Peer>;
  /** Stop announcing and serving it. */
  stop(): void;
}

interface Pending {
  readonly tx: Transaction;
  readonly txid: Uint8Array;
  readonly wtxid: Uint8Array;
  readonly requests: ReplaySubject<Peer>;
  readonly asked: WeakSet<Peer>;
}

/** The transaction without witness data, for peers that ask by txid without the witness flag. */
const stripped = (tx: Transaction): Transaction => ({ ...tx, inputs: tx.inputs.map((i) => ({ ...i, witness: [] })) });

/**
 * The pool's transaction announcements: `inv` by wtxid to peers that sent
 * `wtxidrelay` (BIP339), by txid to the others; `getdata` answered with the
 * transaction (with witness when asked by wtxid or with the BIP144 flag).
 */
export class Broadcaster {
  private readonly byHash = new Map<string, Pending>();

  /**
   * Start announcing `tx` to `peers` (and to every peer later given to {@link announceAll}).
   * @returns the handle with the peers that asked
   */
  add(tx: Transaction, peers: Iterable<Peer>): Broadcast {
    const pending: Pending = { tx, txid: txid(tx), wtxid: wtxid(tx), requests: new ReplaySubject<Peer>(), asked: new WeakSet() };
    this.byHash.set(toHex(pending.txid), pending);
    this.byHash.set(toHex(pending.wtxid), pending);
    for (const peer of peers) this.announce(peer, pending);
    return {
      txid: hashToHex(pending.txid),
      requests$: pending.requests.asObservable(),
      stop: () => this.stop(pending),
    };
  }

  /** Announce every pending transaction to a newly handshaken peer. */
  announceAll(peer: Peer): void {
    for (const p of new Set(this.byHash.values())) this.announce(peer, p);
  }

  /**
   * Serve the items of a peer's `getdata` that are pending transactions.
   * @returns whether any item was ours
   */
  serve(peer: Peer, items: readonly InvVector[]): boolean {
    let served = false;
    for (const item of items) {
      const base = item.type & ~INV_WITNESS_FLAG;
      if (base !== InvType.Tx && base !== InvType.WitnessTxId) continue;
      const p = this.byHash.get(toHex(item.hash));
      if (!p) continue;
      const witness = base === InvType.WitnessTxId || (item.type & INV_WITNESS_FLAG) !== 0;
      peer.send({ command: 'tx', tx: witness ? p.tx : stripped(p.tx) }).catch(() => undefined);
      served = true;
      if (!p.asked.has(peer)) {
        p.asked.add(peer);
        p.requests.next(peer);
      }
    }
    return served;
  }

  /** Stop every broadcast. */
  close(): void {
    for (const p of new Set(this.byHash.values())) this.stop(p);
  }

  private announce(peer: Peer, p: Pending): void {
    const item = peer.stats().wtxidRelay ? { type: InvType.WitnessTxId, hash: p.wtxid } : { type: InvType.Tx, hash: p.txid };
    peer.addKnownInventory(item);
    peer.send({ command: 'inv', items: [item] }).catch(() => undefined);
  }

  private stop(p: Pending): void {
    this.byHash.delete(toHex(p.txid));
    this.byHash.delete(toHex(p.wtxid));
    p.requests.complete();
  }
}
