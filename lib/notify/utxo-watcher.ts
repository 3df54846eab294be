import type { Transaction } from '../wire/transaction.js';
import { toHex } from '../wire/hex.js';
import { HeightRanges } from './height-ranges.js';
import type { UtxoAnswer } from './notify-events.js';
import type { UtxoRequest } from './notify-requests.js';
import { parseOutpoint, spentOutpoint } from './outpoint.js';
import { checkHint } from './request-checks.js';
import type { BlockPlace, Watcher } from './watcher.js';
import type { WatcherContext } from './watcher-context.js';

/**
 * A {@link ChainNotifier.utxo} question: follows the output's creation and
 * spend through every block from the hint to the tip (a block that leaves
 * the best chain takes what it held with it), and answers once every one
 * of them is checked.
 */
export class UtxoWatcher implements Watcher<UtxoAnswer> {
  readonly kind = 'utxo';
  readonly key: string;
  readonly script: Uint8Array;
  readonly txids: readonly string[];
  readonly outpoints: readonly string[];
  readonly heightHint: number;
  readonly needs: HeightRanges;
  private readonly vout: number;
  private readonly context: WatcherContext<UtxoAnswer>;
  private created: { value: bigint; script: Uint8Array; height: number; blockHash: string } | undefined;
  private spent: Extract<UtxoAnswer, { status: 'spent' }> | undefined;
  private answered = false;

  /**
   * @param request - the output, its script and height hint
   * @param context - where the answer goes
   * @throws TypeError for an outpoint that is not `txid:vout`; RangeError for a negative hint
   */
  constructor(request: UtxoRequest, context: WatcherContext<UtxoAnswer>) {
    const { txid, vout, text } = parseOutpoint(request.outpoint);
    checkHint(request.heightHint);
    this.vout = vout;
    this.script = request.script;
    this.txids = [txid];
    this.outpoints = [text];
    this.key = `utxo:${text}:${toHex(request.script)}`;
    this.heightHint = request.heightHint;
    this.needs = new HeightRanges(request.heightHint);
    this.context = context;
  }

  get confirmedIn(): undefined {
    return undefined;
  }

  get done(): boolean {
    return this.answered;
  }

  saw(tx: Transaction, txid: string, place: BlockPlace | undefined): void {
    if (!place) return;
    const output = txid === this.txids[0] ? tx.outputs[this.vout] : undefined;
    if (output) this.created = { value: output.value, script: output.script, height: place.height, blockHash: place.blockHash };
    const outpoint = this.outpoints[0]!;
    const inputIndex = tx.inputs.findIndex((i) => spentOutpoint(i) === outpoint);
    if (inputIndex >= 0) {
      this.spent = { status: 'spent', outpoint, txid, inputIndex, tx, height: place.height, blockHash: place.blockHash, tip: 0 };
    }
  }

  tip(): void {
    // The answer waits for every block to the tip to be checked.
  }

  disconnected(hashes: ReadonlySet<string>): void {
    if (this.created && hashes.has(this.created.blockHash)) this.created = undefined;
    if (this.spent && hashes.has(this.spent.blockHash)) this.spent = undefined;
  }

  caughtUp(tip: number): void {
    if (this.answered) return;
    this.answered = true;
    const outpoint = this.outpoints[0]!;
    const answer: UtxoAnswer = this.spent
      ? { ...this.spent, tip }
      : this.created
        ? { status: 'unspent', outpoint, ...this.created, tip }
        : { status: 'missing', outpoint, tip };
    this.context.emit(answer);
    this.context.finish();
  }

  replay(): void {
    // A question is not stored: nothing to restore.
  }
}
