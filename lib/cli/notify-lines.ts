import type { ConfirmationEvent, SpendEvent } from '../notify/notify-events.js';
import type { EventWriter } from './output.js';

/** A `confirmation` or `reorged` line of `rxbtc notify --tx`. */
export function tellConfirmation(out: EventWriter, e: ConfirmationEvent, depth: number): void {
  if (e.type === 'reorged') {
    tellReorged(out, e);
    return;
  }
  out('confirmation', `confirmation ${e.confirmations}/${depth} of ${e.txid} in block ${e.height} (${e.blockHash})`, {
    txid: e.txid,
    confirmations: e.confirmations,
    height: e.height,
    blockHash: e.blockHash,
  });
}

/** A `spent` or `reorged` line of `rxbtc notify --outpoint` (no height while the spend is in the mempool). */
export function tellSpend(out: EventWriter, e: SpendEvent): void {
  if (e.type === 'reorged') {
    tellReorged(out, e);
    return;
  }
  const where = e.height === undefined ? 'in the mempool' : `in block ${e.height} (${e.blockHash})`;
  out('spent', `spent ${e.outpoint} by ${e.txid} input ${e.inputIndex} ${where}`, {
    outpoint: e.outpoint,
    txid: e.txid,
    inputIndex: e.inputIndex,
    ...(e.height === undefined ? {} : { height: e.height, blockHash: e.blockHash }),
  });
}

function tellReorged(out: EventWriter, e: { txid: string; height: number; blockHash: string; outpoint?: string }): void {
  out('reorged', `reorged: block ${e.height} (${e.blockHash}) left the best chain; ${e.txid} no longer counts there`, {
    txid: e.txid,
    ...(e.outpoint === undefined ? {} : { outpoint: e.outpoint }),
    height: e.height,
    blockHash: e.blockHash,
  });
}
