import type { Transaction } from '../wire/transaction.js';
import { bytesEqual, toHex } from '../wire/hex.js';
import { HeightRanges } from './height-ranges.js';
import type { ConfirmationEvent, ConfirmationUpdate } from './notify-events.js';
import type { ConfirmationRequest } from './notify-requests.js';
import { parseTxid } from './outpoint.js';
import { checkDepth, checkHint } from './request-checks.js';
import type { BlockPlace, Watcher } from './watcher.js';
import type { WatcherContext } from './watcher-context.js';

/** Where the transaction is confirmed, as last told. */
type Found = Omit<ConfirmationUpdate, 'type' | 'confirmations'>;

/**
 * A {@link ChainNotifier.confirmations} registration: finds the transaction
 * in a block (matching its id, with the script among its outputs), tells
 * each confirmation from 1 to `depth` as the tip grows, tells `reorged`
 * when that block leaves the best chain and counts again from where it is
 * found next. Done once `depth` is told.
 */
export class ConfirmationWatcher implements Watcher<ConfirmationEvent> {
  readonly kind = 'confirmations';
  readonly key: string;
  readonly script: Uint8Array;
  readonly txids: readonly string[];
  readonly outpoints: readonly string[] = [];
  readonly heightHint: number;
  readonly needs: HeightRanges;
  private readonly depth: number;
  private readonly context: WatcherContext<ConfirmationEvent>;
  private found: Found | undefined;
  private told = 0;

  /**
   * @param request - the transaction, its script, depth and height hint
   * @param context - the chain's height, where events go
   * @throws TypeError for a txid that is not 64 hex digits; RangeError for a depth below 1 or a negative hint
   */
  constructor(request: ConfirmationRequest, context: WatcherContext<ConfirmationEvent>) {
    const txid = parseTxid(request.txid);
    this.depth = checkDepth(request.depth);
    checkHint(request.heightHint);
    this.script = request.script;
    this.txids = [txid];
    this.key = `confirmations:${txid}:${toHex(request.script)}`;
    this.heightHint = request.heightHint;
    this.needs = new HeightRanges(request.heightHint);
    this.context = context;
  }

  get done(): boolean {
    return this.told >= this.depth;
  }

  /** Where it was found, when it is (restored or seen). */
  get confirmedIn(): { height: number; blockHash: string } | undefined {
    return this.found && { height: this.found.height, blockHash: this.found.blockHash };
  }

  saw(tx: Transaction, txid: string, place: BlockPlace | undefined): void {
    if (!place || this.found || txid !== this.txids[0]) return;
    if (!tx.outputs.some((o) => bytesEqual(o.script, this.script))) return;
    this.found = { txid, tx, ...place };
    this.tip(this.context.height());
  }

  tip(height: number): void {
    const found = this.found;
    if (!found || this.done) return;
    const deep = Math.min(this.depth, height - found.height + 1);
    while (this.told < deep) this.emit({ type: 'confirmation', ...found, confirmations: this.told + 1 });
  }

  disconnected(hashes: ReadonlySet<string>): void {
    const found = this.found;
    if (!found || !hashes.has(found.blockHash)) return;
    this.emit({ type: 'reorged', txid: found.txid, height: found.height, blockHash: found.blockHash });
  }

  caughtUp(): void {
    // Nothing to answer: confirmations come as the chain grows.
  }

  replay(e: ConfirmationEvent): void {
    if (e.type === 'reorged') {
      this.found = undefined;
      this.told = 0;
      return;
    }
    this.found = { txid: e.txid, height: e.height, blockHash: e.blockHash, tx: e.tx, proof: e.proof };
    this.told = e.confirmations;
  }

  private emit(e: ConfirmationEvent): void {
    this.replay(e);
    this.context.emit(e);
    if (this.done) this.context.finish();
  }
}
