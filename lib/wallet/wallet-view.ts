import { BehaviorSubject, distinctUntilChanged, type Observable } from 'rxjs';
import { hashToHex } from '../wire/hex.js';
import type { Transaction } from '../wire/transaction.js';
import type { ScriptOrigin } from './keychains.js';
import type { WalletEvent, WalletTxStatus } from './wallet-tracker.js';

/** A wallet's balance in satoshis. */
export interface WalletBalance {
  /** Unspent outputs of transactions confirmed in the best chain. */
  confirmed: bigint;
  /** Unspent outputs of transactions not confirmed (in the mempool, or reorganised out of the best chain). */
  unconfirmed: bigint;
}

/** An output the wallet received and has not spent. */
export interface Utxo {
  /** `txid:vout`. */
  outpoint: string;
  /** The transaction's id, display hex. */
  txid: string;
  /** Output index. */
  vout: number;
  /** Satoshis. */
  value: bigint;
  /** The output script. */
  script: Uint8Array;
  /** Whether its transaction is confirmed. */
  confirmed: boolean;
  /** The block height, when confirmed. */
  height?: number;
  /** Its descriptor, keychain and index, for a script derived from a descriptor. */
  origin?: ScriptOrigin;
}

interface Known {
  tx: Transaction;
  status: WalletTxStatus;
  height: number | undefined;
  received: Map<number, { value: bigint; origin: ScriptOrigin | undefined }>;
}

/** Whether two balances are equal (an absent one equals none). */
export const sameBalance = (a: WalletBalance | undefined, b: WalletBalance): boolean =>
  a?.confirmed === b.confirmed && a.unconfirmed === b.unconfirmed;

/**
 * What a wallet owns, kept from its events: every unspent output (a
 * transaction spending one of them — confirmed or not — spends it) and
 * the balance. A transaction reorganised out of the best chain counts as
 * unconfirmed until it confirms again. Give it to `watch({ wallet })`: it
 * is filled from a wallet store's events first, then from every event
 * delivered.
 */
export class WalletView {
  private readonly txs = new Map<string, Known>();
  private readonly spentBy = new Map<string, string>();
  private readonly balances = new BehaviorSubject<WalletBalance>({ confirmed: 0n, unconfirmed: 0n });
  private readonly versions = new BehaviorSubject(0);

  /** The balance now, then each time it changes. */
  readonly balance$: Observable<WalletBalance> = this.balances.pipe(distinctUntilChanged(sameBalance));
  /** A counter that moves whenever the unspent outputs or the balance change (read them then). */
  readonly changed$: Observable<number> = this.versions.asObservable();

  /**
   * Take an event in.
   * @returns whether the unspent outputs changed
   */
  apply(e: WalletEvent): boolean {
    const before = this.fingerprint();
    const known = this.txs.get(e.txid) ?? { tx: e.tx, status: e.status, height: e.height, received: new Map() };
    known.status = e.status;
    known.height = e.status === 'confirmed' ? e.height : undefined;
    for (const r of e.received) {
      const output = e.tx.outputs[r.index];
      if (output) known.received.set(r.index, { value: r.value, origin: r.origin });
    }
    this.txs.set(e.txid, known);
    for (const input of e.tx.inputs) this.spentBy.set(`${hashToHex(input.txid)}:${input.vout}`, e.txid);
    const changed = before !== this.fingerprint();
    if (changed) {
      this.balances.next(this.balance());
      this.versions.next(this.versions.value + 1);
    }
    return changed;
  }

  /** The unspent outputs, oldest confirmed first, unconfirmed last. */
  utxos(): Utxo[] {
    const out: Utxo[] = [];
    for (const [txid, t] of this.txs) {
      for (const [vout, r] of t.received) {
        const outpoint = `${txid}:${vout}`;
        if (this.spentBy.has(outpoint)) continue;
        const confirmed = t.status === 'confirmed';
        const u: Utxo = { outpoint, txid, vout, value: r.value, script: t.tx.outputs[vout]!.script, confirmed };
        if (confirmed && t.height !== undefined) u.height = t.height;
        if (r.origin) u.origin = r.origin;
        out.push(u);
      }
    }
    return out.sort((a, b) => (a.height ?? Infinity) - (b.height ?? Infinity));
  }

  /** The balance now. */
  balance(): WalletBalance {
    const b = { confirmed: 0n, unconfirmed: 0n };
    for (const u of this.utxos()) {
      if (u.confirmed) b.confirmed += u.value;
      else b.unconfirmed += u.value;
    }
    return b;
  }

  private fingerprint(): string {
    return this.utxos()
      .map((u) => `${u.outpoint}${u.confirmed ? 'c' : 'u'}`)
      .join();
  }
}
