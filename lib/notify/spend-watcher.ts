import type { Transaction } from '../wire/transaction.js';
import { toHex } from '../wire/hex.js';
import { HeightRanges } from './height-ranges.js';
import type { SpendEvent, SpendNotice } from './notify-events.js';
import type { SpendRequest } from './notify-requests.js';
import { parseOutpoint, spentOutpoint } from './outpoint.js';
import { checkDepth, checkHint } from './request-checks.js';
import type { BlockPlace, Watcher } from './watcher.js';
import type { WatcherContext } from './watcher-context.js';

/** A spend told with its block. */
type Confirmed = SpendNotice & { height: number; blockHash: string };

/**
 * A {@link ChainNotifier.spends} registration: tells the transaction that
 * spends the output, first unconfirmed when a peer announces it, then with
 * its block; tells `reorged` when that block leaves the best chain (the
 * spend is told again where it is found next). Done once the spend is
 * `depth` blocks deep.
 */
export class SpendWatcher implements Watcher<SpendEvent> {
  readonly kind = 'spends';
  readonly key: string;
  readonly script: Uint8Array;
  readonly txids: readonly string[] = [];
  readonly outpoints: readonly string[];
  readonly heightHint: number;
  readonly needs: HeightRanges;
  private readonly depth: number;
  private readonly context: WatcherContext<SpendEvent>;
  private unconfirmed: string | undefined;
  private confirmed: Confirmed | undefined;
  private finished = false;

  /**
   * @param request - the output, its script, height hint and depth
   * @param context - the chain's height, where events go
   * @throws TypeError for an outpoint that is not `txid:vout`; RangeError for a depth below 1 or a negative hint
   */
  constructor(request: SpendRequest, context: WatcherContext<SpendEvent>) {
    const outpoint = parseOutpoint(request.outpoint).text;
    this.depth = checkDepth(request.depth);
    checkHint(request.heightHint);
    this.script = request.script;
    this.outpoints = [outpoint];
    this.key = `spends:${outpoint}:${toHex(request.script)}`;
    this.heightHint = request.heightHint;
    this.needs = new HeightRanges(request.heightHint);
    this.context = context;
  }

  get done(): boolean {
    return this.finished;
  }

  /** Where the spend is confirmed, when it is (restored or seen). */
  get confirmedIn(): { height: number; blockHash: string } | undefined {
    return this.confirmed && { height: this.confirmed.height, blockHash: this.confirmed.blockHash };
  }

  saw(tx: Transaction, txid: string, place: BlockPlace | undefined): void {
    const outpoint = this.outpoints[0]!;
    const inputIndex = tx.inputs.findIndex((i) => spentOutpoint(i) === outpoint);
    if (inputIndex < 0 || this.confirmed || this.finished) return;
    if (!place) {
      if (this.unconfirmed !== txid) this.emit({ type: 'spent', outpoint, txid, inputIndex, tx });
      return;
    }
    this.emit({ type: 'spent', outpoint, txid, inputIndex, tx, ...place });
    this.tip(this.context.height());
  }

  tip(height: number): void {
    const c = this.confirmed;
    if (!c || this.finished || height - c.height + 1 < this.depth) return;
    this.finished = true;
    this.context.finish();
  }

  disconnected(hashes: ReadonlySet<string>): void {
    const c = this.confirmed;
    if (!c || !hashes.has(c.blockHash)) return;
    this.emit({ type: 'reorged', outpoint: c.outpoint, txid: c.txid, height: c.height, blockHash: c.blockHash });
  }

  caughtUp(): void {
    // Nothing to answer: a spend is told when it comes.
  }

  replay(e: SpendEvent): void {
    if (e.type === 'reorged') {
      this.confirmed = undefined;
      this.unconfirmed = undefined;
    } else if (e.height === undefined || e.blockHash === undefined) {
      this.unconfirmed = e.txid;
    } else {
      this.confirmed = { ...e, height: e.height, blockHash: e.blockHash };
    }
  }

  private emit(e: SpendEvent): void {
    this.replay(e);
    this.context.emit(e);
  }
}
